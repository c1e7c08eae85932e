// The lessons as data (web/lessons/), in Node with the real engine from dist/: every lesson has 4 to 8 steps whose
// states are valid, whose spotlight and curtains name parts of the page, and whose texts and answers come out of
// the engine's numbers for that state (web/derive.js's 'lesson page'); links to a step, the rules that apply a step's
// state, the answer judge, and how often the engine is asked.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStore } from '../../web/store.js';
import { derivations, normalize, lessonLink, lessonStepState, lessonStepText, CONFIG_KEYS } from '../../web/derive.js';
import { LESSONS, LESSON_IDS, lessonById, judge, readNumber } from '../../web/lessons/index.js';
import * as S from '../../web/state.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
let engine;
let SPOTS, CURTAINS;

before(async () => {
  assert.ok(existsSync(path.join(dist, 'engine.js')), 'dist/engine.js is missing: run ./scripts/build first');
  engine = await (await import(path.join(dist, 'engine.js'))).createEngine();
  // The panel's names of the page's parts (its module touches the DOM only when it draws).
  ({ SPOTS, CURTAINS } = await import('../../web/panels/lesson.js'));
});

/** A store as the page makes it, for a link (flushes run when the test says). */
function pageStore(search, e = engine) {
  const linked = lessonLink(search);
  const parsed = S.parse(linked.search);
  const queue = [];
  const store = createStore({
    state: { ...parsed.state, messages: [], fieldErrors: {}, playing: false, speed: '1', scheme: 'light', lessonTries: {} },
    derive: derivations(e, () => Promise.reject(new Error('no worker here'))),
    normalize,
    schedule: (f) => queue.push(f),
  });
  return { store, messages: [...linked.messages, ...parsed.messages] };
}

test('every lesson: an id, a question, 4 to 8 steps, each with a valid state, a spotlight, curtains and one question', () => {
  assert.deepEqual(LESSON_IDS, ['corner', 'gradient', 'sizes', 'same', 'checkerboard']);
  for (const lesson of LESSONS) {
    assert.match(lesson.id, /^[a-z][a-z0-9-]*$/);
    for (const key of ['short', 'title', 'caption']) assert.ok(lesson[key] && typeof lesson[key] === 'string', `${lesson.id}.${key}`);
    assert.ok(lesson.steps.length >= 4 && lesson.steps.length <= 8, `${lesson.id} has ${lesson.steps.length} steps`);
    lesson.steps.forEach((step, i) => {
      const where = `${lesson.id} step ${i + 1}`;
      const st = lessonStepState(lesson, i + 1);
      assert.doesNotThrow(() => engine.outputShape([1, st.cin, ...st.in], [st.cin, st.cout / st.g, ...st.k],
        { stride: st.s, padding: st.p, outputPadding: st.op, dilation: st.d, groups: st.g }), where);
      assert.ok(['number', 'cell'].includes(step.ask.kind), where);
      assert.equal(typeof step.ask.prompt, 'function', `${where}: the prompt`);
      assert.equal(typeof step.ask.reveal, 'function', `${where}: the explanation`);
      assert.equal(typeof step.ask.hint, 'function', `${where}: the hint`);
      assert.equal(typeof (step.ask.kind === 'number' ? step.ask.answer : step.ask.cells), 'function', `${where}: the answer comes from the numbers`);
      assert.ok(step.spotlight in SPOTS, `${where}: spotlight ${step.spotlight}`);
      for (const c of step.curtain || []) assert.ok(c in CURTAINS, `${where}: curtain ${c}`);
    });
  }
});

test('the TensorFlow \'same\' lesson crops as Keras does: its per-side padding is Keras\' padding=\'same\' of its layer', async () => {
  const { kerasPadding } = await import('../../web/lessons/same.js');
  const lesson = lessonById('same');
  const steps = lesson.steps.map((_, i) => lessonStepText(lesson, i + 1));
  const cropped = steps.filter((t) => /,/.test(t.p));
  assert.ok(cropped.length >= 3, 'the crop is shown in several steps');
  for (const t of cropped) {
    const st = S.parse(`?${new URLSearchParams(t)}`).state;
    const P = { inSize: st.in, kSize: st.k, stride: st.s, dilation: st.d, outputPadding: st.op };
    assert.equal(t.p, kerasPadding({ P }), JSON.stringify(t));
  }
  // and the PyTorch and ONNX steps are what they say: no crop, and auto_pad SAME_UPPER
  assert.deepEqual(steps.filter((t) => !/,/.test(t.p)).map((t) => t.p), ['0', '0', 'same']);
});

test('every step\'s texts and answer are written from the engine\'s numbers, with no error', () => {
  for (const lesson of LESSONS) {
    for (let n = 1; n <= lesson.steps.length; n++) {
      const { store } = pageStore(`?lesson=${lesson.id}&lstep=${n}`);
      const page = store.get('lesson page');
      const where = `${lesson.id} step ${n}`;
      assert.equal(page.error, undefined, `${where}: ${page.error}`);
      assert.equal(page.changed, false, `${where}: the page shows the step's own setup`);
      assert.ok(page.say && page.prompt, where);
      if (page.kind === 'number') assert.ok(Number.isFinite(page.expected), `${where}: ${page.expected}`);
      else assert.ok(Array.isArray(page.expected) && page.expected.length > 0, `${where}: some cell is right`);
      const flat = JSON.stringify([page.say, page.prompt]);
      assert.doesNotMatch(flat, /undefined|NaN|\[object/, `${where}: ${flat}`);
    }
  }
});

test('answers are judged against the engine\'s numbers; a wrong one gets a hint, a right one the explanation', () => {
  const { store } = pageStore('?lesson=corner');
  let page = store.get('lesson page');
  // PyTorch: conv_transpose2d(ones(4, 4), arange(1, 17), stride 2, padding 1)[0, 1] = 12
  assert.equal(page.expected, 12);
  store.set({ lessonTries: { 'corner:1': { attempts: ['10'], shown: false } } });
  page = store.get('lesson page');
  assert.equal(page.right, false);
  assert.equal(page.reveal, null, 'nothing is revealed after a wrong answer');
  assert.match(page.hint, /already put 7 there \(x\[0,0\]·w\[1,2\]\)/, 'the hint uses the actual partial sum');
  store.set({ lessonTries: { 'corner:1': { attempts: ['10', ' 12 '], shown: false } } });
  page = store.get('lesson page');
  assert.equal(page.right, true);
  assert.match(JSON.stringify(page.reveal), /y\[0,1\] = x\[0,1\]·w\[1,0\] \+ x\[0,0\]·w\[1,2\] = 1·5 \+ 1·7 = 5 \+ 7 = 12/);
  assert.deepEqual(page.curtain, []);
  assert.deepEqual(page.then, { step: 2, cell: [0, 1] }, 'answering draws the next stamp and pins the cell');
  // what answering sets is the step's own doing, not an edit of the setup
  const sizes = pageStore('?lesson=sizes&lstep=2').store;
  sizes.set({ lessonTries: { 'sizes:2': { attempts: ['1'], shown: false } }, ...sizes.get('lesson page').then });
  assert.deepEqual(sizes.state.op, [1, 1]);
  assert.equal(sizes.get('lesson page').changed, false);

  assert.deepEqual(judge('number', -3, '−3'), { right: true, unreadable: false });
  assert.deepEqual(judge('number', 0.1, '0,1'), { right: true, unreadable: false }, 'a decimal comma reads as a point');
  assert.deepEqual(judge('number', 12, 'twelve'), { right: false, unreadable: true });
  assert.deepEqual(judge('number', 12, '0x0c'), { right: false, unreadable: true });
  assert.deepEqual(judge('cell', [[0, 1], [1, 0]], [1, 0]), { right: true, unreadable: false });
  assert.deepEqual(judge('cell', [[0, 1]], null), { right: false, unreadable: true });
  assert.ok(Number.isNaN(readNumber('')));
});

test('a lesson link brings its step\'s parameters; what the link says itself wins; a step beyond the last is the last', () => {
  const corner = lessonById('corner');
  let r = lessonLink('?lesson=corner&lstep=3');
  assert.deepEqual(Object.fromEntries(new URLSearchParams(r.search)), { lesson: 'corner', lstep: '3', ...lessonStepText(corner, 3) });
  r = lessonLink('?lesson=corner&s=3');
  assert.equal(new URLSearchParams(r.search).get('s'), '3');
  r = lessonLink('?lesson=corner&lstep=99');
  assert.equal(new URLSearchParams(r.search).get('lstep'), String(corner.steps.length));
  assert.match(r.messages[0], /lesson step 99 is beyond the 5 steps/);
  assert.deepEqual(lessonLink('?in=4&k=3'), { search: '?in=4&k=3', messages: [] }, 'no lesson, no change');
  assert.match(S.parse('?lesson=nope').messages[0], /lesson is "nope" but must be one of corner, gradient, sizes, same, checkerboard/);
  assert.match(S.parse('?lstep=0').messages[0], /lesson step is "0" but must be a whole number from 1/);
  assert.equal(S.serialize({ ...S.defaults(), lesson: 'sizes', lstep: 1 }).includes('lstep'), false, 'step 1 is omitted');
});

test('moving to another step sets its whole state; closing the lesson keeps the setup; a pin move asks the lesson nothing', () => {
  const counting = {};
  const e = Object.fromEntries(Object.entries(engine).map(([k, v]) => [k, typeof v === 'function'
    ? (...a) => { counting[k] = (counting[k] || 0) + 1; return v.apply(engine, a); } : v]));
  const { store } = pageStore('?lesson=sizes', e);
  store.get('lesson page');
  store.set({ lesson: 'sizes', lstep: 3 });
  assert.deepEqual(store.state.op, [1, 1], 'step 3 has output_padding 1');
  assert.equal(store.get('lesson page').step, 3);
  for (const k of CONFIG_KEYS) assert.deepEqual(store.state[k], lessonStepState(lessonById('sizes'), 3)[k], k);
  store.set({ lstep: 5 });
  assert.deepEqual(store.state.k, [4, 4]);
  store.get('lesson page');
  const before = store.counts()['lesson page'];
  for (const k of Object.keys(counting)) delete counting[k];
  store.set({ cell: [1, 1] });
  store.get('lesson page');
  store.get('explanation');
  assert.equal(store.counts()['lesson page'], before, 'the lesson does not read the pin');
  assert.deepEqual(counting, { explain: 1 });
  store.set({ s: [3, 3] });
  assert.equal(store.get('lesson page').changed, true, 'an edit of the setup is noticed');
  store.set({ lesson: null });
  assert.equal(store.state.lstep, 1);
  assert.deepEqual(store.state.s, [3, 3], 'closing keeps what is on the page');
  assert.equal(store.get('lesson page'), null);
  store.set({ lstep: 4 });
  assert.equal(store.state.lstep, 1, 'no lesson, no step');
});
