// End-to-end test of the map's Plan mode in headless Chromium, against a running spatlas server
// with both editions loaded and built: place two sites and see the summary change, suggest three
// sites, and open the shared link (#scenario=ID) in a fresh page.
//
//   BASE_URL=http://127.0.0.1:8080 npm test
//
// The environment is that of map.test.mjs (BASE_URL, SPATLAS_REQUIRE_DB, CHROMIUM_PATH,
// SCREENSHOT_DIR, E2E_TIMEOUT_MS).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { REQUIRED, TIMEOUT, launch, pageURL, screenshot as save, skipReason } from './browser.mjs';

const reason = skipReason();

if (reason && REQUIRED) {
  test('the plan test can run', () => assert.fail(`${reason} (SPATLAS_REQUIRE_DB=1 makes this a failure)`));
}

describe('spatlas plan mode', { skip: reason }, () => {
  let browser;
  let page;
  let problems;

  before(async () => {
    browser = await launch();
    ({ page, problems } = browser);
  });

  after(async () => {
    if (browser) await browser.close();
  });

  const plan = (p = page) => p.evaluate(() => ({ ...document.body.dataset, hash: location.hash, summary: document.getElementById('plan-summary').textContent }));

  // waitPlan waits until the plan is ready with the given number of sites.
  async function waitPlan(sites, p = page) {
    try {
      await p.waitForFunction(
        (n) => {
          const d = document.body.dataset;
          if (d.planState === 'error') throw new Error(document.getElementById('plan-summary').textContent);
          return d.planState === 'ready' && Number(d.planSites) === n;
        },
        sites,
        { timeout: TIMEOUT, polling: 100 },
      );
    } catch (err) {
      throw new Error(`waiting for a ready plan of ${sites} sites: ${err.message}\nplan: ${JSON.stringify(await plan(p))}`);
    }
    return plan(p);
  }

  test('places two sites, suggests three, and shares the scenario', async () => {
    await page.goto(pageURL('edition=iod2025&map=12/53.8/-1.55&layer=gap'));
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: TIMEOUT });
    await page.click('#plan-toggle');
    const box = await page.locator('#map').boundingBox();
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.55);
    const one = await waitPlan(1);
    assert.match(one.summary, /LSOAs changed/);
    assert.ok(Number(one.planOverlay) > 0, `the LSOAs reached are outlined: ${one.planOverlay}`);
    // The second site is a community asset: the gap is measured on access to assets, so the gap
    // layer recolours the LSOAs whose class the asset changes.
    await page.selectOption('#plan-kind', 'asset');
    await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.75);
    const two = await waitPlan(2);
    assert.ok(Number(two.planRecoloured) > 0, `the gap layer recolours the changed LSOAs: ${two.planRecoloured}`);
    await page.selectOption('#plan-kind', 'link_worker');
    assert.notEqual(two.planScenario, one.planScenario, 'a second site makes a new scenario');
    assert.notEqual(two.summary, one.summary, 'the summary changes with the second site');
    await save(page, 'plan-two-sites');

    await page.fill('#plan-area', 'E08000035');
    await page.fill('#plan-count', '3');
    await page.click('#plan-suggest');
    const five = await waitPlan(5);
    assert.match(five.hash, new RegExp(`scenario=${five.planScenario}`));
    assert.equal(await page.locator('#plan-chart').count(), 1);
    await save(page, 'plan-suggested');

    const fresh = await page.context().newPage();
    await fresh.goto(pageURL(`edition=iod2025&map=11/53.8/-1.55&scenario=${five.planScenario}`));
    const shared = await waitPlan(5, fresh);
    assert.equal(shared.planScenario, five.planScenario);
    assert.equal(shared.summary, five.summary, 'the shared link shows the same summary');
    await fresh.close();

    // Candidates uploaded as CSV: the suggestion answers (with as many sites as gain need), or
    // names what is wrong.
    await page.setInputFiles('#plan-candidates', {
      name: 'candidates.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('label,lon,lat\nHarehills,-1.5130,53.8120\nBeeston,-1.5600,53.7750\nHunslet,-1.5300,53.7800\n'),
    });
    await page.click('#plan-suggest');
    await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.planState), null, { timeout: TIMEOUT });
    const uploaded = await plan();
    assert.equal(uploaded.planState, 'ready', `a suggestion from uploaded candidates: ${uploaded.summary}`);
    assert.ok(Number(uploaded.planSites) >= 5, `the uploaded candidates' sites join the scenario: ${uploaded.planSites}`);

    await page.click('#plan-clear');
    await page.waitForFunction(() => document.body.dataset.planState === 'idle', null, { timeout: TIMEOUT });
    assert.equal((await plan()).planRecoloured, '0', 'a cleared scenario gives the layers back their stored figures');
    assert.deepEqual(problems.filter((p) => !/tile/.test(p)), []);
  });
});
