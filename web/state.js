// The one module that reads and writes the share link. The link is a public format (blog posts keep old links),
// so every parameter is one row of SCHEMA: adding a parameter is adding a row.
//
// Parsed state (what window.tconv.state() returns), keyed by link names:
//   in, k, s, p, op, d : [height, width]   link form "N" (square) or "HxW"
//   cin, cout, g       : integers           channels in, channels out, groups
//   x, w               : value specs         {kind:'ones'|'arange'} | {kind:'rand', seed} | {kind:'list', values}
//   view               : 'matrix' | 'scatter' | 'padded_direct' | 'subpixel'   (links written before this name say
//                                            'direct')
//   cell               : [r, c] | null      the pinned output cell
//   ci, co             : integers           which input / output channel slice the grids show (not PyTorch
//                                            parameters, only what the page displays; omitted when 0)
//   embed              : boolean            link form "1"
//   controls           : null | 'none' | 'compact' | 'full'   how many controls show (null: compact when embedded)
//   views              : null | string[]    which view tabs show, link form "scatter,padded_direct" (null: all)
//   overlap            : boolean            the scatter view's overlap-count heat map, link form "1"
//   transposed         : boolean            the matrix view shows Cᵀ (true, the default) or C, link form "0" for C
//   step               : integer | null     how far the shown view has stepped: stamps (scatter) or window
//                                            positions (padded direct) drawn so far; null (omitted) is all of them
//   lesson             : string | null      the guided lesson shown (an id of web/lessons/index.js), or none
//   lstep              : integer            which step of the lesson, from 1 (omitted when 1); not `step`, which is
//                                            the stamp player's position
// The batch is always N=1 on the page, so it is not a link parameter.
//
// parse() never throws: every bad parameter becomes a message and keeps its default, the valid rest applies.
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

/** "N" or "HxW" (also accepts × and X, and spaces) -> [h, w]. */
function parsePair(text, opts) {
  const parts = String(text).trim().split(/\s*[x×X,]\s*/);
  if (parts.length > 2 || parts.some((s) => s === '')) {
    throw new LinkError(`${opts.name} is ${quoted(String(text).trim())} but must be N or HxW, e.g. 2 or 2x1`);
  }
  const nums = parts.map((p) => parseInteger(p, opts));
  return nums.length === 1 ? [nums[0], nums[0]] : nums;
}
const formatPair = ([h, w]) => (h === w ? String(h) : `${h}x${w}`);

/**
 * Tensor values. `rand` without a seed means seed 1, so a link always reproduces the same numbers.
 * Seeded values: see materialize() below.
 */
function parseValues(text, { name }) {
  const t = String(text).trim();
  if (t === 'ones' || t === 'arange') return { kind: t };
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
  if (parts.length === 0) throw new LinkError(`${name} is empty but must be ones, arange, rand, rand:SEED or a list of numbers`);
  const values = parts.map((p) => {
    // Number('') and Number('0x10') are traps; accept plain decimal notation only.
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(p)) {
      throw new LinkError(`${name} has ${quoted(p)} but must be ones, arange, rand, rand:SEED or numbers separated by commas`);
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

function parseCell(text) {
  // Seven digits cover every output the engine's element cap allows; more would not even stay an exact number.
  const m = /^\s*(\d{1,7})\s*,\s*(\d{1,7})\s*$/.exec(String(text));
  if (!m) throw new LinkError(`cell is ${quoted(text)} but must be r,c (row and column of an output cell, from 0)`);
  return [Number(m[1]), Number(m[2])];
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
  { key: 'in', always: true, name: 'Input size', def: [4, 4], parse: (t, o) => parsePair(t, { ...o, min: 1 }), format: formatPair },
  { key: 'k', always: true, name: 'Kernel size', def: [3, 3], parse: (t, o) => parsePair(t, { ...o, min: 1 }), format: formatPair },
  { key: 's', name: 'Stride', def: [1, 1], parse: (t, o) => parsePair(t, { ...o, min: 1 }), format: formatPair },
  { key: 'p', name: 'Padding', def: [0, 0], parse: (t, o) => parsePair(t, { ...o, min: 0 }), format: formatPair },
  { key: 'op', name: 'Output padding', def: [0, 0], parse: (t, o) => parsePair(t, { ...o, min: 0 }), format: formatPair },
  { key: 'd', name: 'Dilation', def: [1, 1], parse: (t, o) => parsePair(t, { ...o, min: 1 }), format: formatPair },
  { key: 'cin', name: 'Channels in', def: 1, parse: (t, o) => parseInteger(t, { ...o, min: 1 }), format: String },
  { key: 'cout', name: 'Channels out', def: 1, parse: (t, o) => parseInteger(t, { ...o, min: 1 }), format: String },
  { key: 'g', name: 'Groups', def: 1, parse: (t, o) => parseInteger(t, { ...o, min: 1 }), format: String },
  { key: 'x', always: true, name: 'Input values', def: { kind: 'arange' }, parse: parseValues, format: formatValues },
  { key: 'w', always: true, name: 'Kernel values', def: { kind: 'arange' }, parse: parseValues, format: formatValues },
  { key: 'view', always: true, name: 'view', def: 'scatter', parse: parseEnum(VIEWS, VIEW_ALIASES), format: String },
  { key: 'cell', name: 'cell', def: null, parse: parseCell, format: ([r, c]) => `${r},${c}` },
  { key: 'ci', name: 'Shown input channel', def: 0, parse: (t, o) => parseInteger(t, { ...o, min: 0 }), format: String },
  { key: 'co', name: 'Shown output channel', def: 0, parse: (t, o) => parseInteger(t, { ...o, min: 0 }), format: String },
  { key: 'embed', name: 'embed', def: false, parse: (t) => { if (String(t) !== '1') throw new LinkError(`embed is ${quoted(t)} but must be 1`); return true; }, format: () => '1' },
  // Lessons and embeds. null = the page decides: compact controls when embedded, full otherwise; all views.
  { key: 'controls', name: 'controls', def: null, parse: parseEnum(CONTROLS), format: String },
  { key: 'views', name: 'views', def: null, parse: parseViewList, format: (v) => v.join(',') },
  { key: 'overlap', name: 'Overlap count heat map', def: false, parse: parseFlag, format: (v) => (v ? '1' : '0') },
  // What the sender's view showed: C or Cᵀ, and how far a step-through had gone (the page checks the range).
  { key: 'transposed', name: 'transposed', def: true, parse: parseFlag, format: (v) => (v ? '1' : '0') },
  { key: 'step', name: 'step', def: null, parse: parseStep, format: String },
  // A guided lesson and its step (from 1; the page keeps it inside the lesson's steps).
  { key: 'lesson', name: 'lesson', def: null, parse: parseEnum(LESSON_IDS), format: String },
  { key: 'lstep', name: 'lesson step', def: 1, parse: parseLessonStep, format: String },
];
const ROW = new Map(SCHEMA.map((r) => [r.key, r]));

const clone = (v) => (v && typeof v === 'object' ? structuredClone(v) : v);
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Only the link's keys of a state (the page's store holds more: messages, field errors, what is playing). */
export function pick(state) {
  return Object.fromEntries(SCHEMA.map((r) => [r.key, state[r.key]]));
}

export function defaults() {
  return Object.fromEntries(SCHEMA.map((r) => [r.key, clone(r.def)]));
}

/**
 * Parse one parameter given as link text or as an already-parsed value (window.tconv.set accepts both).
 * Returns {value} or {message}.
 */
export function parseParam(key, input) {
  const row = ROW.get(key);
  if (!row) return { message: `Unknown parameter ${quoted(key)}` };
  try {
    if (input === null && row.def === null) return { value: null }; // cell, controls, views: back to "none chosen"
    let text = input;
    if (typeof input !== 'string') {
      // Parsed values (arrays, numbers, specs, booleans) go through format so they are validated the same way.
      if (typeof input === 'number' && ['in', 'k', 's', 'p', 'op', 'd'].includes(key)) text = String(input);
      else if (key === 'embed') return { value: Boolean(input) };
      else text = row.format(input);
    }
    return { value: row.parse(text, { name: row.name }) };
  } catch (e) {
    if (e instanceof LinkError) return { message: e.message };
    let shown; // String() itself throws for some values (a null-prototype object, a revoked Proxy)
    try { shown = quoted(input); } catch { shown = `a ${typeof input}`; }
    return { message: `${row.name}: ${shown} is not valid` };
  }
}

/** search string ("?in=4&k=4") -> {state, messages}. Never throws. */
export function parse(search) {
  const state = defaults();
  const messages = [];
  let params;
  try {
    params = new URLSearchParams(search);
  } catch {
    return { state, messages: ['The link could not be read; showing the defaults'] };
  }
  for (const [key, text] of params) {
    if (!ROW.has(key)) {
      messages.push(`Unknown link parameter ${quoted(key)} was ignored`);
      continue;
    }
    const r = parseParam(key, text);
    if ('message' in r) messages.push(`${r.message} (link parameter ${key}, ignored)`);
    else state[key] = r.value;
  }
  return { state, messages };
}

/** state -> search string, defaults omitted, in schema order, readable (no %2C for commas). */
export function serialize(state) {
  const parts = [];
  for (const row of SCHEMA) {
    const v = state[row.key];
    if (v === undefined || v === null || (same(v, row.def) && !row.always)) continue;
    const text = encodeURIComponent(row.format(v)).replace(/%2C/gi, ',').replace(/%3A/gi, ':');
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
  if (spec.kind === 'ones') return { values: new Array(count).fill(1) };
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
