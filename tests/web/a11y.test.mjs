// Accessibility: axe-core (from npm, injected into the page) on every view, on lesson steps (answered and not) and on
// pins of an input cell, a kernel tap and an entry of C, at 1280 and 400 px, light and dark. No serious or critical
// violation may remain. The rules axe runs are its defaults (WCAG 2 A/AA
// and best practices); canvas-drawn numbers are not seen by axe, so the colour tests cover them (colors.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './support/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const CORNER = '?in=4&k=4&s=2&p=1&x=ones&w=arange&cell=0,1';

let server, baseUrl, browser;
before(async () => {
  assert.ok(existsSync(path.join(root, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  ({ server, url: baseUrl } = await startServer({ root, port: 0, host: '127.0.0.1' }));
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
});

/**
 * axe's serious and critical violations on the page at this link, as "rule: target" lines. then(page) acts on the
 * page before it settles (an answer, a pin); change runs in it after (a defect made on purpose).
 */
async function violations(query, { width, scheme, then, change }) {
  // bypassCSP: the page allows only its own scripts, and axe is injected as an inline one
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, bypassCSP: true });
  const page = await context.newPage();
  try {
    await page.goto(new URL(`index.html${query}`, baseUrl).href);
    await page.evaluate(() => window.tconv.ready);
    if (then) await then(page);
    await page.evaluate(() => window.tconv.settled());
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
    if (change) await page.evaluate(change);
    await page.addScriptTag({ path: AXE });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    assert.ok(result.passes.length > 10, 'axe ran its rules');
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary.split('\n')[1] || ''}`));
  } finally {
    await context.close();
  }
}

for (const scheme of ['light', 'dark']) {
  for (const width of [1280, 400]) {
    test(`axe: no serious or critical violation in any view at ${width} px, ${scheme}`, async () => {
      const found = [];
      for (const view of ['matrix', 'scatter', 'padded_direct', 'subpixel']) {
        for (const line of await violations(`${CORNER}&view=${view}${view === 'padded_direct' ? '&unturned=1' : ''}`, { width, scheme })) found.push(`${view}: ${line}`);
      }
      assert.deepEqual(found, []);
    });
  }
}

test('axe: a lesson step and an output_padding case are clean too', async () => {
  const found = [];
  for (const query of ['?lesson=gradient&lstep=2', '?in=3&k=3&s=2&p=1&op=1&x=arange&w=arange&view=scatter']) {
    for (const width of [1280, 400]) for (const line of await violations(query, { width, scheme: 'light' })) found.push(`${query} at ${width}: ${line}`);
  }
  assert.deepEqual(found, []);
});

const PAGES = [
  ['a lesson step', '?lesson=same&lstep=3'],
  ['a lesson step, answered', '?lesson=corner&lstep=2', async (page) => {
    await page.evaluate(() => window.tconv.set({ cell: [0, 1] }));
  }],
  ['the sub-pixel view with a pinned input cell', '?in=3&k=3&s=2&view=subpixel&pin=x:1,1'],
  ['the padded direct view with a pinned tap', '?in=3&k=3&s=2&p=1&view=padded_direct&pin=w:1,0'],
  ['the matrix view with a pinned entry of C', '?in=3&k=3&s=2&view=matrix&pin=C:4,11'],
];

for (const [what, query, then] of PAGES) {
  for (const width of [1280, 400]) {
    for (const scheme of ['light', 'dark']) {
      test(`axe-core: ${what} at ${width} px, ${scheme}: no serious or critical violations`, async () => {
        assert.deepEqual(await violations(query, { width, scheme, then }), [], query);
      });
    }
  }
}

test('axe finds the unfocusable scroll region that the wide Cᵀ·y grid had at phone width (the check can fail)', async () => {
  const found = await violations(CORNER, {
    width: 400, scheme: 'light',
    change: () => document.querySelector('.scroll:has([data-grid="gradient-cty"])').removeAttribute('tabindex'),
  });
  assert.ok(found.some((line) => line.startsWith('scrollable-region-focusable (serious)')), found.join('\n'));
});
