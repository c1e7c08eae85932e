// What the page derives from its state, as the store's derivations (web/store.js): the only code that calls the
// engine for the page. Each reads exactly the state keys and values it needs, so an edit recomputes only what it
// changes: a moved pin asks for one explanation, a new kernel value never validates the sizes again, a new input
// value keeps the matrix C (it depends on the shapes only).
//
// Every value is a result: {value} | {error} | {pending: true} (being computed in the Web Worker). Nothing throws.
import * as S from './state.js';
import {
  checkShapes, checkValues, configKeyOf, computeModel, computedInBackground, artifactOf, agreementOf, gradientOf,
  unturnedOf, modelOptions, axisNamesOf, influenceOf, CONFIG_KEYS, outputIndex,
} from './model.js';
import { axisSizes, inputShapeOf, weightShapeOf, outputSizesOf, statedCrop } from './sizes.js';
import { layerFromParts } from './frameworks/parts.js';
import { LANGUAGES } from './frameworks/names.js';
import { stampDepths } from './plane.js';
import { lessonById } from './lessons/index.js';
import { lessonDerivations, lessonStepState } from './lesson-page.js';
import { foldPin, clampPin, pinQuery, pinBound, pinHighlight, outputHighlight, bigPinHighlight, NO_HIGHLIGHT, MAX_PIN_CONNECTIONS } from './pins.js';

// Rules the page's other modules read from here (their homes: the model and the lessons' page).
export { CONFIG_KEYS, outputIndex };
export { lessonLink, lessonStepState, lessonStepText } from './lesson-page.js';

const SHAPE_KEYS = ['dims', 'in', 'k', 's', 'p', 'op', 'os', 'd', 'cin', 'cout', 'g'];
/** The artifact each view draws (named as the view). */
export const ARTIFACTS = ['matrix', 'scatter', 'padded_direct', 'subpixel'];
/** engine error .parameter -> the link key whose control shows the message. */
export const PARAM_TO_KEY = {
  input: 'in', weight: 'k', stride: 's', padding: 'p', output_padding: 'op', output_size: 'os', dilation: 'd', groups: 'g',
  bias: 'b', limits: 'in', cell: 'cell',
};
/** Value lists longer than this are not written into exported code (a script of megabytes helps nobody). */
const MAX_LISTED_CODE = 16384;
/** Gradient tensors are drawn (not only compared) up to this many cells per grid. */
const SMALL_GRADIENT = 100;

const attempt = (f) => {
  try {
    return { value: f() };
  } catch (error) {
    return { error };
  }
};
const pick = (st, keys) => Object.fromEntries(keys.map((k) => [k, st[k]]));

/**
 * The derivations for a store. engine: web/engine.js's engine (on the page's thread); request(message) -> Promise:
 * web/background.js's request to the worker, for configurations too big for a frame.
 */
export function derivations(engine, request, { base = '' } = {}) {
  let lastModel = null; // the model last drawn: kept (greyed) while an edit is invalid or computed in the background
  
  return {
    /** Sizes and options checked by the engine: {value: {cfg, params}} | {error}. */
    shapes: (read) => attempt(() => checkShapes(engine, pick(read.state, SHAPE_KEYS))),

    /** The whole configuration checked: {value: {cfg, params, configKey}} | {error}. */
    config: (read) => {
      const shapes = read('shapes');
      if (shapes.error) return shapes;
      const st = pick(read.state, CONFIG_KEYS);
      return attempt(() => {
        checkValues(st, shapes.value.cfg);
        return { ...shapes.value, configKey: configKeyOf(st), state: st };
      });
    },

    /** The numbers: {value: {cfg, params, configKey, input, weight, output, inBackground}} | {error} | {pending}. */
    model: (read) => {
      const config = read('config');
      if (config.error) return config;
      const { state: st, configKey } = config.value;
      if (computedInBackground(config.value.params)) {
        const r = read.answer(`model ${configKey}`, () => request({ op: 'model', state: st }));
        return r.value ? { value: { ...r.value, inBackground: true } } : r;
      }
      return attempt(() => ({ ...computeModel(engine, st, config.value), inBackground: false }));
    },

    /**
     * What the page shows: {model (the current one, or the last valid one, or null), stale (an error is shown over
     * it), pending (the current one is being computed), error (engine-style, or null)}.
     */
    shown: (read) => {
      const fieldErrors = read.state.fieldErrors;
      if (Object.keys(fieldErrors).length) {
        return { model: lastModel, stale: Boolean(lastModel), pending: false, error: null, params: lastModel && lastModel.params };
      }
      const m = read('model');
      if (m.value) lastModel = m.value;
      const config = read('config');
      return {
        model: m.value || lastModel,
        stale: Boolean(m.error) && Boolean(lastModel),
        pending: Boolean(m.pending),
        error: m.error || null,
        // the sizes of the state, ahead of the model while a big one is computed in the background
        params: config.value ? config.value.params : lastModel && lastModel.params,
      };
    },

    /** The model drawn (shown.model): its own value, so what depends on it only is not recomputed when shown changes. */
    drawn: (read) => read('shown').model,

    /** Messages per control: {byKey: {key: message}, first}: unparsed text first, then the engine's reason. */
    errors: (read) => {
      const byKey = { ...read.state.fieldErrors };
      const { error } = read('shown');
      if (error) {
        const key = PARAM_TO_KEY[error.parameter] || error.parameter;
        if (!(key in byKey)) byKey[key] = error.message;
      }
      return { byKey, first: Object.values(byKey)[0] || null };
    },

    ...Object.fromEntries(ARTIFACTS.map((name) => [`artifact ${name}`, (read) => {
      const m = read('drawn');
      if (!m) return { error: new Error('nothing to draw yet') };
      if (m.inBackground) {
        return read.answer(`artifact ${name} ${m.configKey}`, () => request({ op: 'artifact', configKey: m.configKey, name }));
      }
      // C depends on the shapes only: a new value keeps it (the model object changes, its cfg does not).
      return name === 'matrix' ? read('matrix of cfg') : attempt(() => artifactOf(engine, m, name));
    }])),
    'shown cfg': (read) => read('drawn')?.cfg,
    'matrix of cfg': (read) => {
      const cfg = read('shown cfg');
      return attempt(() => artifactOf(engine, { cfg }, 'matrix'));
    },

    /** The pinned output cell ([0, 0] as the example when none is pinned), of the shown output channel and depth. */
    explanation: (read) => {
      const m = read('drawn');
      if (!m) return { error: new Error('nothing to explain yet') };
      return attempt(() => engine.explain(m.input, m.weight, modelOptions(m), outputIndex(m.params, read.state)));
    },

    /**
     * The inputs and taps the pinned cell's sum uses, in the shown channels: {terms, inputCells, taps} with the
     * cells in the drawn plane ([i, j]; 1-D [0, i]) and, in 3-D, inputDepths and tapDepths beside them.
     */
    contributions: (read) => {
      const none = { inputCells: [], taps: [], terms: [], inputDepths: [], tapDepths: [] };
      if (!read.state.cell) return none;
      const ex = read('explanation');
      const m = read('drawn');
      if (!ex.value || !m) return none;
      const ci = read.state.ci, co = read.state.co;
      const cl = co % m.params.Cog;
      const terms = ex.value.terms;
      const inputs = terms.filter((t) => t.input[1] === ci), taps = terms.filter((t) => t.weight[0] === ci && t.weight[1] === cl);
      return {
        terms,
        inputCells: inputs.map((t) => planeIndex(t.input.slice(2))), inputDepths: inputs.map((t) => (t.input.length === 5 ? t.input[2] : 0)),
        taps: taps.map((t) => planeIndex(t.weight.slice(2))), tapDepths: taps.map((t) => (t.weight.length === 5 ? t.weight[2] : 0)),
      };
    },

    /**
     * What the pin highlights in the drawn plane, in every view: for an output cell its sum's inputs and taps
     * (contributions); for an input cell, a tap or an entry of C the cells engine.influence connects it to, with a
     * sentence (web/pins.js). {kind, inputCells, inputDepths, taps, tapDepths, outputCells, pinX, pinW, entries,
     * sentence}.
     */
    highlight: (read) => {
      const pin = read.state.pin;
      if (!pin) return outputHighlight(read('contributions'), read.state.cell);
      const m = read('drawn');
      if (!m) return NO_HIGHLIGHT;
      const P = m.params, ci = read.state.ci, co = read.state.co;
      const bound = pinBound(pin, P);
      if (bound > MAX_PIN_CONNECTIONS) return bigPinHighlight(pin, P, bound);
      const r = attempt(() => {
        const inf = influenceOf(engine, m, pinQuery(pin, P, ci, co), { ci, co });
        const weight = (w) => m.weight.data[w.reduce((acc, v, a) => acc * [P.Cin, P.Cog, ...P.kSize][a] + v, 0)];
        return pinHighlight(pin, P, { ci, co, dz: P.rank === 3 ? Math.min(read.state.dz || 0, P.Dout - 1) : 0 }, inf, weight);
      });
      return r.value || { ...NO_HIGHLIGHT, kind: pin.tensor, sentence: `This pin cannot be followed: ${r.error.message}` };
    },

    /** The matrix, scatter and direct methods against the fast one: {value: {worst, skipped}} | {error} | {pending}. */
    agreement: (read) => {
      const m = read('drawn');
      if (!m) return { pending: true };
      if (m.inBackground) return read.answer(`agreement ${m.configKey}`, () => request({ op: 'agreement', configKey: m.configKey }));
      return attempt(() => agreementOf(engine, m));
    },

    /** conv_transpose(g, w) against the forward convolution's input gradient, and Cᵀ·y (model.js's gradientOf). */
    gradient: (read) => {
      const m = read('drawn');
      if (!m) return { pending: true };
      const P = m.params;
      const small = P.Hout * P.Wout * P.Dout <= SMALL_GRADIENT && P.H * P.W * P.D <= SMALL_GRADIENT;
      if (m.inBackground) {
        return read.answer(`gradient ${m.configKey}`, () => request({ op: 'gradient', configKey: m.configKey, withTensors: small }));
      }
      return attempt(() => gradientOf(engine, m, small));
    },

    /** The padded direct view's unturned-kernel contrast, while it is switched on (model.js's unturnedOf). */
    unturned: (read) => {
      if (!read.state.unturned) return { value: null };
      const m = read('drawn');
      if (!m) return { pending: true };
      if (m.inBackground) return read.answer(`unturned ${m.configKey}`, () => request({ op: 'unturned', configKey: m.configKey }));
      const pd = read('artifact padded_direct');
      return pd.value ? attempt(() => unturnedOf(engine, m, pd.value)) : pd;
    },

    /**
     * How many steps the shown view's step-through has, or 0 for the matrix: the scatter view's stamps (the input
     * cells of every channel feeding co whose kernel reaches the drawn plane) and the bias as one last step; the
     * padded direct view's window positions (one per output cell of the plane).
     */
    steps: (read) => {
      const m = read('drawn');
      if (!m) return 0;
      const P = m.params;
      const view = read.state.view;
      if (view === 'scatter') return P.Cig * stampDepths(P, read.state.dz).length * P.H * P.W + (m.bias ? 1 : 0);
      if (view === 'padded_direct') return P.Hout * P.Wout;
      return 0;
    },

    /**
     * The output-size panel's facts, per axis: {a, name, n, k, s, d, op, before, after, mode, os, r (axisSizes)} from
     * the model drawn, or from the state itself when only its output_size is refused (to say why).
     */
    sizes: (read) => {
      const shapes = read('shapes');
      const st = read.state;
      if (shapes.error && shapes.error.parameter === 'output_size' && !Object.keys(st.fieldErrors).length) {
        const crop = statedCrop(st);
        if (!crop) return null;
        return st.in.map((n, a) => sizeFacts({
          a, rank: st.dims, n, k: st.k[a], s: st.s[a], d: st.d[a], op: st.op[a], before: crop[a][0], after: crop[a][1],
          mode: typeof st.p === 'string' ? st.p : 'explicit', os: st.os ? st.os[a] : null, refused: shapes.error.message,
        }));
      }
      const m = read('drawn');
      if (!m) return null;
      const P = m.params;
      return P.inSize.map((n, a) => sizeFacts({
        a, rank: P.rank, n, k: P.kSize[a], s: P.stride[a], d: P.dilation[a], op: P.outputPadding[a], before: P.before[a], after: P.after[a],
        mode: P.mode === 'same' || P.mode === 'same_lower' || P.mode === 'valid' ? P.mode : 'explicit', os: P.outputSize ? P.outputSize[a] : null,
        statedOp: st.op[a],
      }));
    },

    /**
     * The layer of the shown model for web/frameworks/: {layer} | {error}. Its crop is the engine's: the state's
     * padding form is kept (a translation writes padding='same' where that gives the same numbers) unless the library's
     * reading of it differs, and then the engine's pairs are written out.
     */
    layer: (read) => {
      const m = read('drawn');
      const config = read('config');
      if (!m || !config.value || m.configKey !== config.value.configKey) return { error: new Error('the layer is not computed yet') };
      return attempt(() => layerOf(m, config.value.state));
    },

    ...Object.fromEntries(Object.keys(LANGUAGES).map((lang) => [`code ${lang}`, (read) => {
      const l = read('layer');
      if (l.error) return l;
      // A pasted list is written into the script number by number; ones, arange and rand:SEED take one line.
      const long = ['x', 'w', 'b'].find((key) => read.state[key] && read.state[key].kind === 'list' && read.state[key].values.length > MAX_LISTED_CODE);
      if (long) {
        const name = { x: 'input', w: 'kernel', b: 'bias' }[long];
        return { error: new Error(`the ${name} values are a list of ${read.state[long].values.length.toLocaleString('en-US')} numbers, more than the ${MAX_LISTED_CODE.toLocaleString('en-US')} a script here spells out; choose ones, arange or rand:SEED for them (the script then makes them in one line), or a smaller layer`) };
      }
      // The translations load once, when the framework panel (or exportCode) first asks: a first visit does not need them.
      const library = read.answer('translations', loadTranslations);
      if (!library.value) return library;
      return attempt(() => library.value.exportCode(lang, l.value, { link: `${base}${read('config link')}` }));
    }])),

    /** The share link of the configuration only (what the exported code reproduces). */
    'config link': (read) => {
      const config = read('config');
      const st = config.value ? config.value.state : pick(read.state, CONFIG_KEYS);
      return S.serialize({ ...S.defaults(st.dims), ...st, view: undefined });
    },

    /** The share link's query string for the state. */
    link: (read) => S.serialize(pick(read.state, S.SCHEMA.map((r) => r.key))),

    ...lessonDerivations(engine),
  };
}

/** web/frameworks/index.js, the translations of a layer into every framework's code (loaded on first use). */
export const loadTranslations = () => import('./frameworks/index.js');


/** An index into the spatial axes -> the drawn plane's [i, j] (1-D: [0, i]; 3-D: the last two). */
const planeIndex = (sp) => (sp.length === 1 ? [0, sp[0]] : sp.slice(-2));

/** One axis of the output-size panel: the arithmetic of web/sizes.js with the names of the rank. */
function sizeFacts(q) {
  return { ...q, name: axisNamesOf(q.rank)[q.a], r: axisSizes(q) };
}

/** The framework library's layer for a model and its state, with the engine's crop. */
function layerOf(m, st) {
  const P = m.params;
  const parts = {
    dims: P.rank, in: st.in, k: st.k, s: st.s, d: st.d, g: st.g, cin: st.cin, cout: st.cout,
    p: st.p, os: st.os, x: Array.from(m.input.data), w: Array.from(m.weight.data), b: m.bias ? Array.from(m.bias.data) : null,
  };
  if (!st.os || st.op.some((v) => v !== 0)) parts.op = st.op;
  const fits = (layer) => layer.padding.every(([b, a], i) => b === P.before[i] && a === P.after[i])
    && layer.outputPadding.every((o, i) => o === P.outputPadding[i]);
  let r = layerFromParts(parts);
  if (!r.layer || !fits(r.layer)) {
    r = layerFromParts({ ...parts, p: P.before.map((b, i) => [b, P.after[i]]), op: P.outputPadding, os: null });
  }
  if (!r.layer) throw new Error(r.error);
  // How the numbers were given, so the code says torch.ones(...) or arange instead of a literal where it can.
  const spec = (v) => (v && v.kind !== 'list' ? v : { kind: 'list' });
  r.layer.values = { x: spec(st.x), w: spec(st.w), ...(m.bias ? { b: spec(st.b) } : {}) };
  return r.layer;
}

/**
 * Rules that tie state keys together, applied on every set() (pure): a new lesson step sets its state; a new dims
 * brings the per-axis parameters along; a view outside views= falls back to the first allowed; the pinned cell, the
 * channel pickers and the shown depth stay inside the shapes; a new configuration, channel or view starts the
 * step-through over; value lists follow size changes.
 */
export function normalize(next, previous, given) {
  let st = { ...next };
  let partial = given;
  // A new lesson or lesson step sets its state, except what the same change sets itself; no lesson: step 1.
  const lesson = st.lesson && lessonById(st.lesson);
  if (!lesson) {
    if ('lstep' in st && st.lstep !== 1) st.lstep = 1;
  } else {
    st.lstep = Math.min(st.lstep, lesson.steps.length);
    if (('lesson' in partial || 'lstep' in partial) && (st.lesson !== previous.lesson || st.lstep !== previous.lstep)) {
      const applied = {};
      for (const [key, value] of Object.entries(lessonStepState(lesson, st.lstep))) if (!(key in partial)) applied[key] = value;
      Object.assign(st, applied);
      partial = { ...partial, ...applied };
    }
  }
  if (st.dims !== previous.dims || S.AXIS_KEYS.some((k) => Array.isArray(st[k]) && st[k].length !== st.dims)) st = S.fitRank(st);
  if (st.views && !st.views.includes(st.view)) st.view = st.views[0];
  const out = outputSizesOf(st);
  if (st.pin || 'cell' in partial) foldPin(st, partial, out);
  const [rows, cols] = st.dims === 1 ? [1, out[0]] : out.slice(-2);
  if (st.cell && rows >= 1 && cols >= 1 && (st.cell[0] >= rows || st.cell[1] >= cols)) {
    st.cell = [Math.min(st.cell[0], rows - 1), Math.min(st.cell[1], cols - 1)];
  }
  if (st.dz && (st.dims !== 3 || (out[0] >= 1 && st.dz >= out[0]))) st.dz = st.dims === 3 ? out[0] - 1 : 0;
  if (st.ci >= st.cin) st.ci = 0;
  if (st.co >= st.cout) st.co = 0;
  if (st.pin && out.every(Number.isInteger)) {
    st.pin = clampPin(st.pin, { Cin: st.cin, Cout: st.cout, inSize: st.in, kSize: st.k, outSize: out });
  }
  const moved = [...CONFIG_KEYS, 'ci', 'co', 'dz', 'view'].some((k) => st[k] !== previous[k]);
  if (moved && !('step' in partial)) {
    st.step = null;
    st.playing = false;
  }
  for (const key of ['x', 'w']) {
    if (st[key].kind === 'list' && !(key in partial)) st[key] = followShape(st[key], shapeFor(previous, key), shapeFor(st, key));
  }
  if (st.b && st.b.kind === 'list' && !('b' in partial)) st.b = followShape(st.b, [previous.cout], [st.cout]);
  return st;
}

const shapeFor = (st, key) => (key === 'x' ? inputShapeOf(st) : weightShapeOf(st));

/**
 * A value list keeps each value's place when a shape changes, new places are 0: channels stay channels and the
 * spatial axes are matched from the last one (a 2-D layer's width is a 1-D layer's length; a new depth axis starts at
 * depth 0). Only a list that fitted the old shape can keep its places; one of the wrong length stays as it is, and
 * validation says how many values the new shape needs.
 */
function followShape(spec, a, b) {
  const fitted = a.every(Number.isInteger) && spec.values.length === a.reduce((u, v) => u * v, 1);
  if ((a.length === b.length && a.every((v, i) => v === b[i])) || !b.every(Number.isInteger) || !fitted) return spec;
  const count = b.reduce((u, v) => u * v, 1);
  const out = new Array(count).fill(0);
  const lead = Math.min(2, a.length); // channel axes (none for a bias)
  // b's axis i reads a's axis from(i): channels by position, spatial axes aligned at the end; -1: not in a (index 0).
  const from = b.map((_, i) => (i < lead ? i : a.length - (b.length - i) >= lead ? a.length - (b.length - i) : -1));
  const ix = new Array(b.length).fill(0);
  for (let q = 0; q < count; q++) {
    let rest = q;
    for (let i = b.length - 1; i >= 0; i--) { ix[i] = rest % b[i]; rest = Math.floor(rest / b[i]); }
    const src = new Array(a.length).fill(0);
    let inside = true;
    for (let i = 0; i < b.length; i++) {
      if (from[i] < 0) { if (ix[i] !== 0) inside = false; continue; }
      if (ix[i] >= a[from[i]]) inside = false;
      src[from[i]] = ix[i];
    }
    if (!inside) continue;
    let at = 0;
    for (let i = 0; i < a.length; i++) at = at * a[i] + src[i];
    out[q] = spec.values[at];
  }
  return { kind: 'list', values: out };
}
