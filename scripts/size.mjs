// Download size of the page: what a first visit to the site actually downloads, per file, raw and gzip -9,
// against the 150 KB gzipped budget. Headless Debian Chromium loads dist/ from the project's own static server; every
// response the page and its workers receive is recorded (and cross-checked against the server's own request log), so
// module imports, the wasm and any worker are all counted. Source maps (.map) are not counted: browsers fetch them
// only while devtools are open.
//
//   node scripts/size.mjs [--dist DIR] [--budget-kb 150] [--strict] [--json FILE]
//
// Besides the first visit it prints what loads on first use (the bundle's chunks/ that the first visit did not need).
// --strict exits with status 1 when the first visit is over the budget. KB here is 1000 bytes.
import { gzipSync } from 'node:zlib';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs as parseCommandLine } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BUDGET_BYTES = 150_000;

const gzipSize = (buffer) => gzipSync(buffer, { level: 9 }).length;
const isSourceMap = (name) => name.endsWith('.map');

async function listFiles(dir, prefix = '') {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...await listFiles(path.join(dir, entry.name), rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

/** Every file in dist/ a visitor could download (all but source maps), with raw and gzip -9 sizes. */
export async function measureDist(dist) {
  const files = [];
  for (const rel of await listFiles(dist)) {
    if (isSourceMap(rel)) continue;
    const body = await readFile(path.join(dist, rel));
    files.push({ path: rel, raw: body.length, gzip: gzipSize(body) });
  }
  return summarize(files);
}

function summarize(files) {
  return {
    files,
    raw: files.reduce((a, f) => a + f.raw, 0),
    gzip: files.reduce((a, f) => a + f.gzip, 0),
  };
}

/**
 * Loads the site's index in headless Chromium and records every response until the page is ready and the network
 * has been idle. Returns the unique files downloaded (sizes of the bodies received), in download order.
 */
export async function measureFirstVisit(dist, { query = '' } = {}) {
  const { startServer } = await import('./serve.mjs');
  const { launchChromium } = await import('../tests/web/support/browser.mjs');
  const { server, url } = await startServer({ root: dist, port: 0, host: '127.0.0.1' });
  const served = [];
  server.on('request', (request) => served.push(new URL(request.url, url).pathname));
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const pending = [];
    const responses = [];
    const problems = [];
    // context-level: also sees requests made by dedicated workers, not only by the page
    context.on('response', (response) => {
      pending.push((async () => {
        const address = new URL(response.url());
        if (address.origin !== new URL(url).origin) return;
        if (response.status() >= 300 && response.status() < 400) return; // a redirect carries no file
        if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${address.pathname}`);
        const body = await response.body().catch(() => null);
        if (body) responses.push({ pathname: address.pathname, body });
      })());
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(new URL(query, url).href, { waitUntil: 'load' });
    await page.evaluate(() => window.tconv && window.tconv.ready);
    await page.waitForLoadState('networkidle');
    await Promise.all(pending);
    await context.close();
    if (problems.length) throw new Error(`the page did not load cleanly: ${problems.join('; ')}`);

    // A file fetched twice (the page and a worker both import the engine) is counted once against the budget: a
    // real host's ETag turns the second fetch into a 304. The repeats are reported beside it.
    const seen = new Map();
    const repeats = [];
    for (const { pathname, body } of responses) {
      const rel = pathname.endsWith('/') ? `${pathname.slice(1)}index.html` : pathname.slice(1);
      if (seen.has(rel)) { repeats.push(seen.get(rel)); continue; }
      seen.set(rel, { path: rel, raw: body.length, gzip: gzipSize(body) });
    }
    const servedFiles = new Set(served.map((p) => (p.endsWith('/') ? `${p.slice(1)}index.html` : p.slice(1))));
    const unrecorded = [...servedFiles].filter((p) => !seen.has(p) && !isSourceMap(p));
    if (unrecorded.length) {
      throw new Error(`the server sent ${unrecorded.join(', ')} but the browser's responses did not include them`);
    }
    return { ...summarize([...seen.values()]), repeats };
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
}

const kb = (bytes) => (bytes / 1000).toFixed(1);

export function formatTable(title, summary, budget = BUDGET_BYTES) {
  const lines = [title, '', '| file | raw KB | gzip -9 KB |', '|---|---:|---:|'];
  for (const f of summary.files) lines.push(`| ${f.path} | ${kb(f.raw)} | ${kb(f.gzip)} |`);
  lines.push(`| **total** (${summary.files.length} files) | ${kb(summary.raw)} | **${kb(summary.gzip)}** |`);
  const verdict = summary.gzip <= budget ? 'within' : 'OVER';
  lines.push('', `${verdict} the ${kb(budget)} KB gzipped budget (${kb(budget - summary.gzip)} KB to spare)`);
  return lines.join('\n');
}

function parseArgs(argv) {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      dist: { type: 'string', default: path.join(root, 'dist') }, 'budget-kb': { type: 'string', default: String(BUDGET_BYTES / 1000) },
      strict: { type: 'boolean', default: false }, json: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: node scripts/size.mjs [--dist DIR] [--budget-kb 150] [--strict] [--json FILE]');
    process.exit(0);
  }
  const options = {
    dist: path.resolve(values.dist), budget: Number(values['budget-kb']) * 1000, strict: values.strict,
    json: values.json ? path.resolve(values.json) : null,
  };
  if (!(options.budget > 0)) throw new Error(`--budget-kb is ${options.budget / 1000} but must be a positive number`);
  return options;
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`size: ${e.message}`);
    process.exit(2);
  }
  const visit = await measureFirstVisit(options.dist);
  const all = await measureDist(options.dist);
  console.log(formatTable(`First visit to ${path.relative(process.cwd(), options.dist) || '.'}/ in headless Chromium`, visit, options.budget));
  if (visit.repeats.length) {
    const again = summarize(visit.repeats);
    console.log(`Fetched again in the same visit (counted once above): ${visit.repeats.map((f) => f.path).join(', ')}: `
      + `${kb(again.gzip)} KB gzipped more on a server without cache validators (this one sends no-cache and no ETag).`);
  }
  // What loads on first use: the chunks of the bundle that the first visit did not need (dist/'s per-file modules are
  // for the worker, the CLI and Node, never downloaded beside the bundle).
  const later = all.files.filter((f) => f.path.startsWith('chunks/') && !visit.files.some((v) => v.path === f.path));
  const laterSum = summarize(later);
  console.log('');
  console.log(`Loaded on first use (the framework panel, the import box): ${later.map((f) => `${f.path} (${kb(f.gzip)} KB gz)`).join(', ') || 'nothing'}`
    + `; ${kb(laterSum.gzip)} KB gzipped in all.`);
  if (options.json) await writeFile(options.json, `${JSON.stringify({ budget: options.budget, firstVisit: visit, dist: all }, null, 2)}\n`);
  if (options.strict && visit.gzip > options.budget) process.exit(1);
}
