// The one module that reads and writes the share link. The link is a public format (blog posts keep old links),
// so every parameter is one row of SCHEMA: adding a parameter is adding a row.
//
// Parsed state (what window.tconv.state() returns), keyed by link names. The layer is in PyTorch's terms; r = dims:
//   dims               : 1 | 2 | 3          the spatial rank (ConvTranspose1d/2d/3d); link form "1", absent = 2
//   in, k, s, op, d    : r numbers          link form "N" (every axis), "HxW" in 2-D, "DxHxW" in 3-D; one number in 1-D
//   p                  : r numbers          PyTorch's padding, the same on both sides of each axis ("N", "HxW", …)
//                      | r [before, after]  per side: "before,after" in 1-D, "top,bottom,left,right" in 2-D,
//                                           "front,back,top,bottom,left,right" in 3-D (the CLI's pairs, axis by axis)
//                      | 'same' | 'same_lower' | 'valid'   ONNX's auto_pad SAME_UPPER / SAME_LOWER, TensorFlow's 'VALID'
//   os                 : null | r numbers   output_size (PyTorch's forward(x, output_size)): "N", "HxW", "DxHxW"
//   cin, cout, g       : integers           channels in, channels out, groups
//   x, w               : value specs         {kind:'ones'|'arange'} | {kind:'rand', seed} | {kind:'list', values}
//   b                  : null | value spec  the bias, C_out values: also {kind:'zeros'}; null (absent) is no bias
//   view               : 'matrix' | 'scatter' | 'padded_direct' | 'subpixel'   (links written before this name say
//                                            'direct')
//   cell               : [r, c] | null      the pinned output cell in the drawn plane (1-D: [0, c], link form "c")
//   pin                : null | {tensor, channel, index}   a pinned input cell, kernel tap or entry of C (link form
//                                            "x:r,c", "w:kh,kw", "C:i,o", with channels "x:ci:r,c", "w:ci,col:kh,kw";
//                                            "y:r,c" / "y:co:r,c" is an output cell, the same as cell=). tensor
//                                            'x' | 'w' | 'y' | 'C'; channel: null (the shown one) or [ci], [co],
//                                            [ci, col]; index: the position, one number per axis (3-D: z,r,c), or
//                                            for C its row and column (the input's index in vec(x), the output's in y)
//   ci, co             : integers           which input / output channel slice the grids show (not PyTorch
//                                            parameters, only what the page displays; omitted when 0)
//   dz                 : integer            3-D: which output depth slice the views draw (omitted when 0)
//   embed              : boolean            link form "1"
//   controls           : null | 'none' | 'compact' | 'full'   how many controls show (null: compact when embedded)
//   views              : null | string[]    which view tabs show, link form "scatter,padded_direct" (null: all)
//   overlap            : boolean            the scatter view's overlap-count heat map, link form "1"
//   unturned           : boolean            the padded direct view also slides the kernel unrotated, link form "1"
//   transposed         : boolean            the matrix view shows Cᵀ (true, the default) or C, link form "0" for C
//   step               : integer | null     how far the shown view has stepped: stamps (scatter) or window
//                                            positions (padded direct) drawn so far; null (omitted) is all of them
//   lesson             : string | null      the guided lesson shown (an id of web/lessons/index.js), or none
//   lstep              : integer            which step of the lesson, from 1 (omitted when 1); not `step`, which is
//                                            the stamp player's position
// The batch is always N=1 on the page, so it is not a link parameter.
//
// parse() never throws: every bad parameter becomes a message and keeps its default, the valid rest applies. A
// per-axis parameter is read in the link's dims (whatever the order of the parameters), and the defaults follow it.
import { mulberry32 } from './random.js';
import { LESSON_IDS } from './lessons/index.js';

/** Largest value accepted for a size-like parameter; the engine enforces its own (tighter) limits on top. */
const MAX_INT = 4096;

/** Thrown only inside this module; parse() turns it into a message. */
class LinkError extends Error {}

/** A value echoed in a message: quoted, and clipped so that a 100 KB link cannot flood the page with its text. */
function quoted(text) {
  const t = String(text);
  return t.length > 60 ? `"${t.slice(0, 40)}…" (${t.length} characters)` : `"${t}"`;
}

function parseInteger(text, { min, name }) {
  const t = String(text).trim();
  if (!/^-?\d+$/.test(t)) throw new LinkError(`${name} is ${quoted(t)} but must be a whole number`);
  const n = Number(t);
  if (n < min) throw new LinkError(`${name} is ${n} but must be at least ${min}`);
  if (n > MAX_INT) throw new LinkError(`${name} is ${n} but must be at most ${MAX_INT}`);
  return n === 0 ? 0 : n; // "-0" is 0, not -0 (which the link would write back as "0")
}

/** The forms of a per-axis parameter in a rank, for messages. */
const AXES_FORMS = { 1: 'one number (a 1-D layer)', 2: 'N or HxW, e.g. 2 or 2x1', 3: 'N or DxHxW, e.g. 2 or 2x3x3' };
const SEPARATORS = /\s*[x×X,]\s*/;

/** "N" (every axis), or one number per axis ("HxW", "DxHxW"; also × and X, commas and spaces) -> r numbers. */
function parseAxes(text, opts) {
  const dims = opts.dims || 2;
  const t = String(text).trim();
  const parts = t.split(SEPARATORS);
  if ((parts.length !== 1 && parts.length !== dims) || parts.some((s) => s === '')) {
    throw new LinkError(`${opts.name} is ${quoted(t)} but must be ${AXES_FORMS[dims]}`);
  }
  const nums = parts.map((p) => parseInteger(p, opts));
  return nums.length === 1 ? new Array(dims).fill(nums[0]) : nums;
}
/** r numbers -> "N" when all equal, else "HxW" / "DxHxW". */
export const formatAxes = (v) => (v.every((n) => n === v[0]) ? String(v[0]) : v.join('x'));

export const PADDING_MODES = ['same', 'same_lower', 'valid'];
const PADDING_ALIASES = { same_upper: 'same' };
const PADDING_FORMS = {
  1: 'a number, before,after (e.g. 1,0), same, same_lower or valid',
  2: 'N, HxW, top,bottom,left,right (e.g. 0,2,0,2), same, same_lower or valid',
  3: 'N, DxHxW, front,back,top,bottom,left,right, same, same_lower or valid',
};

/**
 * Padding: a mode, PyTorch's symmetric padding (r numbers), or per-side pairs ("before,after" per axis, commas only).
 * The pairs are [before, after] per axis, cells cropped from the start and the end of the full result.
 */
function parsePadding(text, opts) {
  const dims = opts.dims || 2;
  const t = String(text).trim();
  const mode = t.toLowerCase();
  if (PADDING_MODES.includes(mode)) return mode;
  if (Object.hasOwn(PADDING_ALIASES, mode)) return PADDING_ALIASES[mode];
  const parts = t.split(SEPARATORS);
  const perSide = parts.length === 2 * dims && (dims === 1 || !/[x×X]/.test(t));
  if ((!perSide && parts.length !== 1 && parts.length !== dims) || parts.some((s) => s === '')) {
    throw new LinkError(`${opts.name} is ${quoted(t)} but must be ${PADDING_FORMS[dims]}`);
  }
  const nums = parts.map((p) => parseInteger(p, { ...opts, min: 0 }));
  if (perSide) return Array.from({ length: dims }, (_, a) => [nums[2 * a], nums[2 * a + 1]]);
  return nums.length === 1 ? new Array(dims).fill(nums[0]) : nums;
}
function formatPadding(v) {
  if (typeof v === 'string') return v;
  if (v.some(Array.isArray)) return v.map((e) => (Array.isArray(e) ? e.join(',') : `${e},${e}`)).join(',');
  return formatAxes(v);
}

/**
 * Tensor values. `rand` without a seed means seed 1, so a link always reproduces the same numbers.
 * Seeded values: see materialize() below.
 */
function parseValues(text, { name, zeros = false }) {
  const t = String(text).trim();
  if (t === 'ones' || t === 'arange' || (zeros && t === 'zeros')) return { kind: t };
  if (t === 'rand') return { kind: 'rand', seed: 1 };
  const m = /^rand:(\d{1,10})$/.exec(t);
  if (m) {
    const seed = Number(m[1]);
    if (seed > 0xffffffff) throw new LinkError(`${name} seed is ${seed} but must be at most ${0xffffffff}`);
    return { kind: 'rand', seed };
  }
  // Separators: commas (the link form), or whitespace/semicolons when pasted; leading/trailing ones are ignored,
  // an empty entry in the middle ("1,,2") is a typo and rejected rather than guessed.
  const trimmed = t.replace(/^[\s,;]+|[\s,;]+$/g, '');
  const parts = trimmed === '' ? [] : trimmed.split(/\s*[,;]\s*|\s+/);
  if (parts.some((p) => p === '')) throw new LinkError(`${name} has an empty entry between commas`);
  const kinds = zeros ? 'zeros, ones, arange, rand, rand:SEED' : 'ones, arange, rand, rand:SEED';
  if (parts.length === 0) throw new LinkError(`${name} is empty but must be ${kinds} or a list of numbers`);
  const values = parts.map((p) => {
    // Number('') and Number('0x10') are traps; accept plain decimal notation only.
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(p)) {
      throw new LinkError(`${name} has ${quoted(p)} but must be ${kinds} or numbers separated by commas`);
    }
    const v = Number(p);
    // The engine computes in float32: 1e999 or 1e39 would silently become Infinity there.
    if (!Number.isFinite(Math.fround(v))) throw new LinkError(`${name} has ${quoted(p)} but must be a finite number (float32: at most about ±3.4e38)`);
    return v;
  });
  if (values.length > 1 << 20) throw new LinkError(`${name} has ${values.length} values, too many`);
  return { kind: 'list', values };
}
export function formatValues(spec) {
  if (spec.kind === 'rand') return `rand:${spec.seed}`;
  if (spec.kind === 'list') return spec.values.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(','); // String(-0) is '0'
  return spec.kind;
}

function parseCell(text, { dims }) {
  // Seven digits cover every output the engine's element cap allows; more would not even stay an exact number.
  // In 1-D the plane is one row: the cell is its index along the length (link form "c").
  const one = dims === 1 ? /^\s*(\d{1,7})\s*$/.exec(String(text)) : null;
  if (one) return [0, Number(one[1])];
  const m = /^\s*(\d{1,7})\s*,\s*(\d{1,7})\s*$/.exec(String(text));
  if (!m || (dims === 1 && Number(m[1]) !== 0)) {
    throw new LinkError(dims === 1
      ? `cell is ${quoted(text)} but must be c (the index of an output cell along the length, from 0)`
      : `cell is ${quoted(text)} but must be r,c (row and column of an output cell, from 0)`);
  }
  return [Number(m[1]), Number(m[2])];
}

export const PIN_TENSORS = ['x', 'w', 'y', 'C'];
const PIN_FORMS = {
  1: 'x:c, w:k, y:c (with channels x:ci:c, w:ci,col:k, y:co:c) or C:i,o',
  2: 'x:r,c, w:kh,kw, y:r,c (with channels x:ci:r,c, w:ci,col:kh,kw, y:co:r,c) or C:i,o',
  3: 'x:z,r,c, w:kd,kh,kw, y:z,r,c (with channels x:ci:z,r,c, w:ci,col:kd,kh,kw, y:co:z,r,c) or C:i,o',
};

/**
 * A pin: "x:1,2" (an input cell of the shown channel), "x:0:1,2" (of channel 0), "w:1,1" / "w:0,1:1,1" (a tap of the
 * shown kernel slice / of w[ci, col]), "y:1,2" / "y:co:1,2" (an output cell), "C:5,2" (an entry of C: row 5, the
 * input's index in vec(x), column 2, the output's index in y). Positions have one number per axis of the layer.
 * Whether the cell exists is checked against the shapes (web/load.js, web/derive.js).
 */
function parsePin(text, { name, dims }) {
  const t = String(text).trim();
  const fail = () => new LinkError(`${name} is ${quoted(t)} but must be ${PIN_FORMS[dims]}`);
  const m = /^([xwyC]):(?:([\d,\s]+):)?([\d,\s]+)$/.exec(t);
  if (!m) throw fail();
  const numbers = (part) => {
    const parts = part.split(/\s*,\s*/).map((p) => p.trim());
    if (parts.some((p) => !/^\d{1,7}$/.test(p))) throw fail();
    return parts.map(Number);
  };
  const tensor = m[1];
  const index = numbers(m[3]);
  const channel = m[2] === undefined ? null : numbers(m[2]);
  if (tensor === 'C') {
    if (channel || index.length !== 2) throw fail();
  } else if (index.length !== dims || (channel && channel.length !== (tensor === 'w' ? 2 : 1))) {
    throw fail();
  }
  return { tensor, channel, index };
}
const formatPin = (v) => `${v.tensor}:${v.channel ? `${v.channel.join(',')}:` : ''}${v.index.join(',')}`;

function parseDims(text, { name }) {
  const t = String(text).trim();
  if (!['1', '2', '3'].includes(t)) throw new LinkError(`${name} is ${quoted(t)} but must be 1, 2 or 3 (ConvTranspose1d, 2d or 3d)`);
  return Number(t);
}

function parseEnum(values, aliases = {}) {
  return (text, { name }) => {
    const t = String(text).trim();
    if (Object.hasOwn(aliases, t)) return aliases[t];
    if (!values.includes(t)) throw new LinkError(`${name} is ${quoted(t)} but must be one of ${values.join(', ')}`);
    return t;
  };
}

export const VIEWS = ['matrix', 'scatter', 'padded_direct', 'subpixel'];
/** Old spellings of a view that links in the wild still carry. */
const VIEW_ALIASES = { direct: 'padded_direct' };
export const CONTROLS = ['none', 'compact', 'full'];

/** "scatter,padded_direct" -> ['scatter', 'padded_direct']: any non-empty subset of VIEWS, each once, in the order given. */
function parseViewList(text, { name }) {
  const parts = String(text).trim().split(/\s*,\s*/).map((v) => VIEW_ALIASES[v] || v);
  for (const v of parts) {
    if (!VIEWS.includes(v)) throw new LinkError(`${name} has ${quoted(v)} but must list views from ${VIEWS.join(', ')}, separated by commas`);
  }
  if (new Set(parts).size !== parts.length) throw new LinkError(`${name} is ${quoted(String(text).trim())} but must name each view once`);
  return parts;
}

/** A step-through position: a count from 0, at most seven digits (the engine's element cap is below 10⁷). */
function parseStep(text, { name }) {
  const t = String(text).trim();
  if (!/^\d{1,7}$/.test(t)) throw new LinkError(`${name} is ${quoted(t)} but must be a whole number from 0 (how many steps are shown)`);
  return Number(t);
}

/** A lesson's step: a count from 1 (web/derive.js's normalize() keeps it within the lesson's steps). */
function parseLessonStep(text, { name }) {
  const t = String(text).trim();
  if (!/^\d{1,3}$/.test(t) || Number(t) < 1) throw new LinkError(`${name} is ${quoted(t)} but must be a whole number from 1`);
  return Number(t);
}

/** "1" on, "0" off (the link omits it when it is the default). */
function parseFlag(text, { name }) {
  const t = String(text).trim();
  if (t !== '1' && t !== '0') throw new LinkError(`${name} is ${quoted(t)} but must be 1 or 0`);
  return t === '1';
}

/**
 * One row per link parameter: key (in the link), name (for messages, matches the control label), default,
 * parse(text) -> value (throws LinkError), format(value) -> text. `always`: written even when equal to the default,
 * because that default is the page's choice (it could change) rather than PyTorch's (which old links rely on).
 */
export const SCHEMA = [
  { key: 'dims', name: 'Dimensions', def: 2, parse: parseDims, format: String },
  { key: 'in', always: true, name: 'Input size', def: [4, 4], parse: (t, o) => parseAxes(t, { ...o, min: 1 }), format: formatAxes },
  { key: 'k', always: true, name: 'Kernel size', def: [3, 3], parse: (t, o) => parseAxes(t, { ...o, min: 1 }), format: formatAxes },
  { key: 's', name: 'Stride', def: [1, 1], parse: (t, o) => parseAxes(t, { ...o, min: 1 }), format: formatAxes },
  { key: 'p', name: 'Padding', def: [0, 0], parse: parsePadding, format: formatPadding },
  { key: 'op', name: 'Output padding', def: [0, 0], parse: (t, o) => parseAxes(t, { ...o, min: 0 }), format: formatAxes },
  { key: 'os', name: 'Output size', def: null, parse: (t, o) => parseAxes(t, { ...o, min: 1 }), format: formatAxes },
  { key: 'd', name: 'Dilation', def: [1, 1], parse: (t, o) => parseAxes(t, { ...o, min: 1 }), format: formatAxes },
  { key: 'cin', name: 'Channels in', def: 1, parse: (t, o) => parseInteger(t, { ...o, min: 1 }), format: String },
  { key: 'cout', name: 'Channels out', def: 1, parse: (t, o) => parseInteger(t, { ...o, min: 1 }), format: String },
  { key: 'g', name: 'Groups', def: 1, parse: (t, o) => parseInteger(t, { ...o, min: 1 }), format: String },
  { key: 'x', always: true, name: 'Input values', def: { kind: 'arange' }, parse: parseValues, format: formatValues },
  { key: 'w', always: true, name: 'Kernel values', def: { kind: 'arange' }, parse: parseValues, format: formatValues },
  { key: 'b', name: 'Bias values', def: null, parse: (t, o) => parseValues(t, { ...o, zeros: true }), format: formatValues },
  { key: 'view', always: true, name: 'view', def: 'scatter', parse: parseEnum(VIEWS, VIEW_ALIASES), format: String },
  { key: 'cell', name: 'cell', def: null, parse: parseCell, format: ([r, c], o) => (o && o.dims === 1 ? String(c) : `${r},${c}`) },
  { key: 'pin', name: 'pin', def: null, parse: parsePin, format: formatPin },
  { key: 'ci', name: 'Shown input channel', def: 0, parse: (t, o) => parseInteger(t, { ...o, min: 0 }), format: String },
  { key: 'co', name: 'Shown output channel', def: 0, parse: (t, o) => parseInteger(t, { ...o, min: 0 }), format: String },
  { key: 'dz', name: 'Shown output depth', def: 0, parse: (t, o) => parseInteger(t, { ...o, min: 0 }), format: String },
  { key: 'embed', name: 'embed', def: false, parse: (t) => { if (String(t) !== '1') throw new LinkError(`embed is ${quoted(t)} but must be 1`); return true; }, format: () => '1' },
  // Lessons and embeds. null = the page decides: compact controls when embedded, full otherwise; all views.
  { key: 'controls', name: 'controls', def: null, parse: parseEnum(CONTROLS), format: String },
  { key: 'views', name: 'views', def: null, parse: parseViewList, format: (v) => v.join(',') },
  { key: 'overlap', name: 'Overlap count heat map', def: false, parse: parseFlag, format: (v) => (v ? '1' : '0') },
  // The padded direct view's contrast with the kernel not rotated (conv2d as PyTorch runs it).
  { key: 'unturned', name: 'Unturned kernel', def: false, parse: parseFlag, format: (v) => (v ? '1' : '0') },
  // What the sender's view showed: C or Cᵀ, and how far a step-through had gone (the page checks the range).
  { key: 'transposed', name: 'transposed', def: true, parse: parseFlag, format: (v) => (v ? '1' : '0') },
  { key: 'step', name: 'step', def: null, parse: parseStep, format: String },
  // A guided lesson and its step (from 1; the page keeps it inside the lesson's steps). The lesson list is read when a
  // link is parsed, not when this module loads: a lesson's own imports lead back here.
  { key: 'lesson', name: 'lesson', def: null, parse: (t, o) => parseEnum(LESSON_IDS)(t, o), format: String },
  { key: 'lstep', name: 'lesson step', def: 1, parse: parseLessonStep, format: String },
];
/** The per-axis parameters: one entry per spatial axis, in the state's dims. */
export const AXIS_KEYS = ['in', 'k', 's', 'p', 'op', 'os', 'd'];
const ROW = new Map(SCHEMA.map((r) => [r.key, r]));

const clone = (v) => (v && typeof v === 'object' ? structuredClone(v) : v);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Only the link's keys of a state (the page's store holds more: messages, field errors, what is playing). */
export function pick(state) {
  return Object.fromEntries(SCHEMA.map((r) => [r.key, state[r.key]]));
}

/**
 * A per-axis list in another rank: unchanged when it fits, every axis alike stays alike, otherwise the trailing axes
 * are kept (a 2-D layer's width is a 1-D layer's length) and new leading axes copy the first one (3-D's depth takes
 * 2-D's height).
 */
export function toRank(list, dims) {
  if (!Array.isArray(list) || list.length === dims) return list;
  if (list.every((v) => same(v, list[0]))) return Array.from({ length: dims }, () => clone(list[0]));
  if (dims < list.length) return list.slice(list.length - dims);
  return [...Array.from({ length: dims - list.length }, () => clone(list[0])), ...list];
}

/** The state with its per-axis parameters (and the pinned cell) in its own dims; a new object when one changed. */
export function fitRank(state) {
  const dims = state.dims || 2;
  const out = { ...state };
  for (const key of AXIS_KEYS) if (Array.isArray(out[key]) && out[key].length !== dims) out[key] = toRank(out[key], dims);
  if (dims === 1 && out.cell && out.cell[0] !== 0) out.cell = [0, out.cell[1]];
  if (out.pin && out.pin.tensor !== 'C' && out.pin.index.length !== dims) out.pin = null;
  return out;
}

/** The defaults, per-axis ones in `dims` axes (2 unless given). */
export function defaults(dims = 2) {
  const st = Object.fromEntries(SCHEMA.map((r) => [r.key, clone(r.def)]));
  st.dims = dims;
  return fitRank(st);
}

/**
 * Parse one parameter given as link text or as an already-parsed value (window.tconv.set accepts both), in a layer
 * of `dims` spatial axes (per-axis parameters have one entry per axis). Returns {value} or {message}.
 */
export function parseParam(key, input, dims = 2) {
  const row = ROW.get(key);
  if (!row) return { message: `Unknown parameter ${quoted(key)}` };
  const rank = [1, 2, 3].includes(dims) ? dims : 2;
  try {
    if (input === null && row.def === null) return { value: null }; // cell, controls, views, os, b: back to "none"
    let text = input;
    if (typeof input !== 'string') {
      // Parsed values (arrays, numbers, specs, booleans) go through format so they are validated the same way.
      if (typeof input === 'number' && (AXIS_KEYS.includes(key) || key === 'dims')) text = String(input);
      else if (key === 'embed') return { value: Boolean(input) };
      else text = row.format(input, { dims: rank });
    }
    return { value: row.parse(text, { name: row.name, dims: rank }) };
  } catch (e) {
    if (e instanceof LinkError) return { message: e.message };
    let shown; // String() itself throws for some values (a null-prototype object, a revoked Proxy)
    try { shown = quoted(input); } catch { shown = `a ${typeof input}`; }
    return { message: `${row.name}: ${shown} is not valid` };
  }
}

/**
 * A partial state ({s: '2'} or {s: [2, 2]}, as window.tconv.set and a host's tconv:set give it) -> {values,
 * messages}: each parameter parsed in the dims the partial sets, else in `dims` (the page's now). A new dims alone
 * brings the other per-axis parameters along (web/derive.js's normalize).
 */
export function parsePartial(partial, dims = 2) {
  const values = {};
  const messages = [];
  let rank = dims;
  if (Object.hasOwn(partial, 'dims')) {
    const r = parseParam('dims', partial.dims);
    if ('message' in r) messages.push(r.message);
    else { values.dims = r.value; rank = r.value; }
  }
  for (const [key, value] of Object.entries(partial)) {
    if (key === 'dims') continue;
    const r = parseParam(key, value, rank);
    if ('message' in r) messages.push(r.message);
    else values[key] = r.value;
  }
  return { values, messages };
}

/** search string ("?in=4&k=4") -> {state, messages}. Never throws. */
export function parse(search) {
  const messages = [];
  let params;
  try {
    params = [...new URLSearchParams(search)];
  } catch {
    return { state: defaults(), messages: ['The link could not be read; showing the defaults'] };
  }
  // dims first, wherever it stands: it says how many numbers the per-axis parameters hold.
  let dims = 2;
  const parsed = params.map(([key, text]) => {
    if (key !== 'dims') return null;
    const r = parseParam(key, text);
    if (!('message' in r)) dims = r.value;
    return r;
  });
  const state = defaults(dims);
  params.forEach(([key, text], i) => {
    if (!ROW.has(key)) {
      messages.push(`Unknown link parameter ${quoted(key)} was ignored`);
      return;
    }
    const r = parsed[i] || parseParam(key, text, dims);
    if ('message' in r) messages.push(`${r.message} (link parameter ${key}, ignored)`);
    else state[key] = r.value;
  });
  return { state, messages };
}

/** state -> search string, defaults omitted, in schema order, readable (no %2C for commas). */
export function serialize(state) {
  const parts = [];
  const dims = state.dims || 2;
  const def = defaults(dims);
  for (const row of SCHEMA) {
    const v = state[row.key];
    const base = row.key === 'dims' ? row.def : def[row.key];
    if (v === undefined || v === null || (same(v, base) && !row.always)) continue;
    const text = encodeURIComponent(row.format(v, { dims })).replace(/%2C/gi, ',').replace(/%3A/gi, ':');
    parts.push(`${row.key}=${text}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** state -> the share-link parameters as {key: text}, defaults omitted (what tconv:state messages carry). */
export function toParams(state) {
  return Object.fromEntries(new URLSearchParams(serialize(state)));
}

/**
 * Deterministic values for `rand:SEED`, reproducible in any language (the exported code must match them):
 * mulberry32(seed) (web/random.js) gives u in [0, 1); each value is RANDOM_VALUES[floor(u * 6)], filled in row-major order over the
 * whole tensor. Small nonzero integers keep every product and sum readable and exactly representable in float32,
 * and no zero, so a data zero is never mistaken for an inserted zero or padding.
 */
export const RANDOM_VALUES = [-3, -2, -1, 1, 2, 3];

/**
 * spec + element count -> {values: number[]} or {message} when a list has the wrong length.
 * arange is 1..n (as in the questions people ask: torch.arange(1, 17)), not 0..n-1.
 */
export function materialize(spec, count, name) {
  if (spec.kind === 'ones' || spec.kind === 'zeros') return { values: new Array(count).fill(spec.kind === 'ones' ? 1 : 0) };
  // Plain loops: Array.from({length}, f) took a quarter of a second for the 4-million-element tensors the caps allow.
  if (spec.kind === 'arange') {
    const values = new Array(count);
    for (let i = 0; i < count; i++) values[i] = i + 1;
    return { values };
  }
  if (spec.kind === 'rand') {
    const next = mulberry32(spec.seed);
    const values = new Array(count);
    for (let i = 0; i < count; i++) values[i] = RANDOM_VALUES[Math.floor(next() * RANDOM_VALUES.length)];
    return { values };
  }
  if (spec.values.length !== count) {
    return { message: `${name} has ${spec.values.length} numbers but the tensor holds ${count}` };
  }
  return { values: spec.values.slice() };
}
