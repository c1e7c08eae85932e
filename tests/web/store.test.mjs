// The store (web/store.js) and the page's derivations (web/derive.js) in Node, with the real engine from dist/:
// derivations are computed once per change of what they read, subscribers hear once per frame however many set()
// calls came, and each kind of edit calls the engine only for what it changed (counted through a wrapper of the
// engine, the way the page would call it).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStore } from '../../web/store.js';
import { derivations, normalize } from '../../web/derive.js';
import * as S from '../../web/state.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
let engine;

before(async () => {
  assert.ok(existsSync(path.join(dist, 'engine.js')), 'dist/engine.js is missing: run ./scripts/build first');
  ({ engine } = { engine: await (await import(path.join(dist, 'engine.js'))).createEngine() });
});

/** A store whose flushes run when the test says (one call of frame() is one animation frame). */
function manualStore(derive, state, rules = (next) => next) {
  const queue = [];
  const store = createStore({ state, derive, normalize: rules, schedule: (f) => queue.push(f) });
  const frame = () => { for (const f of queue.splice(0)) f(); };
  return { store, frame, queued: () => queue.length };
}

test('derived values are computed lazily, once per change of exactly what they read', () => {
  let sums = 0, doubles = 0;
  const { store } = manualStore({
    sum: (read) => { sums++; return read.state.a + read.state.b; },
    double: (read) => { doubles++; return 2 * read('sum'); },
  }, { a: 1, b: 2, c: 0 });
  assert.equal(sums, 0, 'nothing computed before anyone asks');
  assert.equal(store.get('double'), 6);
  assert.equal(store.get('double'), 6);
  assert.deepEqual([sums, doubles], [1, 1]);
  store.set({ c: 5 }); // read by neither
  assert.equal(store.get('double'), 6);
  assert.deepEqual([sums, doubles], [1, 1]);
  store.set({ a: 2, b: 1 }); // a new a and b, the same sum: double need not recompute
  assert.equal(store.get('double'), 6);
  assert.deepEqual([sums, doubles], [2, 1]);
  store.set({ a: [1, 2].length + 1 }); // equal values are not a change
  store.set({ a: 3 });
  assert.equal(store.get('double'), 8);
  assert.deepEqual([sums, doubles], [3, 2]);
  // an equal array or object is no change either (set keeps the old value)
  const { store: s2 } = manualStore({ n: (read) => read.state.p.length }, { p: [1, 2] });
  const before = s2.state.p;
  s2.set({ p: [1, 2] });
  assert.equal(s2.state.p, before);
});

test('subscribers and effects run once per frame, however many set() calls came before it', () => {
  const { store, frame, queued } = manualStore({ twice: (read) => 2 * read.state.a }, { a: 1, b: 0 });
  const seen = [];
  let effectRuns = 0;
  store.subscribe((st) => seen.push(st.a));
  store.effect((read) => { effectRuns++; read('twice'); });
  assert.equal(effectRuns, 1, 'an effect runs once when it is added');
  for (let i = 2; i <= 10; i++) store.set({ a: i });
  assert.equal(queued(), 1, 'one frame asked for');
  assert.deepEqual(seen, [], 'nothing drawn before the frame');
  frame();
  assert.deepEqual(seen, [10]);
  assert.equal(effectRuns, 2);
  store.set({ b: 1 }); // the effect did not read b: it is not run again
  frame();
  assert.equal(effectRuns, 2);
  assert.deepEqual(seen, [10, 10]);
});

test('an effect added with {later: true} runs after the frame, and settled() waits for it', async () => {
  const laters = [];
  const queue = [];
  const store = createStore({
    state: { a: 1 }, schedule: (f) => queue.push(f), later: (f) => laters.push(f),
  });
  const runs = { now: 0, later: 0 };
  store.effect((read) => { read.state.a; runs.now++; });
  store.effect((read) => { read.state.a; runs.later++; }, { later: true });
  assert.deepEqual(runs, { now: 1, later: 1 }, 'both run once when added');
  store.set({ a: 2 });
  let painted = false, settled = false;
  store.painted().then(() => { painted = true; });
  store.settled().then(() => { settled = true; });
  for (const f of queue.splice(0)) f(); // the frame
  await Promise.resolve();
  assert.deepEqual(runs, { now: 2, later: 1 }, 'the frame draws only the effects not marked later');
  assert.equal(painted, true);
  for (const f of laters.splice(0)) f(); // after the frame
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(runs, { now: 2, later: 2 });
  assert.equal(settled, true);
});

test('work done elsewhere is pending until it arrives, and its arrival is one more change', async () => {
  let resolve;
  const { store, frame } = manualStore({
    far: (read) => read.answer(`far ${read.state.a}`, () => new Promise((r) => { resolve = r; })),
  }, { a: 1 });
  assert.deepEqual(store.get('far'), { pending: true });
  let drawn = null;
  store.effect((read) => { drawn = read('far'); });
  await new Promise((r) => setTimeout(r, 0)); // the work starts after the read that asked for it
  resolve(42);
  await new Promise((r) => setTimeout(r, 0));
  frame();
  assert.deepEqual(drawn, { value: 42 });
  const settled = store.settled();
  await settled;
});

/** The engine, with every call counted by method name. */
function counting(e) {
  const counts = {};
  const wrapped = {};
  for (const [name, v] of Object.entries(e)) {
    wrapped[name] = typeof v !== 'function' ? v : (...args) => { counts[name] = (counts[name] || 0) + 1; return v.apply(e, args); };
  }
  return { engine: wrapped, counts, take: () => { const c = { ...counts }; for (const k of Object.keys(counts)) delete counts[k]; return c; } };
}

/** Everything the page's panels and the shown view read after a change (what app.js's effects ask for). */
function drawPage(store) {
  const view = store.state.view;
  for (const name of ['shown', 'errors', 'explanation', 'contributions', 'agreement', 'gradient', 'sizes', 'steps', 'link', `artifact ${view}`]) {
    store.get(name);
  }
}

test('each kind of edit calls the engine once per thing it changed: validation once, one explanation per pinned cell', () => {
  const c = counting(engine);
  const parsed = S.parse('?in=4&k=4&s=2&p=1&x=ones&w=arange&view=scatter&cell=0,1');
  const { store } = manualStore(derivations(c.engine, () => Promise.reject(new Error('no worker here'))),
    { ...parsed.state, fieldErrors: {}, messages: [], playing: false, speed: '1', scheme: 'light' }, normalize);
  drawPage(store);
  // Opening: validation, the output, the view's artifact, the explanation, the three other methods and the sub-pixel
  // phases (the agreement), the gradient.
  assert.deepEqual(c.take(), { geometry: 1, convTranspose: 1 + 3 + 1, scatter: 1, explain: 1, conv2dInputGrad: 1, conv2d: 1, subpixel: 1 });

  const edits = [
    ['stride edit', { s: [1, 1] }, { geometry: 1, convTranspose: 1 + 3 + 1, scatter: 1, explain: 1, conv2dInputGrad: 1, conv2d: 1, subpixel: 1 }],
    ['pin move', { cell: [1, 1] }, { explain: 1 }],
    ['the same pin again', { cell: [1, 1] }, {}],
    ['another output channel shown, same numbers', { co: 0 }, {}],
    ['value change: numbers change, sizes do not', { x: { kind: 'arange' } }, { convTranspose: 1 + 3 + 1, scatter: 1, explain: 1, conv2dInputGrad: 1, conv2d: 1, subpixel: 1 }],
    ['view switch to the matrix', { view: 'matrix' }, { matrix: 1 }],
    ['C / Cᵀ toggle', { transposed: false }, {}],
    ['value change in the matrix view: C depends on the shapes only', { w: { kind: 'ones' } }, { convTranspose: 1 + 3 + 1, explain: 1, conv2dInputGrad: 1, conv2d: 1, subpixel: 1 }],
    ['view switch back to scatter', { view: 'scatter' }, { scatter: 1 }],
    ['overlap heat map', { overlap: true }, {}],
    ['a step of the step-through', { step: 3 }, {}],
    ['an invalid edit: validation only', { op: [3, 3] }, { geometry: 1 }],
    ['back to valid', { op: [0, 0] }, { geometry: 1, convTranspose: 1 + 3 + 1, scatter: 1, explain: 1, conv2dInputGrad: 1, conv2d: 1, subpixel: 1 }],
  ];
  const full = { geometry: 1, convTranspose: 1 + 3 + 1, scatter: 1, explain: 1, conv2dInputGrad: 1, conv2d: 1, subpixel: 1 };
  // With a bias the gradient comparison computes the output once more without it (a gradient has no bias).
  const withBias = { ...full, convTranspose: 1 + 3 + 2 };
  // Where the forward convolution cannot pair with the layer (per-side crops, 3-D), the gradient comparison calls nothing.
  const noGradient = (counts, convTranspose) => {
    const { conv2dInputGrad, conv2d, ...rest } = counts;
    void conv2dInputGrad; void conv2d;
    return { ...rest, convTranspose };
  };
  edits.push(
    ['a bias (and stride 2 again)', { b: { kind: 'ones' }, s: [2, 2] }, withBias],
    ['another bias value: no validation of the sizes again', { b: { kind: 'arange' } }, { convTranspose: 1 + 3 + 2, scatter: 1, explain: 1, conv2dInputGrad: 1, conv2d: 1, subpixel: 1 }],
    ['output_size: the engine picks output_padding; a new configuration', { os: [9, 9] }, withBias],
    ['an output_size that no output_padding reaches: validation only', { os: [11, 9] }, { geometry: 1 }],
    ['per-side padding', { os: null, p: [[0, 2], [1, 1]] }, noGradient(withBias, 1 + 3)],
    ["'same', which crops 1 at both ends here: the gradient pairs again", { p: 'same' }, withBias],
    ['1-D: every per-axis parameter follows', { dims: 1, p: [1], b: null }, full],
    ['a pin move in 1-D', { cell: [0, 3] }, { explain: 1 }],
    ['3-D', { dims: 3 }, noGradient(full, 1 + 3)],
    ['another output depth shown in 3-D: one explanation', { dz: 1 }, { explain: 1 }],
    ['the pin in 3-D', { cell: [1, 1] }, { explain: 1 }],
  );
  for (const [what, partial, expected] of edits) {
    store.set(partial);
    drawPage(store);
    drawPage(store); // drawing twice asks for nothing new
    assert.deepEqual(c.take(), expected, what);
  }
});

test('a new configuration starts the step-through over; a link\'s step stays; lists follow size changes', () => {
  const { store } = manualStore({}, { ...S.defaults(), step: 5, playing: true }, normalize);
  assert.equal(store.state.step, 5, 'the step from the link is kept');
  store.set({ s: [2, 2] });
  assert.deepEqual([store.state.step, store.state.playing], [null, false]);
  store.set({ step: 2 });
  store.set({ view: 'matrix' });
  assert.equal(store.state.step, null);
  store.set({ in: [4, 4], k: [3, 3], cell: [7, 7], cin: 2, ci: 1 }); // stride 2: a 9×9 output
  store.set({ in: [2, 2] }); // a 5×5 output: the pin moves to its last cell
  assert.deepEqual(store.state.cell, [4, 4]);
  store.set({ cin: 1 });
  assert.equal(store.state.ci, 0, 'the shown input channel stays a channel');
  store.set({ views: ['scatter'] });
  assert.equal(store.state.view, 'scatter', 'a view outside views= falls back to the first allowed');
  store.set({ in: [2, 2], x: { kind: 'list', values: [1, 2, 3, 4] } });
  store.set({ in: [3, 2] });
  assert.deepEqual(store.state.x.values, [1, 2, 3, 4, 0, 0], 'values keep their places; new places are 0');
  // A new rank brings every per-axis parameter along: the width is the 1-D length, the 3-D depth copies the height.
  store.set({ s: [2, 1], p: [[0, 2], [1, 0]], cell: [1, 2] });
  store.set({ dims: 1 });
  assert.deepEqual([store.state.in, store.state.k, store.state.s, store.state.p, store.state.cell], [[2], [3], [1], [[1, 0]], [0, 2]]);
  assert.deepEqual(store.state.x.values, [1, 2], 'a list keeps the values along the axis that stays (row 0 of the 3×2 input)');
  store.set({ dims: 3, in: [2], os: [4] });
  assert.deepEqual([store.state.in, store.state.os, store.state.p], [[2, 2, 2], [4, 4, 4], [[1, 0], [1, 0], [1, 0]]]);
  assert.equal(store.state.x.values.length, 8);
  store.set({ dz: 7 });
  assert.equal(store.state.dz, 3, 'the shown depth stays inside the output (output_size 4)');
  store.set({ dims: 2 });
  assert.equal(store.state.dz, 0, 'no depth below 3-D');
  store.set({ cout: 2, b: { kind: 'list', values: [5, 6] } });
  store.set({ cout: 3 });
  assert.deepEqual(store.state.b.values, [5, 6, 0], 'a bias list follows the output channels');
});
