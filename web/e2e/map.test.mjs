// End-to-end test of the spatlas map in headless Chromium, against a running spatlas server.
//
//   BASE_URL=http://127.0.0.1:8080 npm test
//
// BASE_URL is the server's address. Without it the test is skipped, unless SPATLAS_REQUIRE_DB=1,
// under which a skip is a failure. CHROMIUM_PATH overrides /usr/bin/chromium; SCREENSHOT_DIR, when
// set, receives a screenshot of each stage; E2E_TIMEOUT_MS bounds each wait (default 60000).
//
// These tests are of the deprivation choropleth: they switch the provision overlays off (the hash
// layers= is empty) so that a click lands on an area. provision.test.mjs tests the overlays,
// layers.test.mjs the layer switch and the area panel's profile.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, REQUIRED, TIMEOUT, launch, openAreaPanel, pageURL, screenshot as save, skipReason } from './browser.mjs';

// Middlesbrough town centre, where the LSOAs are small and many.
const MIDDLESBROUGH = { lat: 54.5745, lon: -1.235, zoom: 14 };

const reason = skipReason();

if (reason && REQUIRED) {
  test('the map test can run', () => assert.fail(`${reason} (SPATLAS_REQUIRE_DB=1 makes this a failure)`));
}

describe('spatlas map', { skip: reason }, () => {
  let browser;
  let page;
  let problems;
  let lsoaEdition;

  before(async () => {
    browser = await launch();
    ({ page, problems } = browser);
  });

  after(async () => {
    if (browser) await browser.close();
  });

  const screenshot = (name) => save(page, name);

  // waitReady waits until the map says the given layer has rendered, failing at once with the
  // page's status line when the map reports an error.
  async function waitReady({ layer, edition, minCount }) {
    try {
      await page.waitForFunction(
        ({ layer, edition, minCount }) => {
          const d = document.body.dataset;
          if (d.state === 'error') {
            throw new Error(`the map reports an error: ${document.getElementById('status').textContent}`);
          }
          return d.state === 'ready' && d.layer === layer && (!edition || d.edition === edition) && Number(d.count) > minCount;
        },
        { layer, edition, minCount },
        { timeout: TIMEOUT, polling: 100 },
      );
    } catch (err) {
      const d = await page.evaluate(() => ({ ...document.body.dataset, status: document.getElementById('status').textContent }));
      throw new Error(`waiting for layer=${layer} edition=${edition || 'any'} count>${minCount}: ${err.message}\npage: ${JSON.stringify(d)}`);
    }
    return page.evaluate(() => ({ ...document.body.dataset }));
  }

  // clickArea opens the area panel at the map's centre and returns the panel's fields.
  async function clickArea() {
    const panel = await openAreaPanel(page);
    return panel.evaluate((node) => {
      const field = (name) => {
        const f = node.querySelector(`[data-field="${name}"]`);
        return f ? f.textContent.trim() : null;
      };
      return {
        level: node.dataset.level,
        edition: node.dataset.edition,
        name: node.querySelector('h2').textContent,
        code: field('code'),
        rank: field('imd_rank'),
        decile: field('imd_decile'),
        domains: ['income', 'employment', 'education', 'health', 'crime', 'housing', 'environment'].map((d) => field(`${d}_decile`)),
        avgRank: field('imd_avg_rank'),
        text: node.textContent,
      };
    });
  }

  // rankOf is the panel's "of N" for an edition's LSOAs: N is the count of its LSOA collection.
  async function rankOf(edition) {
    const res = await fetch(`${BASE_URL.replace(/\/+$/, '')}/ogc/collections/${edition}-lsoa`);
    assert.equal(res.status, 200, `GET /ogc/collections/${edition}-lsoa`);
    const n = (await res.json()).spatlas.count;
    assert.ok(Number.isInteger(n) && n > 30000, `the ${edition} LSOA collection counts ${n} LSOAs`);
    return `of ${n.toLocaleString('en-GB')}`;
  }

  async function closePanel() {
    await page.getByRole('button', { name: 'Close the area panel' }).click();
    await page.locator('#area-panel').waitFor({ state: 'hidden' });
  }

  test('the page loads with the district choropleth and its legend', async () => {
    const url = pageURL('layers=');
    const res = await page.goto(url, { waitUntil: 'load' });
    assert.equal(res.status(), 200, `GET ${url}`);
    const d = await waitReady({ layer: 'lad', minCount: 100 });
    assert.match(d.edition, /^iod\d{4}$/);

    const legend = page.locator('#legend');
    assert.ok(await legend.isVisible(), 'the legend is visible');
    assert.equal(await legend.getAttribute('data-layer'), 'lad');
    assert.equal(await legend.locator('li').count(), 10, 'the legend has ten classes');

    const attribution = await page.locator('.leaflet-control-attribution').textContent();
    assert.match(attribution, /Open Government Licence v3\.0/);
    assert.match(attribution, /Contains OS data © Crown copyright and database right/);

    assert.ok(await page.getByRole('radio', { name: d.edition.replace(/^\D+/, '') }).isChecked(), 'the edition switch shows the edition on the map');
    await screenshot('map-lad.png');

    const area = await clickArea();
    assert.equal(area.level, 'lad');
    assert.equal(area.edition, d.edition);
    assert.match(area.code, /^E0[6789]\d{6}$/, `district code in the panel: ${area.text}`);
    assert.match(area.avgRank, /^\d{1,3}(,\d{3})*\.\d{2}$/, `average rank in the panel: ${area.text}`);
    await closePanel();
  });

  test('zoomed in on Middlesbrough, the LSOA choropleth loads and a click shows an LSOA', async () => {
    const { lat, lon, zoom } = MIDDLESBROUGH;
    await page.evaluate((hash) => {
      location.hash = hash;
    }, `map=${zoom}/${lat}/${lon}`);
    const d = await waitReady({ layer: 'lsoa', minCount: 10 });
    lsoaEdition = d.edition;
    assert.equal(await page.locator('#legend').getAttribute('data-layer'), 'lsoa');
    assert.match(await page.locator('#legend').textContent(), /most deprived 10%/);

    const area = await clickArea();
    assert.equal(area.level, 'lsoa');
    assert.equal(area.edition, d.edition);
    assert.match(area.code, /^E01\d{6}$/, `LSOA code in the panel: ${area.text}`);
    assert.match(area.rank, /^\d{1,3}(,\d{3})*$/, `IMD rank in the panel: ${area.text}`);
    assert.ok(area.text.includes(await rankOf(d.edition)), `the rank is of the edition's LSOAs: ${area.text}`);
    assert.match(area.decile, /^([1-9]|10)$/, `IMD decile in the panel: ${area.text}`);
    for (const domain of area.domains) assert.match(domain, /^([1-9]|10)$/, `domain deciles in the panel: ${area.text}`);
    await screenshot('map-lsoa.png');
  });

  test('switching the edition reloads the map with the other edition', async (t) => {
    assert.ok(lsoaEdition, 'the LSOA layer was shown by the previous test');
    const radios = page.locator('input[name="edition"]');
    if ((await radios.count()) < 2) {
      const why = 'only one edition is loaded on the server';
      if (REQUIRED) assert.fail(why);
      t.skip(why);
      return;
    }
    // The switch is a radio group: the arrow keys move between editions.
    await page.locator('input[name="edition"]:checked').focus();
    await page.keyboard.press('ArrowRight');
    const other = await page.locator('input[name="edition"]:checked').getAttribute('value');
    assert.notEqual(other, lsoaEdition, 'the arrow key selected another edition');
    // The panel of the previous edition's area closes.
    await page.locator('#area-panel').waitFor({ state: 'hidden', timeout: 2000 });

    await waitReady({ layer: 'lsoa', edition: other, minCount: 10 });
    assert.match(await page.locator('#legend').textContent(), new RegExp(other.replace(/^\D+/, '')));

    const area = await clickArea();
    assert.equal(area.level, 'lsoa');
    assert.equal(area.edition, other, `the panel is of the other edition: ${area.text}`);
    assert.match(area.code, /^E01\d{6}$/, `LSOA code in the panel: ${area.text}`);
    assert.match(area.rank, /^\d{1,3}(,\d{3})*$/, `IMD rank in the panel: ${area.text}`);
    assert.ok(area.text.includes(await rankOf(other)), `the rank is of the edition's LSOAs: ${area.text}`);
    assert.match(area.decile, /^([1-9]|10)$/, `IMD decile in the panel: ${area.text}`);
    await screenshot(`map-lsoa-${other}.png`);
  });

  test('no errors in the console', () => {
    assert.deepEqual(problems, []);
  });
});
