// Monkey test of the playground page: random clicks, typing and edits for TCONV_MONKEY_SECONDS (60 s in
// ./scripts/test and ./scripts/soak, 10 s when run on its own). After every step, window.tconv.result() must equal a fresh engine's
// computation of window.tconv.state() (by another method than the page uses), unless the page visibly says that it
// shows the last valid result (its role=alert configuration message). No uncaught exception, console error or dialog
// may occur. The run is seeded: MONKEY_SEED (a fixed default, so every run is the same unless asked otherwise); the
// seed is printed, and a failure prints the exact command that replays it, with the steps that led to it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './support/browser.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { freshDifference } from './support/page-oracle.mjs';
import { dice } from '../../web/random.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const SECONDS = Number(process.env.TCONV_MONKEY_SECONDS || 10);
const SEED = Number(process.env.MONKEY_SEED || 20261124);
const REPLAY = `./scripts/build && MONKEY_SEED=${SEED} TCONV_MONKEY_SECONDS=${SECONDS} node --test tests/web/monkey.test.mjs`;

let server;
let baseUrl;
let browser;

before(async () => {
  assert.ok(existsSync(path.join(root, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  ({ server, url: baseUrl } = await startServer({ root, port: 0, host: '127.0.0.1' }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
});

const rng = dice;

const SIZE_FIELDS = ['Input size', 'Kernel size', 'Stride', 'Padding', 'Output padding', 'Output size', 'Dilation'];
const CHANNEL_FIELDS = ['Channels in', 'Channels out', 'Groups'];

/** One random action; returns a description for the failure report. */
async function act(page, r) {
  const kind = r.int(0, 11);
  if (kind <= 2) {
    const label = r.pick(SIZE_FIELDS);
    const text = r.pick([String(r.int(0, 5)), `${r.int(1, 5)}x${r.int(1, 5)}`, '', 'abc', '4x4x4', '-1', '2.5', '<b>x</b>', ' 3 ', 'same', 'valid', '0,1,1,0', '1,0']);
    await page.getByLabel(label, { exact: true }).fill(text, { timeout: 3000 });
    return `type "${text}" into ${label}`;
  }
  if (kind === 3) {
    const label = r.pick(CHANNEL_FIELDS);
    const text = r.pick([String(r.int(1, 4)), '0', '', '9999', '1.5']);
    await page.getByLabel(label, { exact: true }).fill(text, { timeout: 3000 });
    return `type "${text}" into ${label}`;
  }
  if (kind === 4) {
    const name = r.pick(['Matrix', 'Scatter', 'Padded direct']);
    await page.getByRole('tab', { name, exact: true }).click({ timeout: 3000 });
    return `click tab ${name}`;
  }
  if (kind === 5) {
    const label = r.pick(['Input values', 'Kernel values', 'Bias values', 'Dimensions']);
    const option = label === 'Dimensions' ? r.pick(['1', '2', '3']) : r.pick(['ones', 'arange', 'rand', 'list', ...(label === 'Bias values' ? ['none', 'zeros'] : [])]);
    await page.getByLabel(label, { exact: true }).selectOption(option, { timeout: 3000 });
    return `choose ${option} for ${label}`;
  }
  if (kind === 6) {
    // A point on a grid or the matrix of the visible view (all drawn on canvases; a grid shows part of its canvas).
    const targets = page.locator('#views [role=tabpanel]:visible [data-grid], #views [role=tabpanel]:visible canvas.matrix');
    const n = await targets.count();
    if (!n) return 'no grid to click';
    const i = r.int(0, n - 1);
    const box = await targets.nth(i).boundingBox().catch(() => null);
    if (!box || !box.width || !box.height) return `grid ${i} is not on screen`;
    const position = { x: Math.floor(r.next() * box.width), y: Math.floor(r.next() * box.height) };
    await targets.nth(i).click({ position, timeout: 3000 }).catch(() => {});
    return `click grid ${i} at ${position.x},${position.y}`;
  }
  if (kind === 7) {
    const key = r.pick(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Tab', 'Enter', ' ', 'Home', 'End', 'Escape']);
    await page.keyboard.press(key);
    return `press ${key}`;
  }
  if (kind === 8) {
    // Any visible, enabled button (toggles, play/pause/step, seed, unpin, dismiss) except ones that leave the page.
    const buttons = page.locator('main button:visible:enabled');
    const n = await buttons.count();
    if (!n) return 'no button';
    const i = r.int(0, n - 1);
    const name = (await buttons.nth(i).textContent())?.trim().slice(0, 30);
    await buttons.nth(i).click({ timeout: 3000 }).catch(() => {});
    return `click button "${name}"`;
  }
  if (kind === 9) {
    const partial = r.pick([
      { s: String(r.int(1, 3)) }, { p: String(r.int(0, 2)) }, { op: String(r.int(0, 2)) }, { d: String(r.int(1, 2)) },
      { in: `${r.int(1, 6)}x${r.int(1, 6)}` }, { k: String(r.int(1, 4)) }, { cin: String(r.int(1, 4)), cout: String(r.int(1, 4)), g: String(r.int(1, 2)) },
      { x: `rand:${r.int(0, 99)}` }, { w: 'ones' }, { cell: `${r.int(0, 3)},${r.int(0, 3)}` }, { view: r.pick(['matrix', 'scatter', 'padded_direct', 'direct']) },
      { s: 'NaN' }, { in: '100000' }, { x: '1,2,3' },
      { dims: String(r.int(1, 3)) }, { p: r.pick(['same', 'same_lower', 'valid', '0,2,0,2', '1,0']) }, { os: String(r.int(1, 12)) }, { b: r.pick(['ones', 'rand:3', null]) },
    ]);
    await page.evaluate((p) => window.tconv.set(p), partial);
    return `tconv.set(${JSON.stringify(partial)})`;
  }
  if (kind === 10) {
    // Type into a focused text box of the value list.
    const label = r.pick(['Input value list', 'Kernel value list']);
    const box = page.getByLabel(label, { exact: true });
    if (!(await box.isVisible())) return `${label} hidden`;
    const text = r.pick(['1, 2, 3, 4', '1 2 3 4 5 6 7 8 9', '-1,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14', 'NaN', '1e999', '']);
    await box.fill(text, { timeout: 3000 });
    await box.dispatchEvent('change');
    return `paste "${text}" into ${label}`;
  }
  // Hover over the visible panel (matrix canvas hover, grid highlights).
  const panel = page.locator('#views [role=tabpanel]:visible');
  const box = await panel.boundingBox();
  if (box) await page.mouse.move(box.x + r.next() * box.width, box.y + r.next() * Math.min(box.height, 800));
  return 'hover';
}

/** Puts every control back to a valid configuration, so that the run does not stay stuck in an error. */
async function repair(page, r) {
  await page.getByLabel('Dimensions', { exact: true }).selectOption('2', { timeout: 3000 });
  const values = { 'Output size': '', 'Input size': `${r.int(2, 6)}x${r.int(2, 6)}`, 'Kernel size': String(r.int(1, 4)), Stride: String(r.int(1, 3)),
    Padding: '0', 'Output padding': '0', Dilation: String(r.int(1, 2)), 'Channels in': String(r.int(1, 2)), 'Channels out': String(r.int(1, 2)), Groups: '1' };
  for (const [label, text] of Object.entries(values)) await page.getByLabel(label, { exact: true }).fill(text, { timeout: 3000 });
  for (const label of ['Input values', 'Kernel values']) await page.getByLabel(label, { exact: true }).selectOption(r.pick(['ones', 'arange', 'rand']), { timeout: 3000 });
  return `repair to ${JSON.stringify(values)}`;
}

test(`monkey: ${SECONDS} s of random clicks, typing and edits keep result() equal to a fresh computation of state()`, async () => {
  console.log(`# monkey: MONKEY_SEED=${SEED} (replay: ${REPLAY})`);
  const r = rng(SEED);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); d.dismiss().catch(() => {}); });
  // Links leaving the page (gallery, exports) would end the run; keep the monkey on the page.
  await page.route((url) => !url.href.startsWith(baseUrl), (route) => route.abort());
  await page.goto(new URL('index.html?in=4&k=3&s=2&p=1&x=arange&w=rand:5', baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  const steps = [];
  const end = Date.now() + SECONDS * 1000;
  let checked = 0;
  let stale = 0;
  while (Date.now() < end) {
    const showingError = await page.locator('#config-error[role=alert]').isVisible();
    try {
      steps.push(showingError && r.next() < 0.4 ? await repair(page, r) : await act(page, r));
    } catch (e) {
      // An action that could not happen (e.g. a modal dialog covers the target) is not a failure of the page;
      // Escape closes the dialog, as a person would.
      if (e.name !== 'TimeoutError') throw e;
      steps.push(`blocked (${e.message.split('\n')[0].slice(0, 80)}), pressed Escape`);
      await page.keyboard.press('Escape');
    }
    if (!page.url().startsWith(baseUrl) || !(await page.evaluate(() => Boolean(window.tconv)))) {
      // A link on the page was followed (e.g. a gallery entry); come back and go on.
      await page.goBack().catch(() => {});
      await page.evaluate(() => window.tconv.ready);
    }
    // Big configurations are computed in a worker: wait for it, then for the frame that shows its answer.
    await page.evaluate(() => window.tconv.settled());
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
    const context = () => `MONKEY_SEED ${SEED}, after ${steps.length} steps; last: ${steps.slice(-6).join(' | ')}\n  replay: ${REPLAY}`;
    assert.deepEqual(problems, [], context());
    const fresh = await freshDifference(page);
    const staleShown = await page.locator('#config-error[role=alert]').isVisible();
    if (staleShown) {
      stale += 1; // the page says the result is the last valid one; it need not match state()
    } else {
      assert.ok(!fresh.error && !fresh.invalid, `${context()}: ${JSON.stringify(fresh)} but the page shows no error`);
      assert.ok(fresh.relative < 1e-4, `${context()}: result() differs from a fresh computation by ${fresh.relative}`);
      checked += 1;
    }
  }
  console.log(`# monkey MONKEY_SEED=${SEED}: ${steps.length} steps, ${checked} results checked, ${stale} while an error was shown`);
  assert.ok(checked >= Math.min(10, steps.length / 4), `too few steps were checked (${checked} of ${steps.length})`);
  await page.close();
});
