// Accessibility with axe-core (from npm, injected into the built page): a lesson step, the sub-pixel view and pins of
// an input cell and a kernel tap, at 1280 px and at 400 px, in the light and the dark colour scheme. No violation of
// impact serious or critical may remain; the test names each one with its rule, its help text and where it is.
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
        // The page's Content-Security-Policy forbids inline script, which is how the test injects axe.
        const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, bypassCSP: true });
        const page = await context.newPage();
        try {
          await page.goto(new URL(`index.html${query}`, baseUrl).href);
          await page.evaluate(() => window.tconv.ready);
          if (then) await then(page);
          await page.evaluate(() => window.tconv.settled());
          await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
          await page.addScriptTag({ path: AXE });
          const violations = await page.evaluate(async () => {
            // eslint-disable-next-line no-undef
            const r = await axe.run(document, { resultTypes: ['violations'] });
            return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
              .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
          });
          assert.deepEqual(violations, [], `${query}`);
        } finally {
          await context.close();
        }
      });
    }
  }
}
