// Download budget of the page: everything a visitor downloads from dist/ (html, css, js, wasm, worker) is at
// most 150 KB gzipped. A size, not a timing, so it is a test; scripts/size.mjs prints the per-file table.
// Runs against the built site (./scripts/build), loaded in headless Debian Chromium from the project's static server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureFirstVisit, measureDist, BUDGET_BYTES, formatTable } from '../../scripts/size.mjs';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');

test('a first visit downloads at most 150 KB gzipped, and so does everything in dist/', async () => {
  assert.ok(existsSync(path.join(dist, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  const visit = await measureFirstVisit(dist);
  const names = visit.files.map((f) => f.path);
  // The measurement must have seen the page's real dependencies, or a small total would prove nothing.
  for (const needed of ['index.html', 'style.css', 'app.js', 'engine.js', 'tconv_wasm.js', 'tconv_wasm.wasm']) {
    assert.ok(names.includes(needed), `the first visit did not download ${needed} (downloaded: ${names.join(', ')})`);
  }
  assert.ok(!names.some((n) => n.endsWith('.map')), 'a source map was downloaded without devtools open');
  assert.ok(visit.gzip <= BUDGET_BYTES, formatTable('first visit over budget:', visit));

  const all = await measureDist(dist);
  assert.ok(all.gzip <= BUDGET_BYTES, formatTable('dist/ (all but source maps) over budget:', all));
});
