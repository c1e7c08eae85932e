// Download budget of the page: what a first visit downloads from dist/ (html, css, the bundled app.js and its shared
// chunks, the wasm) is at most 150 KB gzipped. What only some visitors need (the framework translations, the import
// parser) loads on first use, so it must not be part of a first visit. dist/ also keeps every module as its own file
// for the worker, the CLI and Node; no visitor downloads those beside the bundle, so dist/ as a whole is not a
// download. A size, not a timing, so it is a test; scripts/size.mjs prints the per-file table.
// Runs against the built site (./scripts/build), loaded in headless Debian Chromium from the project's static server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureFirstVisit, BUDGET_BYTES, formatTable } from '../../scripts/size.mjs';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');

test('a first visit downloads at most 150 KB gzipped, and not the framework translations', async () => {
  assert.ok(existsSync(path.join(dist, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  const visit = await measureFirstVisit(dist);
  const names = visit.files.map((f) => f.path);
  // The measurement must have seen the page's real dependencies, or a small total would prove nothing.
  for (const needed of ['index.html', 'style.css', 'app.js', 'tconv_wasm.js', 'tconv_wasm.wasm']) {
    assert.ok(names.includes(needed), `the first visit did not download ${needed} (downloaded: ${names.join(', ')})`);
  }
  assert.ok(!names.some((n) => n.endsWith('.map')), 'a source map was downloaded without devtools open');
  assert.ok(visit.gzip <= BUDGET_BYTES, formatTable('first visit over budget:', visit));
  // The translations are their own chunk, fetched when the framework panel nears the screen.
  const chunks = readdirSync(path.join(dist, 'chunks'));
  const translations = chunks.find((n) => /^frameworks-.*\.js$/.test(n));
  assert.ok(translations, `no chunk of the translations in dist/chunks (${chunks.join(', ')})`);
  assert.ok(!names.includes(`chunks/${translations}`), `a first visit downloaded the translations (chunks/${translations})`);
});
