// End-to-end test of the map's layer switch (need, provision, gap, underserved, hot spots) and of
// the area panel, in headless Chromium, against a running spatlas server whose metrics are built.
//
//   BASE_URL=http://127.0.0.1:8080 npm test
//
// The environment is that of map.test.mjs (BASE_URL, SPATLAS_REQUIRE_DB, CHROMIUM_PATH,
// SCREENSHOT_DIR, E2E_TIMEOUT_MS). The provision overlays are off (layers= is empty) so that
// clicks land on the areas.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REQUIRED, TIMEOUT, launch, openAreaPanel, pageURL, screenshot as save, skipReason } from './browser.mjs';

// Middlesbrough town centre, where the LSOAs are small and many and deprivation is high.
const MIDDLESBROUGH = { lat: 54.5745, lon: -1.235 };
const NO_DATA = '#bdbdbd';

const reason = skipReason();

if (reason && REQUIRED) {
  test('the layers test can run', () => assert.fail(`${reason} (SPATLAS_REQUIRE_DB=1 makes this a failure)`));
}

describe('spatlas layer switch and area panel', { skip: reason }, () => {
  let browser;
  let page;
  let problems;
  let edition;
  let build; // the build record of the edition, as /api/areas gives it
  let dictionary; // /api/dictionary columns by name

  before(async () => {
    browser = await launch();
    ({ page, problems } = browser);
  });

  after(async () => {
    if (browser) await browser.close();
  });

  const screenshot = (name) => save(page, name);

  const getJSON = (path) => page.evaluate(async (p) => {
    const r = await fetch(p);
    return { status: r.status, body: await r.json() };
  }, path);

  // waitReady waits until the map has drawn the level with the theme (layer id), failing at once
  // with the page's status line when the map reports an error.
  async function waitReady({ layer, theme, minCount = 0 }) {
    try {
      await page.waitForFunction(
        ({ layer, theme, minCount }) => {
          const d = document.body.dataset;
          if (d.state === 'error') {
            throw new Error(`the map reports an error: ${document.getElementById('status').textContent}`);
          }
          return d.state === 'ready' && d.layer === layer && d.theme === theme && Number(d.count) > minCount;
        },
        { layer, theme, minCount },
        { timeout: TIMEOUT, polling: 100 },
      );
    } catch (err) {
      const d = await page.evaluate(() => ({ ...document.body.dataset, status: document.getElementById('status').textContent, hash: location.hash }));
      throw new Error(`waiting for layer=${layer} theme=${theme}: ${err.message}\npage: ${JSON.stringify(d)}`);
    }
    return page.evaluate(() => ({ ...document.body.dataset, hash: location.hash }));
  }

  // legend waits until the legend's build parameters have been filled in and returns its parts.
  async function legend() {
    const box = page.locator('#legend');
    await page.waitForFunction(() => {
      const p = document.querySelector('#legend [data-field="params"]');
      return !p || !/loading/.test(p.textContent);
    }, null, { timeout: TIMEOUT, polling: 100 });
    return box.evaluate((node) => ({
      level: node.dataset.layer,
      theme: node.dataset.theme,
      fallback: node.dataset.fallback === 'true',
      text: node.textContent,
      unit: (node.querySelector('[data-field="unit"]') || {}).textContent || null,
      params: (node.querySelector('[data-field="params"]') || {}).textContent || null,
      colours: [...node.querySelectorAll('.swatch')].map((s) => s.dataset.colour),
    }));
  }

  // mapShot is a picture of a part of the map away from the controls and the legend.
  async function mapShot() {
    const box = await page.locator('#map').boundingBox();
    return page.screenshot({ clip: { x: box.x + 150, y: box.y + 100, width: Math.min(550, box.width - 400), height: Math.min(450, box.height - 200) } });
  }

  const m = (v) => `${Number(v).toLocaleString('en-GB')} m`;

  test('each layer group repaints the LSOAs, with a legend giving the unit and the build parameters', async () => {
    const { lat, lon } = MIDDLESBROUGH;
    const res = await page.goto(pageURL(`layers=&map=13/${lat}/${lon}`), { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    const first = await waitReady({ layer: 'lsoa', theme: 'imd', minCount: 10 });
    edition = first.edition;
    assert.doesNotMatch(first.hash, /layer=/, 'the default layer is not written to the hash');
    assert.equal(await page.getByRole('radio', { name: 'Need' }).isChecked(), true);

    const code = await page.evaluate(async ([ed, bbox]) => {
      const r = await fetch(`ogc/collections/${ed}-lsoa/items?bbox=${bbox}&limit=1&properties=code`);
      return (await r.json()).features[0].properties.code;
    }, [edition, [lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01].join(',')]);
    const profile = await getJSON(`api/areas/${code}?edition=${edition}`);
    assert.equal(profile.status, 200, `GET /api/areas/${code}: ${JSON.stringify(profile.body)}`);
    build = profile.body.build;
    assert.ok(build && build.params, 'the profile carries the build parameters');
    const dict = await getJSON('api/dictionary');
    assert.equal(dict.status, 200);
    dictionary = new Map(dict.body.columns.map((c) => [c.name, c]));

    const p = build.params;
    // [group radio, layer in the group or null for the group's first, layer id, property, legend checks]
    const steps = [
      ['Need', 'income', 'income', 'income_decile', [/Income decile/, /most deprived 10%/]],
      ['Need', 'need', 'need', 'need_pct', [/need percentile/i]],
      ['Provision', null, 'assets', 'assets_access_per_1k', [/access to community assets/i, new RegExp(`Catchment ${m(p.assets_catchment_m)}`)]],
      ['Provision', 'linkworkers', 'linkworkers', 'lw_fte_per_10k', [/link worker FTE per 10,000/i, new RegExp(`Catchment ${m(p.lw_catchment_m)}`)]],
      ['Gap', null, 'gap', 'gap', [/gap between need and provision/, new RegExp(`Provision metric: ${p.gap_metric}`)]],
      ['Underserved', null, 'underserved', 'underserved', [/Underserved LSOAs/, new RegExp(`IMD decile \u2264 ${p.underserved_max_decile} and provision percentile \u2264 ${p.underserved_max_provision_pct}`)]],
      ['Hotspots', null, 'hotspots', 'gi_z', [/Gi\* z-score/, /Benjamini-Hochberg/, new RegExp(`False discovery rate ${p.hotspot_fdr}`)]],
    ];
    let shot = await mapShot();
    let paint = first.paint;
    for (const [group, sub, id, prop, checks] of steps) {
      const radio = page.getByRole('radio', { name: group });
      if (!(await radio.isChecked())) {
        // Keyboard: the groups are a radio group; focus the group's radio and select it with Space.
        await radio.focus();
        await page.keyboard.press('Space');
      }
      if (sub) await page.getByRole('combobox', { name: 'Layer in the group' }).selectOption(sub);
      const d = await waitReady({ layer: 'lsoa', theme: id, minCount: 10 });
      assert.match(d.hash, new RegExp(`[#&]layer=${id}(&|$)`), `the hash carries the layer: ${d.hash}`);
      const lg = await legend();
      assert.equal(lg.level, 'lsoa');
      assert.equal(lg.theme, id);
      assert.equal(lg.fallback, false, `the ${id} layer is drawn from ${prop}: ${lg.text}`);
      for (const re of checks) assert.match(lg.text, re, `the ${id} legend`);
      const unit = dictionary.get(prop) && dictionary.get(prop).unit;
      if (unit && !/_decile$|^underserved$/.test(prop)) assert.ok(lg.unit && lg.unit.includes(unit), `the ${id} legend gives the dictionary's unit ${unit}: ${lg.unit}`);
      if (/^(assets|linkworkers|gap|underserved|hotspots)$/.test(id)) assert.ok(lg.params, `the ${id} legend gives the build parameters`);
      // The areas are painted in the legend's colours, and differently from the layer before.
      const drawn = d.fills.split(' ').filter(Boolean);
      assert.ok(drawn.length > 0, `the ${id} layer draws fills`);
      for (const c of drawn) assert.ok(c === NO_DATA || lg.colours.includes(c), `the ${id} fill ${c} is in the legend (${lg.colours.join(' ')})`);
      assert.notEqual(d.paint, paint, `switching to ${id} changes the fills of the areas`);
      const next = await mapShot();
      assert.ok(!next.equals(shot), `switching to ${id} repaints the map`);
      shot = next;
      paint = d.paint;
      await screenshot(`layer-${id}.png`);
    }
  });

  test('the layer is kept in the hash: restored on reload and set from outside', async () => {
    // Keyboard: from Hotspots, the up arrow moves the radio group to Underserved.
    await page.getByRole('radio', { name: 'Hotspots' }).focus();
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.getByRole('radio', { name: 'Underserved' }).isChecked(), true);
    const d = await waitReady({ layer: 'lsoa', theme: 'underserved', minCount: 10 });
    assert.match(d.hash, /[#&]layer=underserved(&|$)/);

    await page.reload({ waitUntil: 'load' });
    const r = await waitReady({ layer: 'lsoa', theme: 'underserved', minCount: 10 });
    assert.match(r.hash, /[#&]layer=underserved(&|$)/);
    assert.equal(await page.getByRole('radio', { name: 'Underserved' }).isChecked(), true, 'the switch shows the layer of the hash');
    assert.equal((await legend()).theme, 'underserved');

    // A hash set from outside switches the layer and the control follows.
    await page.evaluate(() => {
      location.hash = location.hash.replace(/layer=underserved/, 'layer=linkworkers');
    });
    await waitReady({ layer: 'lsoa', theme: 'linkworkers', minCount: 10 });
    assert.equal(await page.getByRole('radio', { name: 'Provision' }).isChecked(), true);
    assert.equal(await page.getByRole('combobox', { name: 'Layer in the group' }).inputValue(), 'linkworkers');
  });

  test('zoomed out, the districts show the aggregates of each layer', async () => {
    const cases = [
      // [layer id, the legend falls back, legend check]
      ['gap', false, /Districts by the gap/],
      ['assets', false, /Districts by access to community assets/],
      ['underserved', false, /share of LSOAs underserved/],
      ['hotspots', false, /share of LSOAs in a significant hot spot/],
      ['income', true, /zoom in/],
    ];
    let paint = null;
    for (const [id, fallback, re] of cases) {
      await page.evaluate((h) => {
        location.hash = h;
      }, `map=7/53.0/-1.5&layer=${id}`);
      const d = await waitReady({ layer: 'lad', theme: id, minCount: 100 });
      const lg = await legend();
      assert.equal(lg.level, 'lad');
      assert.equal(lg.theme, id);
      assert.equal(lg.fallback, fallback, `the district ${id} legend: ${lg.text}`);
      assert.match(lg.text, re);
      const drawn = d.fills.split(' ').filter(Boolean);
      assert.ok(drawn.length >= 2, `the districts are told apart on the ${id} layer: ${d.fills}`);
      for (const c of drawn) assert.ok(c === NO_DATA || lg.colours.includes(c), `the district ${id} fill ${c} is in the legend`);
      assert.notEqual(d.paint, paint, `the ${id} layer repaints the districts`);
      paint = d.paint;
      await screenshot(`layer-lad-${id}.png`);
    }
  });

  test('a click on an LSOA opens the area panel with its profile and standings; a nearest asset pans the map; Escape closes it', async () => {
    const { lat, lon } = MIDDLESBROUGH;
    await page.evaluate((h) => {
      location.hash = h;
    }, `map=14/${lat}/${lon}&layer=gap`);
    await waitReady({ layer: 'lsoa', theme: 'gap', minCount: 10 });

    const panel = page.locator('#area-panel');
    assert.equal(await panel.isVisible(), false, 'the panel is closed at first');
    await openAreaPanel(page);

    const shown = await panel.evaluate((node) => {
      const need = node.querySelector('[data-metric="need_pct"]');
      return {
        level: node.dataset.level,
        edition: node.dataset.edition,
        code: node.querySelector('[data-field="code"]').textContent.trim(),
        name: node.querySelector('h2').textContent.trim(),
        need: need ? need.querySelector('[data-field="value"]').dataset.value : null,
        needText: need ? need.querySelector('[data-field="value"]').textContent : null,
        standings: need ? [...need.querySelectorAll('[data-standing]')].map((r) => ({
          level: r.dataset.standing,
          code: r.dataset.code,
          value: r.querySelector('[data-field="peer-value"]').textContent.trim(),
          rank: r.querySelector('[data-field="rank"]').textContent.trim(),
        })) : [],
        metrics: [...node.querySelectorAll('[data-metric]')].map((t) => t.dataset.metric),
        parents: [...node.querySelectorAll('.parents li')].map((li) => ({ level: li.dataset.level, code: li.querySelector('button').dataset.code })),
        download: (node.querySelector('[data-field="download"]') || {}).href || null,
        params: Object.fromEntries([...node.querySelectorAll('[data-param]')].map((td) => [td.dataset.param, td.textContent])),
        nearest: [...node.querySelectorAll('[data-nearest="assets"] button')].map((b) => ({ lat: Number(b.dataset.lat), lon: Number(b.dataset.lon) })),
        underserved: (node.querySelector('[data-field="underserved"]') || {}).textContent || null,
        hotspot: (node.querySelector('[data-field="hotspot"]') || {}).textContent || null,
        text: node.textContent,
      };
    });
    assert.equal(shown.level, 'lsoa');
    assert.equal(shown.edition, edition);
    assert.match(shown.code, /^E01\d{6}$/, `the LSOA code in the panel: ${shown.text}`);
    assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), 'area-panel-title', 'the panel takes the focus');

    // The panel agrees with the profile the API gives.
    const api = await getJSON(`api/areas/${shown.code}?edition=${edition}`);
    assert.equal(api.status, 200);
    const need = api.body.metrics.find((x) => x.name === 'need_pct');
    assert.ok(need, 'the profile has need_pct');
    const value = Number(shown.need);
    assert.ok(Number.isFinite(value) && value >= 0 && value <= 1, `need_pct in the panel is a number from 0 to 1: ${shown.needText}`);
    assert.equal(value, need.value);
    assert.match(shown.needText, /^\d\.\d{2}$/);

    assert.equal(shown.standings.length, need.standings.length, 'one row per standing');
    const levels = shown.standings.map((s) => s.level);
    assert.ok(levels.includes('country'), `a national standing: ${levels}`);
    assert.ok(levels.includes('lad'), `a standing within the LAD: ${levels}`);
    for (const s of shown.standings) {
      assert.match(s.rank, /^\d{1,3}(,\d{3})* of \d{1,3}(,\d{3})*$/, `the rank within the ${s.level}`);
      assert.match(s.value, /^\d\.\d{2}$/, `the ${s.level}'s own value beside it`);
    }
    const national = need.standings.find((s) => s.area.level === 'country');
    assert.equal(shown.standings.find((s) => s.level === 'country').rank, `${national.rank.toLocaleString('en-GB')} of ${national.of.toLocaleString('en-GB')}`);
    for (const name of ['assets_access_per_1k', 'lw_fte_per_10k', 'gap']) {
      assert.ok(shown.metrics.includes(name), `the panel shows ${name}: ${shown.metrics}`);
    }
    assert.match(shown.underserved, /^(yes|no)$/);
    assert.ok(shown.hotspot && shown.hotspot !== 'n/a', `the hot spot status: ${shown.hotspot}`);

    const lad = shown.parents.find((x) => x.level === 'lad');
    assert.ok(lad, `the parents include the LAD: ${JSON.stringify(shown.parents)}`);
    assert.deepEqual(shown.parents.map((x) => x.code), api.body.parents.map((x) => x.code));
    const download = new URL(shown.download);
    assert.equal(download.pathname, `/api/download/${edition}/lsoa.csv`);
    assert.equal(download.searchParams.get('area'), lad.code);
    const csv = await page.evaluate(async (href) => {
      const r = await fetch(href);
      return { status: r.status, text: await r.text() };
    }, shown.download);
    assert.equal(csv.status, 200, `GET ${shown.download}`);
    assert.ok(csv.text.includes(shown.code), 'the download holds the LSOA');
    assert.equal(shown.params.assets_catchment_m, m(build.params.assets_catchment_m));
    await screenshot('panel-lsoa.png');

    // A nearest asset pans the map to it.
    if (shown.nearest.length) {
      const target = shown.nearest[0];
      await page.locator('[data-nearest="assets"] button').first().click();
      await page.waitForFunction(({ lat, lon }) => {
        const [z, y, x] = (new URLSearchParams(location.hash.slice(1)).get('map') || '').split('/').map(Number);
        return z >= 15 && Math.abs(y - lat) < 0.0005 && Math.abs(x - lon) < 0.0005;
      }, target, { timeout: TIMEOUT, polling: 100 });
      assert.ok(await panel.isVisible(), 'the panel stays open');
    } else if (REQUIRED) {
      assert.fail('the profile lists no nearest assets');
    }

    // Escape closes the panel.
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden', timeout: 5000 });
    assert.equal(await panel.locator('*').count(), 0, 'the closed panel is emptied');
  });

  test('no errors in the console', () => {
    assert.deepEqual(problems, []);
  });
});
