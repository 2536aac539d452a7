// Shared set-up of the end-to-end tests of the spatlas map: the environment they read, and a
// headless Chromium driven by playwright-core that records console errors, uncaught exceptions
// and failed requests.
import { mkdirSync, mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE_URL = process.env.BASE_URL;
export const REQUIRED = process.env.SPATLAS_REQUIRE_DB === '1';
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;
export const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 60000);

// Flags that let Chromium run here: as root, without a GPU, and without reaching for the network.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// skipReason says why the tests cannot run here, or false when they can.
export function skipReason() {
  if (!BASE_URL) return 'BASE_URL is not set: start spatlas and set BASE_URL (e.g. http://127.0.0.1:8080)';
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}: install Debian's chromium or set CHROMIUM_PATH`;
  return false;
}

// pageURL is the map's address with the given hash (without its #).
export function pageURL(hash = '') {
  return `${BASE_URL.replace(/\/+$/, '')}/${hash ? `#${hash}` : ''}`;
}

// launch starts Chromium with a fresh profile and returns its page, the list of problems seen so
// far, and close.
export async function launch() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'spatlas-e2e-'));
  const problems = [];
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 800 },
    });
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(TIMEOUT);
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception: ${err.message}`));
  page.on('requestfailed', (req) => {
    const why = req.failure() ? req.failure().errorText : 'unknown';
    // Stale loads are aborted on purpose when the view changes.
    if (why !== 'net::ERR_ABORTED') problems.push(`request failed: ${req.url()}: ${why}`);
  });
  const close = async () => {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  };
  return { page, problems, close };
}

// screenshot saves the page as SCREENSHOT_DIR/name when SCREENSHOT_DIR is set.
export async function screenshot(page, name) {
  if (!SCREENSHOT_DIR) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.waitForTimeout(400); // let popups finish fading in
  await page.screenshot({ path: join(SCREENSHOT_DIR, name) });
}

// openAreaPanel clicks the map at its centre (then a little around it, should the centre fall on
// a boundary) until the area panel opens, waits for the area's profile, and returns the panel.
export async function openAreaPanel(page) {
  const box = await page.locator('#map').boundingBox();
  const panel = page.locator('#area-panel');
  for (const [dx, dy] of [[0, 0], [12, 0], [0, 12], [-12, 0], [0, -12]]) {
    await page.mouse.click(box.x + box.width / 2 + dx, box.y + box.height / 2 + dy);
    try {
      await panel.waitFor({ state: 'visible', timeout: 3000 });
      break;
    } catch {
      // try the next point
    }
  }
  await panel.waitFor({ state: 'visible', timeout: 1000 });
  await page.waitForFunction(() => {
    const p = document.getElementById('area-panel');
    if (p.dataset.state === 'error') throw new Error(`the area panel reports an error: ${p.querySelector('.panel-status').textContent}`);
    return p.dataset.state === 'ready';
  }, null, { timeout: TIMEOUT, polling: 100 });
  return panel;
}
