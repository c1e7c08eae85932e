// Load and soak tests, run by ./scripts/test and ./scripts/soak.
//
//   page: 10,000 recomputations through window.tconv.set, alternating configurations, in headless Chromium. The JS
//         heap (CDP Runtime.getHeapUsage after a forced GC) and the engine's wasm memory are sampled; after a warm-up
//         neither may grow by more than its stated bound (a leak of ~0.5 KB of JS or any wasm memory per
//         recomputation would exceed them). Every 500th result is checked against a fresh engine.
//   cli:  10,000 JSON lines through scripts/tconv.mjs (one process), a tenth of them invalid or malformed. Every line
//         must get exactly one answer, and the resident set size may grow by at most 32 MiB after the first 2,000
//         lines (V8's heap sizing; a leak of a few KB per line would exceed it) and stay under 200 MiB.
//
// Usage: node scripts/soak.mjs [page|cli]...   (default: both). Prints the measurements; exits 1 if a bound is broken.
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startServer } from './serve.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MiB = 1024 * 1024;
const ITERATIONS = Number(process.env.TCONV_SOAK_ITERATIONS || 10000);
const WARM_UP = Math.min(500, ITERATIONS / 10);
// Bounds, stated here and in the output.
const JS_HEAP_GROWTH_BOUND = 8 * MiB;
const WASM_GROWTH_BOUND = 0; // the engine's allocations are the same every cycle: its memory must not grow at all
const CLI_RSS_GROWTH_BOUND = 32 * MiB;
const CLI_RSS_BOUND = 200 * MiB;

const failures = [];
const check = (ok, message) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};
const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;

// Whole states (every key given), so that consecutive set() calls really change the configuration.
const CONFIGS = [
  { in: '4', k: '4', s: '2', p: '1', op: '0', d: '1', cin: '1', cout: '1', g: '1', x: 'ones', w: 'arange', view: 'scatter', cell: '0,1' },
  { in: '5x3', k: '3', s: '1', p: '0', op: '0', d: '1', cin: '2', cout: '4', g: '2', x: 'rand:3', w: 'rand:4', view: 'matrix', cell: null },
  { in: '6', k: '3', s: '3', p: '1', op: '2', d: '1', cin: '1', cout: '2', g: '1', x: 'arange', w: 'ones', view: 'direct', cell: '2,2' },
  { in: '3', k: '2', s: '2', p: '0', op: '1', d: '2', cin: '3', cout: '3', g: '3', x: '1,2,3,4,5,6,7,8,9,-1,-2,-3,-4,-5,-6,-7,-8,-9,0,1,0,1,0,1,0,1,0', w: 'rand:9', view: 'matrix', cell: '1,0' },
];

async function soakPage() {
  const { chromium } = await import('playwright-core');
  const { LAUNCH_ARGS, freshDifference } = await import('../tests/web/support/page-oracle.mjs');
  const dist = path.join(root, 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error('dist/index.html is missing: run ./scripts/build first');
  const { server, url } = await startServer({ root: dist, port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = [];
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    // Keep the engine's wasm memory within reach: Emscripten exports it from the instance.
    await page.addInitScript(() => {
      window.__wasmMemories = [];
      const keep = (result) => {
        const instance = result.instance || result;
        for (const v of Object.values(instance.exports || {})) if (v instanceof WebAssembly.Memory) window.__wasmMemories.push(v);
        return result;
      };
      for (const name of ['instantiate', 'instantiateStreaming']) {
        const original = WebAssembly[name];
        WebAssembly[name] = (...args) => original.apply(WebAssembly, args).then(keep);
      }
    });
    await page.goto(new URL('index.html', url).href);
    await page.evaluate(() => window.tconv.ready);
    const cdp = await page.context().newCDPSession(page);
    const measure = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      // The page's engine is the first instance; later ones are the fresh engines of the result checks.
      const wasm = await page.evaluate(() => window.__wasmMemories[0]?.buffer.byteLength ?? 0);
      return { heap: usedSize, wasm };
    };
    const samples = [];
    const start = Date.now();
    const chunk = 250;
    for (let done = 0; done < ITERATIONS; done += chunk) {
      await page.evaluate(async ({ configs, from, count }) => {
        for (let i = from; i < from + count; i += 1) await window.tconv.set(configs[i % configs.length]);
      }, { configs: CONFIGS, from: done, count: Math.min(chunk, ITERATIONS - done) });
      const m = await measure();
      samples.push({ after: done + chunk, ...m });
      if ((done + chunk) % 500 === 0) {
        const fresh = await freshDifference(page);
        if (fresh.error || fresh.invalid || !(fresh.relative < 1e-4)) problems.push(`after ${done + chunk}: result() vs fresh engine ${JSON.stringify(fresh)}`);
      }
      if ((done + chunk) % 2000 === 0) console.log(`  page: ${done + chunk} recomputations, JS heap ${mib(m.heap)}, wasm ${mib(m.wasm)}, ${Math.round((Date.now() - start) / 1000)} s`);
    }
    const warm = samples.find((s) => s.after >= WARM_UP);
    const last = samples[samples.length - 1];
    const peakHeap = Math.max(...samples.filter((s) => s.after >= WARM_UP).map((s) => s.heap));
    console.log(`page: ${ITERATIONS} recomputations in ${Math.round((Date.now() - start) / 1000)} s; `
      + `JS heap after GC ${mib(warm.heap)} at ${warm.after} -> ${mib(last.heap)} at the end (peak ${mib(peakHeap)}); `
      + `wasm memory ${mib(warm.wasm)} -> ${mib(last.wasm)}`);
    check(warm.wasm > 0, 'the engine\'s wasm memory was found');
    check(last.heap - warm.heap <= JS_HEAP_GROWTH_BOUND, `JS heap grew by ${mib(last.heap - warm.heap)} after warm-up (bound ${mib(JS_HEAP_GROWTH_BOUND)})`);
    check(peakHeap - warm.heap <= 2 * JS_HEAP_GROWTH_BOUND, `JS heap peak is ${mib(peakHeap - warm.heap)} over warm-up (bound ${mib(2 * JS_HEAP_GROWTH_BOUND)})`);
    check(last.wasm - warm.wasm <= WASM_GROWTH_BOUND, `wasm memory grew by ${mib(last.wasm - warm.wasm)} after warm-up (bound ${mib(WASM_GROWTH_BOUND)})`);
    check(problems.length === 0, `no page errors and every sampled result() matched a fresh engine${problems.length ? `: ${problems.slice(0, 5).join('; ')}` : ''}`);
  } finally {
    await browser.close();
    server.close();
  }
}

function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Line i of the CLI soak: valid configurations of several sizes, and every tenth one broken in some way. */
function cliLine(i) {
  if (i % 10 === 9) {
    return ['{not json', '{"input":{"shape":[1,1,2,2],"data":[1,2,3]},"weight":{"shape":[1,1,2,2],"data":[1,1,1,1]}}',
      '{"input":{"shape":[1,1,2,2],"data":[1,2,3,4]},"weight":{"shape":[1,1,2,2],"data":[1,1,1,1]},"stride":0}',
      '{"input":{"shape":[1,1,4096,4096],"data":[]},"weight":{"shape":[1,1,1,1],"data":[1]}}',
      '[]'][i % 5];
  }
  const n = 1 + (i % 5);
  const k = 1 + (i % 3);
  const input = { shape: [1, 2, n, n + 1], data: Array.from({ length: 2 * n * (n + 1) }, (_, j) => ((i + j) % 7) - 3) };
  const weight = { shape: [2, 1, k, k], data: Array.from({ length: 2 * k * k }, (_, j) => (j % 5) - 2) };
  return JSON.stringify({ input, weight, stride: 1 + (i % 3), padding: i % 2 && k > 1 ? [0, 1] : 0, dilation: 1 + (i % 2), groups: 1 + (i % 2) });
}

async function soakCli() {
  const child = spawn(process.execPath, [path.join(root, 'scripts/tconv.mjs')], { stdio: ['pipe', 'pipe', 'ignore'] });
  const samples = [];
  let answered = 0;
  let errors = 0;
  let bad = 0;
  const rl = createInterface({ input: child.stdout });
  rl.on('line', (line) => {
    let parsed;
    try { parsed = JSON.parse(line); } catch { bad += 1; return; }
    if (typeof parsed.error === 'string') errors += 1;
    else if (!Array.isArray(parsed.shape) || !Array.isArray(parsed.data)) bad += 1;
    answered += 1;
    if (answered % 250 === 0) samples.push({ answered, rss: rssOf(child.pid) });
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const start = Date.now();
  // Written in batches of 250 lines, each once the previous one is answered: otherwise unread input piles up in the
  // pipe and in readline's buffer, and the RSS measures that backlog instead of the tool.
  for (let i = 0; i < ITERATIONS; i += 1) {
    if (!child.stdin.write(`${cliLine(i)}\n`)) await new Promise((r) => child.stdin.once('drain', r));
    if (i % 250 === 249) while (answered < i + 1 && child.exitCode === null) await new Promise((r) => setTimeout(r, 2));
  }
  child.stdin.end();
  const code = await exited;
  // V8 sizes its heap up once over the first few thousand lines (measured: ~77 MiB at 2,000 lines, a plateau of
  // ~95 MiB from 5,000 to 30,000), so growth is measured from the warm-up to the end.
  const warmUp = Math.min(2000, ITERATIONS / 5);
  const half = samples.filter((s) => s.answered <= warmUp);
  const rest = samples.filter((s) => s.answered > warmUp);
  const firstPeak = Math.max(0, ...half.map((s) => s.rss));
  const secondPeak = Math.max(0, ...rest.map((s) => s.rss));
  const expectedErrors = Math.floor(ITERATIONS / 10);
  console.log(`cli: ${answered} lines answered in ${Math.round((Date.now() - start) / 1000)} s (${errors} errors), exit ${code}; `
    + `RSS peak ${mib(firstPeak)} in the first ${warmUp} lines, ${mib(secondPeak)} after them`);
  check(answered === ITERATIONS && bad === 0, `every line got one well-formed answer (${answered} of ${ITERATIONS}, ${bad} malformed)`);
  check(errors === expectedErrors, `exactly the ${expectedErrors} broken lines got an error (${errors})`);
  check(code === 1, 'exit status 1 because some lines failed');
  check(firstPeak > 0 && secondPeak - firstPeak <= CLI_RSS_GROWTH_BOUND, `RSS grew by ${mib(secondPeak - firstPeak)} after the first ${warmUp} lines (bound ${mib(CLI_RSS_GROWTH_BOUND)})`);
  check(secondPeak <= CLI_RSS_BOUND, `RSS stayed under ${mib(CLI_RSS_BOUND)} (peak ${mib(Math.max(firstPeak, secondPeak))})`);
}

const parts = process.argv.slice(2);
const which = parts.length ? parts : ['cli', 'page'];
for (const part of which) {
  if (part === 'page') await soakPage();
  else if (part === 'cli') await soakCli();
  else { console.error(`unknown part ${part} (page or cli)`); process.exit(2); }
}
console.log(failures.length ? `soak: ${failures.length} bound(s) broken` : 'soak: all bounds held');
process.exit(failures.length ? 1 : 0);
