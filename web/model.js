// What the page computes for a state, as pure functions of an engine (web/engine.js). The page runs them on its own
// thread for small configurations and in web/worker.js for big ones, so both paths give the same numbers and the
// same messages. Nothing here touches the DOM.
import * as S from './state.js';
import { convOutputSize, weightShapeOf, inputShapeOf } from './sizes.js';

/** The state keys that change the numbers (the configuration). */
export const CONFIG_KEYS = ['dims', 'in', 'k', 's', 'p', 'op', 'os', 'd', 'cin', 'cout', 'g', 'x', 'w', 'b'];

/**
 * Above this many multiply-adds (or elements in any tensor the page draws) a configuration is computed in the worker:
 * the page must never block for more than about 100 ms, and the readable methods, value generation and checks of a
 * 2048×2048 input took seconds on the page's thread. Below it, everything fits in one frame and runs at once.
 */
export const BACKGROUND_WORK = 1 << 18;
export const BACKGROUND_ELEMENTS = 1 << 16;

/** Beyond this many multiply-adds of one readable method, the agreement check leaves that method out. */
export const AGREEMENT_WORK = 1 << 25;

/** An Error shaped like the engine's, for the checks the page makes before calling it. */
export function configError(parameter, message) {
  const e = new Error(message);
  e.parameter = parameter;
  e.axis = '';
  return e;
}

/** Per-axis names by rank: the engine's, so a 1-D layer never hears about height or width. */
export const axisNamesOf = (rank) => (rank === 1 ? ['length'] : rank === 3 ? ['depth', 'height', 'width'] : ['height', 'width']);

/**
 * State -> shapes and options for the engine (any rank). Batch is always 1 on the page. output_padding goes to the
 * engine only where it says something: with output_size the engine picks it, unless the state gives a nonzero one
 * (which must then agree with output_size: the engine's rule and message). The bias is the model's (its values).
 */
export function configOf(st) {
  const options = { stride: st.s, padding: st.p, dilation: st.d, groups: st.g };
  if (!st.os || st.op.some((v) => v !== 0)) options.outputPadding = st.op;
  if (st.os) options.outputSize = st.os;
  if (st.cout % st.g !== 0) throw configError('groups', `groups is ${st.g} but must divide channels out ${st.cout}`);
  if (st.cin % st.g !== 0) throw configError('groups', `groups is ${st.g} but must divide channels in ${st.cin}`);
  return { inputShape: inputShapeOf(st), weightShape: weightShapeOf(st), options };
}

/** The key of everything that changes the numbers (not the view, the pinned cell or the channel pickers). */
export const configKeyOf = (st) => JSON.stringify([st.dims, st.in, st.k, st.s, st.p, st.op, st.os, st.d, st.cin, st.cout, st.g, st.x, st.w, st.b]);

const prod = (a) => a.reduce((x, y) => x * y, 1);

/**
 * The sizes every view and panel uses, from the engine's resolved geometry: per axis (rank r) inSize, kSize, stride,
 * dilation, outputPadding (the one in force: output_size picks it), before, after (the crop; after < 0 extends),
 * full, outSize; and the drawn plane, the last two axes (1-D: one row along the length), as 2-entry arrays and sizes:
 * H, W, kH, kW, Hout, Wout, s, d, op, pb, pa (crop before, after), full2. 3-D adds the depth axis: D, kD, Dout, sD,
 * dD, pbD, fullD. Channels: Cin, Cout, g, Cig, Cog. mode: 'symmetric' | 'per-side' | 'same' | 'same_lower' | 'valid'.
 * bias: whether the model has one (computeModel sets it: the sizes do not depend on the bias's values).
 */
export function paramsOf(st, geo) {
  const r = geo.rank;
  const [, Cout, ...outSize] = geo.shape;
  const before = geo.padding.before.slice(), after = geo.padding.after.slice();
  const axes = {
    inSize: st.in.slice(), kSize: st.k.slice(), stride: st.s.slice(), dilation: st.d.slice(),
    outputPadding: geo.outputPadding.slice(), before, after, full: geo.full.slice(), outSize,
  };
  // The plane's two axes in the rank's axes (null: the unit row of a 1-D layer).
  const plane = r === 1 ? [null, 0] : [r - 2, r - 1];
  const of = (list, unit) => plane.map((a) => (a === null ? unit : list[a]));
  const mode = typeof st.p === 'string' ? st.p : st.p.some(Array.isArray) ? 'per-side' : 'symmetric';
  const [H, W] = of(axes.inSize, 1), [kH, kW] = of(axes.kSize, 1), [Hout, Wout] = of(outSize, 1);
  return {
    rank: r, names: axisNamesOf(r), mode, outputSize: st.os ? st.os.slice() : null, bias: false, ...axes,
    H, W, kH, kW, Hout, Wout,
    s: of(axes.stride, 1), d: of(axes.dilation, 1), op: of(axes.outputPadding, 0), pb: of(before, 0), pa: of(after, 0),
    full2: of(axes.full, 1),
    D: r === 3 ? axes.inSize[0] : 1, kD: r === 3 ? axes.kSize[0] : 1, Dout: r === 3 ? outSize[0] : 1,
    sD: r === 3 ? axes.stride[0] : 1, dD: r === 3 ? axes.dilation[0] : 1, pbD: r === 3 ? before[0] : 0,
    fullD: r === 3 ? axes.full[0] : 1,
    g: st.g, Cin: st.cin, Cout, Cig: st.cin / st.g, Cog: Cout / st.g,
  };
}

/**
 * Checks the sizes and options of a state with the engine's own rules (engine.outputShape, no allocation):
 * {cfg, params}, or throws an engine-style Error (.parameter, .axis). Values are not looked at, so a new input or
 * kernel value never asks the engine again.
 */
export function checkShapes(engine, st) {
  const cfg = configOf(st);
  const geo = engine.geometry(cfg.inputShape, cfg.weightShape, cfg.options);
  return { cfg, params: paramsOf(st, geo) };
}

/** Throws when a value list does not fit its tensor (the message says how many numbers it needs). */
export function checkValues(st, cfg) {
  const count = (shape) => shape.reduce((a, b) => a * b);
  const tensors = [['x', cfg.inputShape, 'Input values'], ['w', cfg.weightShape, 'Kernel values']];
  if (st.b) tensors.push(['b', [st.cout], 'Bias values']);
  for (const [key, shape, name] of tensors) {
    const spec = st[key];
    if (spec.kind === 'list' && spec.values.length !== count(shape)) {
      throw configError(key, S.materialize(spec, count(shape), name).message);
    }
  }
}

/**
 * Validates a state without computing anything big: {cfg, params, configKey}, or throws an engine-style Error
 * (.parameter, .axis). Cheap for every size, so the page can answer a bad edit at once even when the numbers are
 * computed in the background.
 */
export function validate(engine, st) {
  const { cfg, params } = checkShapes(engine, st);
  checkValues(st, cfg);
  return { cfg, params, configKey: configKeyOf(st) };
}

/** Multiply-adds of the fast method and the largest tensor the page draws, for choosing where to compute. */
export function sizeOf(params) {
  const P = params;
  const inputs = P.Cin * prod(P.inSize), outputs = P.Cout * prod(P.outSize);
  const canvas = P.Cout * prod(P.full.map((f, a) => f + Math.max(0, -P.after[a])));
  return {
    work: Math.max(inputs, outputs) * Math.max(P.Cog, P.Cig) * prod(P.kSize),
    elements: Math.max(inputs, outputs, canvas, P.Cin * P.Cog * prod(P.kSize)),
  };
}

/** True when a validated configuration is computed in the worker. */
export function computedInBackground(params) {
  const { work, elements } = sizeOf(params);
  return work > BACKGROUND_WORK || elements > BACKGROUND_ELEMENTS;
}

/**
 * Everything the page shows for a state: the validated config plus input, weight and output ({shape, data}).
 * Throws an engine-style Error when the state is invalid. `checked` is validate(engine, st), if the caller has it.
 */
export function computeModel(engine, st, checked = validate(engine, st)) {
  const { cfg, params, configKey } = checked;
  const xv = S.materialize(st.x, prod(cfg.inputShape), 'Input values');
  if (xv.message) throw configError('x', xv.message);
  const wv = S.materialize(st.w, prod(cfg.weightShape), 'Kernel values');
  if (wv.message) throw configError('w', wv.message);
  let bias = null;
  if (st.b) {
    const bv = S.materialize(st.b, params.Cout, 'Bias values');
    if (bv.message) throw configError('b', bv.message);
    bias = { shape: [params.Cout], data: Float32Array.from(bv.values) };
  }
  const input = { shape: cfg.inputShape, data: Float32Array.from(xv.values) };
  const weight = { shape: cfg.weightShape, data: Float32Array.from(wv.values) };
  const output = engine.convTranspose(input, weight, { ...optionsOf(cfg, bias), method: 'fast' });
  return { cfg, params: bias ? { ...params, bias: true } : params, configKey, input, weight, bias, output };
}

/** The engine options of a model: the configuration's, with the bias when there is one. */
const optionsOf = (cfg, bias) => (bias ? { ...cfg.options, bias: bias.data } : cfg.options);
/** The options of a model m (what every artifact and the explanation are computed with). */
export const modelOptions = (m) => optionsOf(m.cfg, m.bias);

/**
 * The artifact a view draws, named as the view: 'matrix' (C), 'scatter' (the uncropped canvas), 'padded_direct',
 * 'subpixel' (the phases, each a small stride-1 convolution).
 */
export function artifactOf(engine, m, name) {
  if (name === 'matrix') return engine.matrix(m.cfg.inputShape, m.cfg.weightShape, m.cfg.options);
  if (name === 'scatter') return engine.scatter(m.input, m.weight, modelOptions(m));
  if (name === 'padded_direct') return engine.paddedDirect(m.input, m.weight, modelOptions(m));
  if (name === 'subpixel') return engine.subpixel(m.input, m.weight, modelOptions(m));
  throw new Error(`unknown artifact ${name}`);
}

const maxDifference = (a, b) => {
  let d = 0;
  for (let q = 0; q < a.length; q++) d = Math.max(d, Math.abs(a[q] - b[q]));
  return d;
};

/**
 * The sub-pixel phases put back together: phase t of every axis goes to output first + t·stride (any rank).
 * sub: engine.subpixel's result; shape: the output's shape [N, Cout, spatial...]. Cells no phase owns stay 0 (there
 * are none: the phases cover the output). Each phase's output already holds the bias, when the layer has one.
 */
export function interleave(sub, shape) {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const rank = shape.length - 2;
  const outStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  for (const ph of sub.phases) {
    const ps = ph.output.shape;
    const data = ph.output.data;
    const at = new Array(ps.length).fill(0); // the phase's own index, row-major
    for (let q = 0; q < data.length; q++) {
      let o = at[0] * outStrides[0] + at[1] * outStrides[1];
      for (let a = 0; a < rank; a++) o += (ph.first[a] + at[2 + a] * sub.stride[a]) * outStrides[2 + a];
      out[o] = data[q];
      for (let i = ps.length - 1; i >= 0; i--) {
        if (++at[i] < ps[i]) break;
        at[i] = 0;
      }
    }
  }
  return out;
}

/**
 * Runs the three readable methods and compares each with the fast output: {worst, skipped: [text]}. A method whose
 * work exceeds AGREEMENT_WORK is skipped with a reason (the direct one at the engine's cap took seconds). The
 * sub-pixel phases, interleaved, are compared too (they are the fast method's own plan, drawn by the sub-pixel view).
 */
export function agreementOf(engine, m) {
  const P = m.params;
  const taps = prod(P.kSize);
  const stamps = P.Cin * prod(P.inSize) * P.Cog * taps;
  const direct = P.Cout * prod(P.outSize.map((n, a) => n + P.dilation[a] * (P.kSize[a] - 1))) + P.Cout * prod(P.outSize) * P.Cig * taps;
  const work = { matrix: stamps, scatter: stamps, direct, padded_direct: direct };
  const skipped = [];
  let worst = 0;
  // The engine's readable methods, by its own names (the padded direct one is 'direct' or 'padded_direct').
  for (const method of engine.methods.filter((name) => name !== 'fast')) {
    if (work[method] > AGREEMENT_WORK) {
      skipped.push(`${method} skipped here (${work[method].toLocaleString('en-US')} multiply-adds would take too long)`);
      continue;
    }
    try {
      const y = engine.convTranspose(m.input, m.weight, { ...modelOptions(m), method });
      worst = Math.max(worst, maxDifference(y.data, m.output.data));
    } catch (e) {
      skipped.push(`${method} skipped (${e.message})`);
    }
  }
  try {
    worst = Math.max(worst, maxDifference(interleave(engine.subpixel(m.input, m.weight, modelOptions(m)), m.output.shape), m.output.data));
  } catch (e) {
    skipped.push(`sub-pixel phases skipped (${e.message})`);
  }
  return { worst, skipped };
}

/**
 * The gradient comparison (the Cᵀ-and-the-gradient question): conv_transpose(g, w) against the forward convolution's
 * input gradient, and Cᵀ·y for y = conv(arange z, w), which is not a gradient. The engine's forward convolution is
 * 2-D with the same padding on both sides, so this runs for 2-D layers and for 1-D ones as a 2-D layer one row high,
 * whenever the resolved crop is the same at both ends of every axis. Returns {unavailable: reason} otherwise,
 * {mismatch: sizes} when the forward convolution does not map the output shape back to the input shape, {error}
 * when it cannot run, else {gradDifference, ctyDifference, bias (the bias is left out: a gradient has none)} and,
 * when withTensors, the tensors {grad, ctY, y, z} in the layer's own shape for drawing (z: the forward input 1, 2, 3, …;
 * y: the forward output, which Cᵀ·y multiplies).
 */
export function gradientOf(engine, m, withTensors) {
  const P = m.params;
  if (P.rank === 3) return { unavailable: 'the engine\'s forward convolution is 2-D (and 1-D through it), so this comparison is shown for 1-D and 2-D layers' };
  const uneven = P.before.findIndex((b, a) => b !== P.after[a]);
  if (uneven >= 0) {
    return { unavailable: `the forward convolution's padding is the same on both sides of an axis, and here the crop is ${P.before[uneven]} at the start and ${P.after[uneven]} at the end of the ${P.names[uneven]}` };
  }
  // A 1-D layer as a 2-D one of height 1: the same numbers, through the engine's 2-D forward convolution.
  const lift = (list, unit) => (P.rank === 1 ? [unit, ...list] : list);
  const as2d = (t) => ({ shape: P.rank === 1 ? [t.shape[0], t.shape[1], 1, t.shape[2]] : t.shape, data: t.data });
  const back = (t, shape) => ({ shape, data: t.data });
  const convOpts = { stride: lift(P.stride, 1), padding: lift(P.before, 0), dilation: lift(P.dilation, 1), groups: P.g };
  // conv2d's weight [C_out, C_in/groups, kH, kW] is exactly this page's weight [C_in, C_out/groups, kH, kW]:
  // the forward conv2d goes from the transposed conv's output space back to its input space.
  const outShape = [1, P.Cout, ...P.outSize];
  const zShape = as2d({ shape: outShape }).shape;
  const zCount = prod(zShape);
  // conv2d's output size for this output, by the same formula the engine uses (no call needed to find it out).
  const mapped = P.outSize.map((n, a) => convOutputSize(n, P.kSize[a], P.stride[a], P.before[a], P.dilation[a]));
  if (mapped.some((n, a) => n !== P.inSize[a])) return { mismatch: mapped };
  try {
    const w2 = as2d(m.weight);
    const grad = engine.conv2dInputGrad(zShape, w2, as2d(m.input), convOpts);
    const plain = m.bias ? engine.convTranspose(m.input, m.weight, m.cfg.options) : m.output;
    const z = { shape: zShape, data: new Float32Array(zCount) };
    for (let i = 0; i < zCount; i++) z.data[i] = i + 1;
    const y = engine.conv2d(z, w2, convOpts);
    const ctY = engine.convTranspose(back(y, [1, P.Cin, ...P.inSize]), m.weight, m.cfg.options);
    return {
      gradDifference: maxDifference(grad.data, plain.data),
      ctyDifference: maxDifference(ctY.data, grad.data),
      bias: Boolean(m.bias),
      ...(withTensors ? { grad: back(grad, outShape), ctY, plain, y: back(y, [1, P.Cin, ...P.inSize]), z: back(z, outShape) } : {}),
    };
  } catch (e) {
    // conv2d's input is this page's output, so "input" in the engine's message means the output here.
    if (e.parameter === 'input') {
      return { error: `conv2d would take this ${P.outSize.join('×')} output as its input, and the engine refuses that: ${e.message}` };
    }
    return { error: e.message };
  }
}

/**
 * The padded direct view's "unturned kernel" contrast (the question why conv2d with padding k−1 is not the transposed
 * convolution): the zero-inserted, padded input pd.padded through PyTorch's conv2d (a cross-correlation, no flip)
 * with the weight's first two axes swapped but not rotated, against the same with the rotated kernel, which is the
 * transposed convolution without its bias. 1-D runs as 2-D one row high; 3-D is not offered (the engine's forward
 * convolution is 2-D). Returns {unavailable} or {wrong, right, difference, worst}, tensors in the output's shape.
 */
export function unturnedOf(engine, m, pd = engine.paddedDirect(m.input, m.weight, modelOptions(m))) {
  const P = m.params;
  if (P.rank === 3) return { unavailable: 'the engine\'s forward convolution is 2-D (and 1-D through it), so this contrast is shown for 1-D and 2-D layers' };
  const as2d = (t) => (P.rank === 1 ? { shape: [t.shape[0], t.shape[1], 1, t.shape[2]], data: t.data } : t);
  const rotated = as2d(pd.rotatedKernel);
  const [, , kH, kW] = rotated.shape;
  // The rotated kernel turned back: w as stored, in conv2d's layout [C_out, C_in/groups, kH, kW].
  const unturned = new Float32Array(rotated.data.length);
  for (let q = 0; q < unturned.length; q += kH * kW) {
    for (let t = 0; t < kH * kW; t++) unturned[q + t] = rotated.data[q + kH * kW - 1 - t];
  }
  const opts = { stride: [1, 1], padding: [0, 0], dilation: P.rank === 1 ? [1, P.dilation[0]] : P.dilation, groups: P.g };
  const x = as2d(pd.padded);
  const right = engine.conv2d(x, rotated, opts);
  const wrong = engine.conv2d(x, { shape: rotated.shape, data: unturned }, opts);
  const difference = new Float32Array(wrong.data.length);
  let worst = 0;
  for (let q = 0; q < difference.length; q++) {
    difference[q] = wrong.data[q] - right.data[q];
    worst = Math.max(worst, Math.abs(difference[q]));
  }
  const shape = m.output.shape;
  return { wrong: { shape, data: wrong.data }, right: { shape, data: right.data }, difference: { shape, data: difference }, worst };
}

/**
 * Answers the page's background requests with one engine, keeping the model it computed last (a view's artifact and
 * the checks are asked for after the numbers, and the input and weight then need not be sent again). Used by
 * web/worker.js, and by web/background.js on the page's thread when a worker cannot start.
 *   {op: 'model', state} -> the model | {op: 'artifact', configKey, name} | {op: 'agreement' | 'gradient' | 'unturned', configKey}
 */
export function requestHandler(engine) {
  let last = null;
  const modelFor = (configKey) => {
    if (!last || last.configKey !== configKey) throw new Error('the configuration changed before this was computed');
    return last;
  };
  return (message) => {
    switch (message.op) {
      case 'model': last = computeModel(engine, message.state); return last;
      case 'artifact': return artifactOf(engine, modelFor(message.configKey), message.name);
      case 'agreement': return agreementOf(engine, modelFor(message.configKey));
      case 'gradient': return gradientOf(engine, modelFor(message.configKey), message.withTensors);
      case 'unturned': return unturnedOf(engine, modelFor(message.configKey));
      default: throw new Error(`unknown request ${message.op}`);
    }
  };
}

/**
 * Which cells one cell is connected to, in the page's indices (window.tconv.influence): query {tensor: 'x' | 'w' |
 * 'y', index}. An index is the cell's spatial position alone (the shown channel: ci for x, co for y, and for w the
 * slice [ci, co mod C_out/groups] the views draw) or with its channels first: x [ci, r, c], y [co, r, c],
 * w [ci, co_local, kh, kw]. Returns {x, w, y}: the distinct cells of each tensor in that full form, sorted, and
 * connections: [{x, w, y}], one per product (input x reaches output y through tap w). From engine.influence: the
 * dependency structure of the numbers, not of any drawing.
 */
export function influenceOf(engine, m, query, shown = { ci: 0, co: 0 }) {
  const rank = m.cfg.inputShape.length - 2;
  const P = m.params;
  const q = query && typeof query === 'object' ? query : {};
  const channels = { x: 1, y: 1, w: 2 }[q.tensor];
  if (!channels || !Array.isArray(q.index)) {
    throw configError('index', `influence takes {tensor: 'x' | 'w' | 'y', index: [...]}, not ${JSON.stringify(query)?.slice(0, 80)}`);
  }
  let index = q.index;
  if (index.length === rank) {
    const lead = { x: [shown.ci], y: [shown.co], w: [shown.ci, shown.co % P.Cog] }[q.tensor];
    index = [...lead, ...index];
  } else if (index.length !== rank + channels) {
    throw configError('index', `a ${q.tensor} index has ${rank} numbers (its position) or ${rank + channels} (with its channel${channels > 1 ? 's' : ''} first), not ${index.length}`);
  }
  // The engine's indices carry the batch (always 0 on the page) for x and y.
  const full = q.tensor === 'w' ? index : [0, ...index];
  const r = engine.influence(m.cfg.inputShape, m.cfg.weightShape, m.cfg.options, { tensor: q.tensor, index: full });
  const page = { x: (a) => a.slice(1), y: (a) => a.slice(1), w: (a) => a.slice() };
  const connections = r.x.map((_, j) => ({ x: page.x(r.x[j]), w: page.w(r.w[j]), y: page.y(r.y[j]) }));
  const distinct = (key) => {
    const seen = new Map();
    for (const c of connections) seen.set(c[key].join(','), c[key]);
    return [...seen.values()].sort((a, b) => {
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
      return 0;
    });
  };
  const sets = { x: distinct('x'), w: distinct('w'), y: distinct('y') };
  // A cell nothing connects to still is itself (an output in the output_padding strip that no tap reaches).
  if (!sets[q.tensor].length) sets[q.tensor] = [index.slice()];
  return { ...sets, connections };
}

/** The engine's output index of the pinned cell ([0, 0] when none), in the shown channel and depth. */
export function outputIndex(P, st) {
  const [r, c] = st.cell || [0, 0];
  if (P.rank === 1) return [0, st.co, c];
  if (P.rank === 3) return [0, st.co, st.dz, r, c];
  return [0, st.co, r, c];
}
