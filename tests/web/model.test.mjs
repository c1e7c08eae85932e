// web/model.js in Node with the real engine from dist/: what the page computes for a state, on its thread or in the
// worker (the request handler), and the gradient comparison of the Cᵀ-and-the-gradient question.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as S from '../../web/state.js';
import {
  configOf, checkShapes, validate, computeModel, artifactOf, agreementOf, gradientOf, sizeOf, computedInBackground, requestHandler,
} from '../../web/model.js';

const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
let engine;
const state = (query) => S.parse(query).state;
// PyTorch (1.13): conv_transpose2d(ones(1,1,4,4), arange(1,17).reshape(1,1,4,4), stride=2, padding=1), first row.
const CORNER_FIRST_ROW = [6, 12, 14, 12, 14, 12, 14, 7];

before(async () => {
  assert.ok(existsSync(path.join(dist, 'engine.js')), 'dist/engine.js is missing: run ./scripts/build first');
  engine = await (await import(path.join(dist, 'engine.js'))).createEngine();
});

test('configOf: PyTorch\'s weight layout, and groups that do not divide the channels named', () => {
  const cfg = configOf(state('?in=3x4&k=2&cin=4&cout=6&g=2&s=2'));
  assert.deepEqual(cfg.inputShape, [1, 4, 3, 4]);
  assert.deepEqual(cfg.weightShape, [4, 3, 2, 2]);
  assert.deepEqual(cfg.options.stride, [2, 2]);
  assert.throws(() => configOf(state('?cin=4&cout=3&g=2')), (e) => e.parameter === 'groups' && /must divide channels out 3/.test(e.message));
});

test('validate: sizes by the engine\'s rules, list lengths by the tensor, without computing anything', () => {
  const checked = validate(engine, state('?in=4&k=4&s=2&p=1'));
  assert.deepEqual([checked.params.Hout, checked.params.Wout], [8, 8]);
  assert.throws(() => validate(engine, state('?s=2&op=2')), (e) => e.parameter === 'output_padding');
  assert.throws(() => validate(engine, state('?in=2&x=1,2,3')), (e) => e.parameter === 'x' && /has 3 numbers but the tensor holds 4/.test(e.message));
  assert.doesNotThrow(() => checkShapes(engine, state('?in=2&x=1,2,3')), 'the shapes alone are fine');
});

test('computeModel and the artifacts: the corner question\'s numbers', () => {
  const m = computeModel(engine, state('?in=4&k=4&s=2&p=1&x=ones&w=arange'));
  assert.deepEqual(Array.from(m.output.data.slice(0, 8)), CORNER_FIRST_ROW);
  const sc = artifactOf(engine, m, 'scatter');
  assert.deepEqual(sc.window, { start: [1, 1], size: [8, 8], top: 1, left: 1, height: 8, width: 8 });
  const pd = artifactOf(engine, m, 'padded_direct');
  assert.deepEqual(pd.padded.shape, [1, 1, 11, 11]);
  const C = artifactOf(engine, m, 'matrix');
  assert.deepEqual([C.rows, C.cols], [16, 64]);
  assert.throws(() => artifactOf(engine, m, 'direct'), /unknown artifact direct/);
  assert.deepEqual(agreementOf(engine, m), { worst: 0, skipped: [] });
});

test('gradientOf: conv_transpose2d(g, w) is conv2d\'s input gradient; Cᵀ·y is not; a mismatched shape says so', () => {
  const m = computeModel(engine, state('?in=2&k=3&x=ones&w=arange'));
  const g = gradientOf(engine, m, true);
  assert.equal(g.gradDifference, 0);
  assert.ok(g.ctyDifference > 0, 'Cᵀ·y differs from the gradient');
  assert.deepEqual(g.grad.shape, [1, 1, 4, 4]);
  // output_padding at least the stride (allowed when the dilation is larger): conv2d maps the output elsewhere
  const over = computeModel(engine, state('?in=3&k=3&s=2&d=3&op=2'));
  assert.deepEqual(gradientOf(engine, over, false), { mismatch: [4, 4] });
});

test('where a configuration is computed: on the page\'s thread when small, in the worker when big', () => {
  const small = validate(engine, state('?in=32&k=5&s=2&p=2')).params;
  assert.equal(computedInBackground(small), false, 'the 32×32 k5 case draws within a frame on the page');
  const big = validate(engine, state('?in=1000&k=3&s=2')).params;
  assert.equal(computedInBackground(big), true);
  assert.ok(sizeOf(big).elements >= 2001 * 2001);
});

test('the worker\'s request handler answers for the model it computed last, and refuses an older one', () => {
  const handle = requestHandler(engine);
  const m = handle({ op: 'model', state: state('?in=4&k=4&s=2&p=1&x=ones&w=arange') });
  assert.deepEqual(Array.from(m.output.data.slice(0, 8)), CORNER_FIRST_ROW);
  assert.deepEqual(handle({ op: 'artifact', configKey: m.configKey, name: 'scatter' }).window, { start: [1, 1], size: [8, 8], top: 1, left: 1, height: 8, width: 8 });
  assert.equal(handle({ op: 'agreement', configKey: m.configKey }).worst, 0);
  assert.throws(() => handle({ op: 'artifact', configKey: 'another', name: 'scatter' }), /configuration changed/);
  assert.throws(() => handle({ op: 'bogus' }), /unknown request bogus/);
});
