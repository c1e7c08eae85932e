// Page frame-time benchmark (a benchmark, not a test): drives headless Debian Chromium through control
// changes and measures, for each change, the time from the change to the end of the frame that shows it.
//
//   node scripts/bench-page.mjs [--dist DIR] [--changes 60] [--warmup 6] [--cases big,small]
//                               [--views matrix,scatter,padded_direct] [--json FILE] [--profile] [--trace] [--strict]
//
// Cases: "big" is a 32×32 input with a 5×5 kernel, stride 2, padding 2 (C is 1024×3969); "small" is an
// 8×8 input, 3×3 kernel, stride 2. Each case is opened in each view from its share link, and then changed the way
// a person does: typing into the padding and output_padding fields (an 'input' event per edit, there and back),
// pinning output cells with the arrow keys and by clicking, switching the input and kernel values, typing a seed,
// and the view's own controls (overlap heat map, C/Cᵀ, stepping). Every change is a real DOM event on the real
// control, dispatched inside the page so its timing starts exactly at the dispatch.
//
// Per change, inside the page:
//   t0      just before dispatchEvent (a requestAnimationFrame callback is registered first, so that it runs first
//           in the next frame, before the page's own: the page draws a change in a frame callback, web/store.js);
//   t1      when the (synchronous) handlers have returned;
//   tFrame  that first callback: the frame boundary;
//   tSettle when window.tconv.painted() resolves: the page has drawn the change in a frame callback (after any
//           work it sent to its worker has come back);
//   tEnd    a setTimeout(0) queued at the start of that frame, which runs right after its style, layout and paint.
// The panels below the view (agreement, gradient, output sizes) are drawn right after that frame; "all" also counts
// them (until window.tconv.settled()).
// raw = tEnd − t0 (what a person waits). The part of it spent idle, waiting for the frame boundary, is tFrame − t1;
// "work" = raw minus that wait: the page's own handlers, its drawing in the frame, any worker round trip, and the
// frame's rendering. The target is p95(work) ≤ 16.7 ms: the change shows in the next frame. Between changes the page
// rests two frames and a random 0–16 ms, so changes land at random points in the frame.
//
// Before the table, a "floor" is measured: a change that does nothing (an event no one listens to), i.e. what the
// frame machinery and this benchmark's own calls cost here. Long tasks (PerformanceObserver 'longtask', > 50 ms)
// that start during a change are counted too.
//
// Finding where the time goes:
//   --profile  samples the page with the CDP Profiler during the measured changes and prints self and total time per
//              function, and the page's own functions with the most total time (for readable names, point --dist
//              at an unminified copy of web/ plus the two tconv_wasm files);
//   --trace    records a Chromium trace of the same changes and prints the main thread's busy and CPU time per
//              change and its self time per event (script, style, layout, paint, canvas…);
//   performance.measure() entries the page makes during a change are summed by name and printed, so a local copy
//   of the page with marks around its steps shows their cost without changing the shipped code.
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs as parseCommandLine } from 'node:util';
import { startServer } from './serve.mjs';
import { launchChromium } from '../tests/web/support/browser.mjs';
import { mulberry32 } from '../web/random.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FRAME_MS = 16.7;

const CASES = {
  big: { label: '32×32, k5, s2, p2', query: 'in=32&k=5&s=2&p=2', padding: ['1', '2'] },
  small: { label: '8×8, k3, s2', query: 'in=8&k=3&s=2', padding: ['1', '0'] },
};
const VIEWS = ['matrix', 'scatter', 'padded_direct'];

/** The changes, in the order they are cycled through; each is one measured change. */
function changesFor(kase, view) {
  const grid = { matrix: 'matrix-output', scatter: 'scatter-canvas', padded_direct: 'padded-direct-output' }[view];
  const list = [
    { kind: 'type padding', act: 'field', id: 'f-p', text: kase.padding[0] },
    { kind: 'pin: arrow key', act: 'key', grid, key: 'ArrowRight' },
    { kind: 'type output_padding', act: 'field', id: 'f-op', text: '1' },
    { kind: 'pin: click', act: 'click', grid },
    { kind: 'type padding', act: 'field', id: 'f-p', text: kase.padding[1] },
    { kind: 'kernel values', act: 'select', id: 'f-w', value: 'ones' },
    { kind: 'pin: arrow key', act: 'key', grid, key: 'ArrowDown' },
    { kind: 'type output_padding', act: 'field', id: 'f-op', text: '0' },
    { kind: 'input values', act: 'select', id: 'f-x', value: 'rand' },
    { kind: 'type seed', act: 'seed', id: 'f-x-seed' },
    { kind: 'kernel values', act: 'select', id: 'f-w', value: 'arange' },
    { kind: 'input values', act: 'select', id: 'f-x', value: 'arange' },
  ];
  if (view === 'scatter') {
    list.splice(2, 0, { kind: 'overlap toggle', act: 'check', id: 'scatter-heat' });
    list.splice(8, 0, { kind: 'overlap toggle', act: 'check', id: 'scatter-heat' });
  }
  if (view === 'matrix') {
    list.splice(2, 0, { kind: 'C / Cᵀ toggle', act: 'button', selector: '[data-focus="transpose"]' });
    list.splice(8, 0, { kind: 'C / Cᵀ toggle', act: 'button', selector: '[data-focus="transpose"]' });
    list.splice(5, 0, { kind: 'pin: arrow key (matrix)', act: 'key', grid: null, selector: '[data-focus="matrix-canvas"]', key: 'ArrowLeft' });
  }
  if (view === 'scatter' || view === 'padded_direct') {
    list.splice(4, 0, { kind: 'step back', act: 'button', selector: '[data-focus="back"]' });
    list.splice(10, 0, { kind: 'step forward', act: 'button', selector: '[data-focus="fwd"]' });
  }
  return list;
}

/** Runs in the page: one change, timed. Returns the timings, or {error}. */
async function measureInPage({ change, seed }) {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // Rest: let the previous change finish, then start at a random point within a frame.
  await frame();
  await frame();
  await sleep(seed * 16);
  const panel = document.querySelector('.panel:not([hidden])');
  let target;
  let dispatch;
  if (change.act === 'field' || change.act === 'seed') {
    target = document.getElementById(change.id);
    if (!target || target.disabled) return { error: `#${change.id} is missing or disabled` };
    const text = change.act === 'seed' ? String(1 + Math.floor(seed * 9999)) : change.text;
    target.focus();
    dispatch = () => { target.value = text; target.dispatchEvent(new Event('input', { bubbles: true })); };
  } else if (change.act === 'select') {
    target = document.getElementById(change.id);
    dispatch = () => { target.value = change.value; target.dispatchEvent(new Event('change', { bubbles: true })); };
  } else if (change.act === 'check') {
    target = document.getElementById(change.id);
    if (!target) return { error: `#${change.id} is missing` };
    dispatch = () => { target.click(); };
  } else if (change.act === 'button') {
    target = panel.querySelector(change.selector);
    if (!target) return { error: `${change.selector} is missing` };
    dispatch = () => { target.click(); };
  } else if (change.act === 'key') {
    target = panel.querySelector(change.selector || `[data-grid="${change.grid}"]`);
    if (!target) return { error: `${change.selector || change.grid} is missing` };
    target.focus({ preventScroll: true });
    dispatch = () => target.dispatchEvent(new KeyboardEvent('keydown', { key: change.key, bubbles: true, cancelable: true }));
  } else if (change.act === 'noop') {
    // Calibration: an event nothing listens to, so the "change" is only the frame that follows it.
    target = document.body;
    dispatch = () => target.dispatchEvent(new Event('tconv-bench-noop'));
  } else if (change.act === 'click') {
    const grid = panel.querySelector(`[data-grid="${change.grid}"]`);
    if (!grid) return { error: `${change.grid} is missing` };
    // A point inside the grid, on the canvas it is drawn on (its layout is read here, before t0).
    const r = grid.getBoundingClientRect();
    const x = r.left + (0.1 + 0.8 * seed) * r.width, y = r.top + (0.9 - 0.8 * seed) * r.height;
    target = grid.querySelector(':scope > canvas') || grid;
    dispatch = () => target.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, clientX: x, clientY: y }));
  }
  const longTasks = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => [e.startTime, e.duration])));
  observer.observe({ type: 'longtask' });
  const before = location.href;
  let tFrame = 0;
  let afterFrame = null; // resolves with the time the first frame's rendering ended
  const frameDone = new Promise((r) => { afterFrame = r; });
  requestAnimationFrame(() => {
    tFrame = performance.now();
    // Queued before anything the page queues in this frame, so it runs right after the frame is rendered.
    setTimeout(() => afterFrame(performance.now()), 0);
  });
  const t0 = performance.now();
  dispatch();
  const t1 = performance.now();
  // The page has drawn the change: painted() resolves in the frame that shows it (after any worker answer).
  if (window.tconv.painted) await window.tconv.painted();
  else if (window.tconv.settled) await window.tconv.settled();
  const tSettle = performance.now();
  let tEnd = await frameDone;
  if (tSettle > tEnd) {
    // drawn in a later frame (a worker's answer): up to the end of that frame's rendering
    tEnd = await new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0)));
  }
  // Everything, the panels below the view included (they follow the frame).
  if (window.tconv.settled) await window.tconv.settled();
  const tAll = performance.now();
  await sleep(0);
  // performance.measure() entries the page made during the change (none in the shipped page; a local, instrumented
  // copy can add them to see where the time goes), summed by name.
  const measures = {};
  for (const e of performance.getEntriesByType('measure')) {
    if (e.startTime >= t0 && e.startTime <= tEnd) measures[e.name] = (measures[e.name] || 0) + e.duration;
  }
  performance.clearMeasures();
  observer.takeRecords().forEach((e) => longTasks.push([e.startTime, e.duration]));
  observer.disconnect();
  const wait = Math.max(0, tFrame - t1);
  return {
    raw: tEnd - t0,
    work: tEnd - t0 - wait,
    all: tAll - t0 - wait,
    handler: t1 - t0,
    async: tSettle - t1,
    render: tEnd - tFrame,
    wait,
    longTask: Math.max(0, ...longTasks.filter(([s]) => s >= t0 - 1).map(([, d]) => d)),
    changedLink: location.href !== before,
    measures,
  };
}

function quantile(sorted, q) {
  if (!sorted.length) return NaN;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i), hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}
const stats = (values) => {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), p95: quantile(s, 0.95), max: s[s.length - 1] ?? NaN };
};


/**
 * Self time per trace event name on the renderer's main thread (CrRendererMain) from a Chromium trace: where the
 * main thread's time went, JS (FunctionCall, EventDispatch…) and rendering (UpdateLayoutTree = style, Layout, Paint,
 * PrePaint, Commit…) alike. Returns {self: [[name, ms], …] most first, busy, cpu}: busy is the wall time of the
 * thread's top-level events and cpu their thread CPU time (tdur), which a loaded machine inflates far less.
 */
function traceSelfTimes(events) {
  const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map((e) => `${e.pid}:${e.tid}`));
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || !mainThreads.has(`${e.pid}:${e.tid}`) || !(e.dur > 0)) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
  }
  const self = new Map();
  let busy = 0, cpu = 0;
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const stack = []; // open events, each with the time its children took
    const close = (until) => {
      while (stack.length && stack[stack.length - 1].end <= until) {
        const done = stack.pop();
        self.set(done.name, (self.get(done.name) || 0) + (done.dur - done.children) / 1000);
        if (stack.length) stack[stack.length - 1].children += done.dur;
      }
    };
    for (const e of list) {
      close(e.ts);
      if (!stack.length) { busy += e.dur / 1000; cpu += (e.tdur ?? e.dur) / 1000; }
      stack.push({ name: e.name, end: e.ts + e.dur, dur: e.dur, children: 0 });
    }
    close(Infinity);
  }
  return {
    self: [...self.entries()].filter(([name]) => name !== 'ThreadControllerImpl::RunTask' && name !== 'RunTask')
      .sort((a, b) => b[1] - a[1]),
    busy,
    cpu,
  };
}

/** Self and total (inclusive) time per function from a CDP profile, top n by self time: [[name, self, total], …]. */
function topFunctions(profile, n = 14) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const c of node.children || []) parent.set(c, node.id);
  const label = (node) => {
    const f = node.callFrame;
    const where = f.url ? `${f.url.replace(/^https?:\/\/[^/]+\//, '')}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map(), total = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const t = (dt[i + 1] ?? 0) / 1000;
    const node = byId.get(profile.samples[i]);
    if (node.callFrame.functionName === '(idle)') continue; // (program) is mostly style, layout and paint
    self.set(label(node), (self.get(label(node)) || 0) + t);
    const seen = new Set();
    for (let id = node.id; id !== undefined; id = parent.get(id)) {
      const name = label(byId.get(id));
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) || 0) + t);
    }
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, t]) => [name, t, total.get(name)]);
}

/** The functions of the page's own code with the most inclusive time: [[name, total], …]. */
function topInclusive(profile, n = 14) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const c of node.children || []) parent.set(c, node.id);
  const total = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const t = (dt[i + 1] ?? 0) / 1000;
    const seen = new Set();
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id).callFrame;
      if (!f.url || !/\/(\w+|views\/\w+|panels\/\w+)\.js$/.test(f.url) || /tconv_wasm/.test(f.url)) continue;
      const name = `${f.functionName || '(anonymous)'} ${f.url.replace(/^https?:\/\/[^/]+\//, '')}:${f.lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) || 0) + t);
    }
  }
  return [...total.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

function parseArgs(argv) {
  const { values } = parseCommandLine({
    args: argv,
    options: {
      dist: { type: 'string', default: path.join(root, 'dist') }, changes: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '6' }, cases: { type: 'string', default: Object.keys(CASES).join(',') },
      views: { type: 'string', default: VIEWS.join(',') }, json: { type: 'string' }, profile: { type: 'boolean', default: false },
      trace: { type: 'boolean', default: false }, strict: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: node scripts/bench-page.mjs [--dist DIR] [--changes 60] [--warmup 6] [--cases big,small] '
      + '[--views matrix,scatter,padded_direct] [--json FILE] [--profile] [--trace] [--strict]');
    process.exit(0);
  }
  const options = {
    ...values, dist: path.resolve(values.dist), changes: Number(values.changes), warmup: Number(values.warmup),
    cases: values.cases.split(','), views: values.views.split(','), json: values.json ? path.resolve(values.json) : null,
  };
  if (!Number.isInteger(options.changes) || options.changes < 1) throw new Error(`--changes is ${options.changes} but must be a positive integer`);
  if (!Number.isInteger(options.warmup) || options.warmup < 0) throw new Error(`--warmup is ${options.warmup} but must be a non-negative integer`);
  for (const c of options.cases) if (!CASES[c]) throw new Error(`--cases: "${c}" is not one of ${Object.keys(CASES).join(', ')}`);
  for (const v of options.views) if (!VIEWS.includes(v)) throw new Error(`--views: "${v}" is not one of ${VIEWS.join(', ')}`);
  if (!existsSync(path.join(options.dist, 'index.html'))) throw new Error(`${options.dist}/index.html does not exist: run ./scripts/build first`);
  return options;
}

async function runOne(browser, baseUrl, caseName, view, options, calibrate = false) {
  const kase = CASES[caseName];
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  try {
    await page.goto(new URL(`index.html?${kase.query}&view=${view}`, baseUrl).href);
    await page.evaluate(() => window.tconv.ready);
    if (await page.evaluate(() => Boolean(window.tconv.settled))) await page.evaluate(() => window.tconv.settled());
    const cdp = options.profile || options.trace ? await page.context().newCDPSession(page) : null;
    const traceEvents = [];
    let traceDone = null;
    if (options.trace) {
      cdp.on('Tracing.dataCollected', ({ value }) => traceEvents.push(...value));
      traceDone = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
    }
    const changes = calibrate ? [{ kind: 'nothing', act: 'noop' }] : changesFor(kase, view);
    const random = mulberry32(caseName.length * 1000 + view.length); // every run makes the same changes
    const samples = [];
    for (let i = 0; i < options.warmup + options.changes; i++) {
      if (options.profile && i === options.warmup) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      if (options.trace && i === options.warmup) {
        await cdp.send('Tracing.start', { categories: 'devtools.timeline,blink,cc', transferMode: 'ReportEvents' });
      }
      const change = changes[i % changes.length];
      const r = await page.evaluate(measureInPage, { change, seed: random() });
      if (r.error) throw new Error(`${caseName}/${view}: change "${change.kind}": ${r.error}`);
      if (i >= options.warmup) samples.push({ kind: change.kind, ...r });
    }
    let profile = null;
    let trace = null;
    if (options.profile) ({ profile } = await cdp.send('Profiler.stop'));
    if (options.trace) {
      await cdp.send('Tracing.end');
      await traceDone;
      trace = traceSelfTimes(traceEvents);
    }
    if (cdp) await cdp.detach();
    if (problems.length) throw new Error(`${caseName}/${view}: ${problems.join('; ')}`);
    return { samples, profile, trace };
  } finally {
    await page.close();
  }
}

const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : '–');

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`bench-page: ${e.message}`);
    process.exit(2);
  }
  const { server, url } = await startServer({ root: options.dist, port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  const rows = [];
  const started = performance.now();
  let floor = null;
  try {
    console.log(`# Page frame time: ${options.changes} changes per case × view after ${options.warmup} warm-up changes; `
      + `${os.cpus().length}× ${os.cpus()[0]?.model.trim()}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, `
      + `Chromium ${browser.version()} headless (software rendering), 1280×900, ${path.relative(root, options.dist) || options.dist}`);
    // The floor: what a change that does nothing measures here (the frame machinery and this benchmark's own calls).
    const calibration = await runOne(browser, url, options.cases[0], options.views[0], { ...options, profile: false, trace: false }, true);
    floor = stats(calibration.samples.map((x) => x.work));
    console.log(`  floor (an event nothing listens to, ${options.cases[0]} ${options.views[0]}): work median ${ms(floor.median)}, `
      + `p95 ${ms(floor.p95)} ms`);
    for (const caseName of options.cases) {
      for (const view of options.views) {
        const { samples, profile, trace } = await runOne(browser, url, caseName, view, options);
        const row = {
          case: caseName, label: CASES[caseName].label, view,
          raw: stats(samples.map((s) => s.raw)), work: stats(samples.map((s) => s.work)),
          handler: stats(samples.map((s) => s.handler)), render: stats(samples.map((s) => s.render)),
          all: stats(samples.map((s) => s.all)),
          longTasks: samples.filter((s) => s.longTask > 0).length,
          byKind: {},
          samples,
        };
        for (const s of samples) (row.byKind[s.kind] ||= []).push(s.work);
        for (const k of Object.keys(row.byKind)) row.byKind[k] = stats(row.byKind[k]);
        row.ok = row.work.p95 <= FRAME_MS;
        rows.push(row);
        const slow = Object.entries(row.byKind).sort((a, b) => b[1].p95 - a[1].p95).slice(0, 3)
          .map(([k, s]) => `${k} ${ms(s.p95)}`).join(', ');
        console.log(`  ${caseName} ${view}: work p95 ${ms(row.work.p95)} ms (slowest changes by p95: ${slow}); `
          + `with the panels below the view, which follow the frame: median ${ms(row.all.median)}, p95 ${ms(row.all.p95)} ms`);
        const names = [...new Set(samples.flatMap((s) => Object.keys(s.measures)))];
        if (names.length) {
          const means = names.map((name) => [name, samples.reduce((a, s) => a + (s.measures[name] || 0), 0) / samples.length])
            .sort((a, b) => b[1] - a[1]);
          console.log(`    performance.measure, mean ms per change: ${means.map(([n, t]) => `${n} ${t.toFixed(1)}`).join(', ')}`);
        }
        if (trace) {
          const per = (t) => (t / options.changes).toFixed(1);
          console.log(`    main thread per change (Chromium trace, includes the benchmark's own short waits): busy ${per(trace.busy)} ms, `
            + `CPU ${per(trace.cpu)} ms; self time by event, mean ms: ${trace.self.slice(0, 12).map(([name, t]) => `${name} ${per(t)}`).join(', ')}`);
        }
        if (profile) {
          const per = (t) => (t / options.changes).toFixed(2).padStart(7);
          console.log('    CDP sampling profiler, ms per change: self, total, function');
          for (const [name, t, all] of topFunctions(profile)) console.log(`      ${per(t)} ${per(all)}  ${name}`);
          console.log('    the page\'s own functions with the most total time, ms per change:');
          for (const [name, t] of topInclusive(profile)) console.log(`      ${per(t)}  ${name}`);
        }
      }
    }
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
  console.log('');
  console.log('| case | view | n | raw median | raw p95 | raw max | work median | work p95 | work max | handler p95 | render p95 | long tasks | p95 work ≤ 16.7 ms |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of rows) {
    console.log(`| ${r.label} | ${r.view} | ${r.work.n} | ${ms(r.raw.median)} | ${ms(r.raw.p95)} | ${ms(r.raw.max)} | ${ms(r.work.median)} | `
      + `**${ms(r.work.p95)}** | ${ms(r.work.max)} | ${ms(r.handler.p95)} | ${ms(r.render.p95)} | ${r.longTasks} | ${r.ok ? 'yes' : 'NO'} |`);
  }
  console.log(`\n(times in ms; ${((performance.now() - started) / 1000).toFixed(0)} s in all; a change that does nothing measures `
    + `work median ${ms(floor.median)}, p95 ${ms(floor.p95)})`);
  if (options.json) {
    await writeFile(options.json, `${JSON.stringify({ frameMs: FRAME_MS, floor, rows }, null, 2)}\n`);
  }
  if (options.strict && rows.some((r) => !r.ok)) process.exit(1);
}

await main();
