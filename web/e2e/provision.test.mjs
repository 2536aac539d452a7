// End-to-end test of the provision overlays of the spatlas map (community assets and link worker
// services) in headless Chromium, against a running spatlas server with provision data loaded.
//
//   BASE_URL=http://127.0.0.1:8080 npm test
//
// The environment is that of map.test.mjs (BASE_URL, SPATLAS_REQUIRE_DB, CHROMIUM_PATH,
// SCREENSHOT_DIR, E2E_TIMEOUT_MS).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REQUIRED, TIMEOUT, launch, pageURL, screenshot as save, skipReason } from './browser.mjs';

// Central Manchester, where the Greater Manchester sources put many assets of many categories.
const MANCHESTER = { lat: 53.48, lon: -2.24 };
const SPECIAL = /[&<>"']/; // names with these show whether the popup escapes them

const reason = skipReason();

if (reason && REQUIRED) {
  test('the provision test can run', () => assert.fail(`${reason} (SPATLAS_REQUIRE_DB=1 makes this a failure)`));
}

describe('spatlas provision overlays', { skip: reason }, () => {
  let browser;
  let page;
  let problems;
  let categories;
  let gmAll; // assets loaded for the Greater Manchester view with every category

  before(async () => {
    browser = await launch();
    ({ page, problems } = browser);
  });

  after(async () => {
    if (browser) await browser.close();
  });

  const screenshot = (name) => save(page, name);

  const body = () => page.evaluate(() => ({ ...document.body.dataset, hash: location.hash }));

  // waitOverlay waits until an overlay ("assets" or "services") is ready and its count passes
  // the test, failing at once when the overlay reports an error.
  async function waitOverlay(key, { min = 0, max = Infinity, hash = null } = {}) {
    try {
      await page.waitForFunction(
        ({ key, min, max, hash }) => {
          const d = document.body.dataset;
          const state = d[`${key}State`];
          if (state === 'error' || state === 'unavailable') {
            throw new Error(`the ${key} overlay is ${state}: ${document.getElementById('provision-status').textContent}`);
          }
          const n = Number(d[`${key}Count`]);
          return state === 'ready' && n >= min && n <= max && (hash === null || location.hash.includes(hash));
        },
        { key, min, max: max === Infinity ? Number.MAX_SAFE_INTEGER : max, hash },
        { timeout: TIMEOUT, polling: 100 },
      );
    } catch (err) {
      throw new Error(`waiting for ${key} ready with ${min} <= count <= ${max}${hash ? ` and ${hash} in the hash` : ''}: ${err.message}\npage: ${JSON.stringify(await body())}`);
    }
    return Number((await body())[`${key}Count`]);
  }

  async function goTo(zoom, lat, lon) {
    await page.evaluate((hash) => {
      location.hash = hash;
    }, `map=${zoom}/${lat}/${lon}`);
    await page.waitForFunction((z) => location.hash.includes(`map=${z}/`), zoom);
  }

  // clusters waits until the number of cluster icons passes the test (zooming animates them).
  async function clusters(ok, what) {
    const count = () => page.locator('.asset-cluster').count();
    const deadline = Date.now() + 10000;
    while (!ok(await count()) && Date.now() < deadline) await page.waitForTimeout(100);
    assert.ok(ok(await count()), `${what}: ${await count()} cluster icons`);
  }

  async function popupFields(kind) {
    const popup = page.locator(`.leaflet-popup-content .provision[data-kind="${kind}"]`);
    await popup.waitFor({ state: 'visible', timeout: 5000 });
    return popup.evaluate((node) => {
      const fields = {};
      for (const f of node.querySelectorAll('[data-field]')) fields[f.dataset.field] = f.textContent.trim();
      return {
        id: node.dataset.id,
        fields,
        links: [...node.querySelectorAll('a')].map((a) => ({ href: a.getAttribute('href'), rel: a.rel })),
        elements: [...node.querySelectorAll('*')].map((e) => e.localName),
        text: node.textContent,
      };
    });
  }

  async function closePopup() {
    await page.locator('.leaflet-popup-close-button').click();
    await page.locator('.leaflet-popup').waitFor({ state: 'detached' });
  }

  test('by default both overlays are on, in the layer control, with the category filter and the FTE legend', async () => {
    const res = await page.goto(pageURL(), { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    categories = await page.evaluate(async () => (await fetch('api/categories')).json());
    assert.ok(Array.isArray(categories) && categories.length > 0, '/api/categories lists categories');

    // Zoomed out on England, the overlays hold the national sets: thousands of each.
    const assets = await waitOverlay('assets', { min: 1000 });
    const services = await waitOverlay('services', { min: 1000 });
    assert.ok(await page.getByRole('checkbox', { name: 'Community assets' }).isChecked());
    assert.ok(await page.getByRole('checkbox', { name: /^Link worker services/ }).isChecked());
    await clusters((n) => n > 0, 'assets are clustered zoomed out');
    const status = await page.locator('#provision-status').textContent();
    assert.match(status, /community assets/);
    assert.match(status, /link worker services/);
    assert.ok(assets > 0 && services > 0);

    // The filter lists every category, by group, ticked, with its count.
    const filter = page.locator('#category-filter');
    if (!(await filter.evaluate((d) => d.open))) await filter.locator('summary').click();
    assert.equal(await filter.locator('input[type="checkbox"]').count(), categories.length);
    assert.equal(await filter.locator('input[type="checkbox"]:checked').count(), categories.length);
    const groups = new Set(categories.map((c) => c.group));
    assert.equal(await filter.locator('fieldset').count(), groups.size, 'one fieldset per group');
    const first = categories[0];
    const label = await filter.locator(`label[for="${await filter.locator(`input[value="${first.id}"]`).getAttribute('id')}"]`).textContent();
    assert.ok(label.includes(first.label), `the label of ${first.id} names it: ${label}`);

    assert.ok(await page.locator('#fte-legend').isVisible(), 'the FTE legend is visible');
    assert.doesNotMatch((await body()).hash, /layers=|cat=/, 'the defaults are not written to the hash');
    await screenshot('provision-england.png');
  });

  test('in Greater Manchester the assets load for the view, clustered, coloured by category', async () => {
    await goTo(12, MANCHESTER.lat, MANCHESTER.lon);
    gmAll = await waitOverlay('assets', { min: 20 });
    await clusters((n) => n > 0, 'clusters at zoom 12');

    // Zoomed in past the clustering, every marker is drawn in its category's colour.
    await goTo(15, MANCHESTER.lat, MANCHESTER.lon);
    await waitOverlay('assets', { min: 1 });
    await clusters((n) => n === 0, 'no clusters at zoom 15');
    const markers = await page.evaluate(() => [...document.querySelectorAll('.asset-marker')].map((m) => ({
      cls: [...m.classList].find((c) => /^asset-cat-/.test(c)),
      colour: getComputedStyle(m).backgroundColor,
      title: m.title,
      tabIndex: m.tabIndex,
    })));
    assert.ok(markers.length > 0, 'asset markers at zoom 15');
    const expected = await page.evaluate((cats) => cats.map((c) => {
      const probe = document.createElement('span');
      probe.style.color = c.colour;
      document.body.append(probe);
      const rgb = getComputedStyle(probe).color;
      probe.remove();
      return rgb;
    }), categories);
    for (const m of markers) {
      const i = Number((/^asset-cat-(\d+)$/.exec(m.cls) || [])[1]);
      if (!Number.isInteger(i)) continue; // a category the list does not have is grey
      assert.equal(m.colour, expected[i], `the colour of a ${categories[i].id} marker`);
      assert.ok(m.title.length > 0, 'a marker has a title');
      assert.equal(m.tabIndex, 0, 'a marker can be reached with the keyboard');
    }
    await screenshot('provision-manchester.png');
    await goTo(12, MANCHESTER.lat, MANCHESTER.lon);
    await waitOverlay('assets', { min: gmAll, max: gmAll });
  });

  test('the category filter narrows the assets and is kept in the hash', async () => {
    assert.ok(gmAll > 0, 'the previous test loaded the Greater Manchester assets');
    // Food, or else the largest category that has assets around the view.
    const candidates = [...categories].sort((a, b) => (b.id === 'food') - (a.id === 'food') || b.count - a.count);
    const near = [MANCHESTER.lon - 0.1, MANCHESTER.lat - 0.05, MANCHESTER.lon + 0.1, MANCHESTER.lat + 0.05].join(',');
    let pick = null;
    for (const c of candidates) {
      const n = await page.evaluate(async ([bbox, id]) => {
        const r = await fetch(`ogc/collections/assets/items?bbox=${bbox}&category=${encodeURIComponent(id)}&limit=1`);
        return (await r.json()).numberMatched;
      }, [near, c.id]);
      if (n > 0) {
        pick = c;
        break;
      }
    }
    assert.ok(pick, 'a category with assets in central Manchester');
    const filter = page.locator('#category-filter');
    if (!(await filter.evaluate((d) => d.open))) await filter.locator('summary').click();

    await filter.getByRole('button', { name: 'None' }).click();
    assert.equal(await waitOverlay('assets', { max: 0, hash: 'cat=' }), 0);
    assert.equal(await filter.locator('input[type="checkbox"]:checked').count(), 0);

    // Keyboard: focus the category's checkbox and tick it with the space bar.
    await filter.locator(`input[value="${pick.id}"]`).focus();
    await page.keyboard.press('Space');
    const only = await waitOverlay('assets', { min: 1, hash: `cat=${pick.id}` });
    assert.ok(only < gmAll, `${pick.id} alone (${only}) is fewer than all categories (${gmAll})`);
    assert.match((await body()).hash, new RegExp(`cat=${pick.id}(&|$)`));
    await screenshot(`provision-${pick.id}.png`);

    // Every category again: the load from before the filter is drawn again.
    await filter.getByRole('button', { name: 'All' }).click();
    await page.waitForFunction(() => !location.hash.includes('cat='));
    assert.equal(await waitOverlay('assets', { min: gmAll, max: gmAll }), gmAll);

    // The hash sets the filter too: loaded with cat=, the map shows that category alone, for the view.
    await page.evaluate((id) => {
      location.hash = `${location.hash.replace(/^#/, '')}&cat=${id}`;
    }, pick.id);
    await page.reload({ waitUntil: 'load' });
    assert.equal(await waitOverlay('assets', { min: 1, hash: `cat=${pick.id}` }), only);
    const reloaded = page.locator('#category-filter');
    assert.deepEqual(await reloaded.locator('input[type="checkbox"]:checked').evaluateAll((els) => els.map((e) => e.value)), [pick.id]);
    if (!(await reloaded.evaluate((d) => d.open))) await reloaded.locator('summary').click();
    await reloaded.getByRole('button', { name: 'All' }).click();
    await page.waitForFunction(() => !location.hash.includes('cat='));
    const view = await waitOverlay('assets', { min: only + 1 });
    assert.ok(view <= gmAll, `the assets of the view (${view}) are at most those loaded before (${gmAll})`);
  });

  test('an asset popup shows the asset, its name as text', async () => {
    // Choose a named asset near the centre, preferably one whose name has characters that HTML
    // would read as markup.
    const d = 0.04;
    const items = await page.evaluate(async (bbox) => {
      const r = await fetch(`ogc/collections/assets/items?bbox=${bbox}&limit=2000`);
      return (await r.json()).features;
    }, [MANCHESTER.lon - d, MANCHESTER.lat - d, MANCHESTER.lon + d, MANCHESTER.lat + d].join(','));
    const named = items.filter((f) => f.properties.name && f.geometry && f.geometry.type === 'Point');
    assert.ok(named.length > 0, 'named assets in central Manchester');
    const asset = named.find((f) => SPECIAL.test(f.properties.name)) || named[0];
    const [lon, lat] = asset.geometry.coordinates;

    await goTo(17, lat.toFixed(6), lon.toFixed(6));
    await waitOverlay('assets', { min: 1 });
    const marker = page.locator(`.asset-marker[data-id=${JSON.stringify(String(asset.id))}]`);
    await marker.waitFor({ state: 'attached' });
    // Keyboard: focus the marker and press Enter.
    await marker.focus();
    await page.keyboard.press('Enter');
    const popup = await popupFields('asset');

    const p = asset.properties;
    assert.equal(popup.id, String(asset.id));
    assert.equal(popup.fields.name, p.name.trim(), `the popup's heading is the name, as text: ${popup.text}`);
    assert.equal(popup.fields.category, p.category_label || categories.find((c) => c.id === p.category).label);
    for (const tag of ['script', 'img', 'iframe', 'b', 'i', 'svg']) {
      assert.ok(!popup.elements.includes(tag), `no <${tag}> in the popup: ${popup.elements.join(',')}`);
    }
    for (const a of popup.links) {
      assert.match(a.href, /^https?:\/\//, 'links are to http(s) addresses only');
      assert.match(a.rel, /noopener/);
    }
    if (p.postcode) assert.equal(popup.fields.postcode, p.postcode.trim());
    if (p.lsoa21_code) assert.equal(popup.fields.lsoa21_code, p.lsoa21_code);
    assert.ok(popup.fields.source, `the popup names the source: ${popup.text}`);
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'nothing in the data ran');
    await screenshot('provision-asset-popup.png');
    await closePopup();
  });

  test('link worker services are circles sized by FTE, with a legend and popups', async () => {
    await goTo(12, MANCHESTER.lat, MANCHESTER.lon);
    await waitOverlay('services', { min: 2 });

    // Switch the assets off in the layer control, so that clicks reach the circles.
    const assetsBefore = await waitOverlay('assets', { min: 1 });
    await page.getByRole('checkbox', { name: 'Community assets' }).uncheck();
    await page.waitForFunction(() => document.body.dataset.assetsState === 'off' && location.hash.includes('layers=services'));
    assert.equal(await page.locator('.asset-marker, .asset-cluster').count(), 0);
    assert.ok(!(await page.locator('#category-box').isVisible()), 'the category filter goes with the assets');

    const circles = await page.evaluate(() => [...document.querySelectorAll('.services-pane path[data-fte]')]
      .map((p) => {
        const b = p.getBBox();
        const s = p.getBoundingClientRect();
        return { fte: Number(p.dataset.fte), r: b.width / 2, x: s.x + s.width / 2, y: s.y + s.height / 2, id: p.dataset.id };
      })
      .filter((c) => c.r > 0 && c.x > 300 && c.x < 1000 && c.y > 150 && c.y < 700)
      .map((c) => ({ ...c, top: document.elementFromPoint(c.x, c.y) === document.querySelector(`.services-pane path[data-id="${c.id}"]`) })));
    assert.ok(circles.length >= 2, `service circles in view: ${circles.length}`);
    circles.sort((a, b) => a.fte - b.fte);
    for (let i = 1; i < circles.length; i++) {
      assert.ok(circles[i].r >= circles[i - 1].r - 0.01, `FTE ${circles[i].fte} has a radius (${circles[i].r}) no smaller than FTE ${circles[i - 1].fte} (${circles[i - 1].r})`);
    }
    const small = circles[0];
    const large = circles[circles.length - 1];
    assert.ok(large.fte > small.fte && large.r > small.r, `a larger FTE has a larger circle: ${JSON.stringify([small, large])}`);

    // The legend draws 0.5, 1 and 2 FTE at the map's scale, areas in proportion.
    const legend = await page.locator('#fte-legend li').evaluateAll((lis) => lis.map((li) => ({
      fte: Number(li.dataset.fte), r: Number(li.querySelector('circle').getAttribute('r')), text: li.textContent,
    })));
    assert.deepEqual(legend.map((l) => l.fte), [0.5, 1, 2]);
    const k = legend[1].r ** 2; // r² of 1 FTE
    for (const l of legend) {
      assert.ok(Math.abs(l.r ** 2 / l.fte - k) / k < 0.01, `legend circle of ${l.fte} FTE: r ${l.r}`);
      assert.match(l.text, /FTE/);
    }
    // On the map, area is proportional to FTE as in the legend (Leaflet rounds radii to whole
    // pixels), above a minimum radius of a few pixels.
    for (const c of circles) {
      const r = Math.sqrt(k * c.fte);
      if (r >= 3.5) assert.ok(Math.abs(c.r - r) <= 0.51, `the circle of FTE ${c.fte} has radius ${c.r}, the legend's scale ${r.toFixed(2)}`);
      else assert.ok(c.r >= 2 && c.r <= 4, `the small circle of FTE ${c.fte} has the minimum radius: ${c.r}`);
    }

    // A click on a circle opens its popup, with the FTE to two decimals.
    const target = circles.find((c) => c.top);
    assert.ok(target, 'a circle whose centre is not covered by another');
    await page.mouse.click(target.x, target.y);
    const popup = await popupFields('service');
    assert.equal(popup.id, target.id);
    assert.equal(popup.fields.fte, new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(target.fte));
    assert.ok(popup.fields.name.length > 0, 'the popup names the practice or service');
    assert.ok(popup.fields.provider_type.length > 0, 'the popup gives the provider type');
    assert.ok(!popup.elements.includes('script') && !popup.elements.includes('img') && !popup.elements.includes('i'));
    await screenshot('provision-service-popup.png');
    await closePopup();

    // Back on, the assets come back from what was loaded.
    await page.getByRole('checkbox', { name: 'Community assets' }).check();
    assert.equal(await waitOverlay('assets', { min: assetsBefore, max: assetsBefore }), assetsBefore);
    assert.doesNotMatch((await body()).hash, /layers=/);
  });

  test('no errors in the console', () => {
    assert.deepEqual(problems, []);
  });
});
