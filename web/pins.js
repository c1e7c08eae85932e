// Pins in every direction: an output cell (the state's `cell`), an input cell, a kernel tap, or an entry of C (the
// state's `pin`). What a pin highlights comes from engine.influence (web/model.js influenceOf), the dependency
// structure of the numbers: this module only turns its answer into what the drawn plane marks, and says it in a
// sentence. Pure functions: web/derive.js calls them, the views read the result ('highlight').
import { cellName } from './plane.js';
import { num } from './format.js';

const prod = (a) => a.reduce((x, y) => x * y, 1);
/** Connections beyond this many are not asked for (a tap of a huge input connects millions of pairs). */
export const MAX_PIN_CONNECTIONS = 65536;
/** Connections named in the sentence; the rest are counted. */
const NAMED = 6;

/**
 * A normalize() rule (web/derive.js): `pin` and `cell` are one pin, so setting one clears the other; an output pin
 * given as pin=y:… becomes `cell` (with co and, in 3-D, dz); a pin's channel moves the channel pickers there (so the
 * pinned cell is drawn) and is then left out; an entry of C moves them to its input's and output's channels.
 * st: the next state (a copy, changed in place and returned); given: the partial that was set; outSizes: the
 * output's sizes per axis (web/sizes.js outputSizesOf).
 */
export function foldPin(st, given, outSizes) {
  if ('cell' in given && given.cell && !('pin' in given)) st.pin = null;
  const pin = st.pin;
  if (!pin || !('pin' in given)) return st;
  const rank = st.dims || 2;
  const cig = st.cin / st.g, cog = st.cout / st.g;
  if (pin.tensor === 'y') {
    st.cell = rank === 1 ? [0, pin.index[0]] : pin.index.slice(-2);
    if (rank === 3) st.dz = pin.index[0];
    if (pin.channel) st.co = pin.channel[0];
    st.pin = null;
    return st;
  }
  st.cell = null;
  if (pin.tensor === 'C') {
    const perIn = prod(st.in), out = { per: prod(outSizes), plane: prod(outSizes.slice(-2)) };
    st.ci = Math.floor(pin.index[0] / perIn);
    st.co = Math.floor(pin.index[1] / out.per);
    if (rank === 3) st.dz = Math.floor((pin.index[1] % out.per) / out.plane);
    return st;
  }
  if (pin.channel) {
    st.ci = pin.channel[0];
    if (pin.tensor === 'w' && Number.isInteger(cig) && cig > 0) st.co = Math.floor(pin.channel[0] / cig) * cog + pin.channel[1];
    st.pin = { ...pin, channel: null };
  }
  return st;
}

/**
 * Whether a pin lies inside the shapes (P: web/model.js params). {inside} or {message} naming the rule.
 */
export function pinInside(pin, P) {
  if (pin.tensor === 'C') {
    const rows = P.Cin * prod(P.inSize), cols = P.Cout * prod(P.outSize);
    const ok = pin.index[0] < rows && pin.index[1] < cols;
    return ok ? { inside: true } : { message: `pin C:${pin.index.join(',')} is outside C, which is ${rows}×${cols}` };
  }
  const sizes = pin.tensor === 'x' ? P.inSize : pin.tensor === 'w' ? P.kSize : P.outSize;
  if (pin.index.length !== sizes.length) return { message: `pin ${pin.tensor}:${pin.index.join(',')} has ${pin.index.length} numbers but the layer has ${sizes.length} axes` };
  const ok = pin.index.every((v, a) => v < sizes[a]);
  const what = { x: 'input', w: 'kernel', y: 'output' }[pin.tensor];
  return ok ? { inside: true } : { message: `pin ${pin.tensor}:${pin.index.join(',')} is outside the ${sizes.join('×')} ${what}` };
}

/** A pin kept inside new shapes: a cell or tap moves to the nearest one, an entry of C outside C is dropped. */
export function clampPin(pin, P) {
  if (pinInside(pin, P).inside) return pin;
  if (pin.tensor === 'C') return null;
  const sizes = pin.tensor === 'x' ? P.inSize : P.kSize;
  if (pin.index.length !== sizes.length) return null;
  return { ...pin, index: pin.index.map((v, a) => Math.min(v, sizes[a] - 1)) };
}

/** The engine.influence query of a pin, in full form (channels first), in the shown channels ci and co. */
export function pinQuery(pin, P, ci, co) {
  if (pin.tensor === 'x') return { tensor: 'x', index: [ci, ...pin.index] };
  if (pin.tensor === 'w') return { tensor: 'w', index: [ci, co % P.Cog, ...pin.index] };
  // an entry of C: its row is the input cell; the connections are then kept to its column's output
  const [i] = pin.index;
  const per = prod(P.inSize);
  return { tensor: 'x', index: [Math.floor(i / per), ...unravel(i % per, P.inSize)] };
}

/** A flat row-major index into sizes -> its position. */
function unravel(q, sizes) {
  const out = new Array(sizes.length);
  for (let a = sizes.length - 1; a >= 0; a--) { out[a] = q % sizes[a]; q = Math.floor(q / sizes[a]); }
  return out;
}
const ravel = (pos, sizes) => pos.reduce((acc, v, a) => acc * sizes[a] + v, 0);

/** The number of connections a pin's query could have at most (a tap connects one pair per input position). */
export function pinBound(pin, P) {
  if (pin.tensor === 'w') return prod(P.inSize);
  return P.Cog * prod(P.kSize);
}

/** A spatial index -> the drawn plane's [i, j] (1-D: [0, i]) and its depth (3-D; else 0). */
const plane = (sp) => ({ at: sp.length === 1 ? [0, sp[0]] : sp.slice(-2), depth: sp.length === 3 ? sp[0] : 0 });

/** No pin: nothing highlighted. */
export const NO_HIGHLIGHT = Object.freeze({
  kind: null, inputCells: [], inputDepths: [], taps: [], tapDepths: [], outputCells: [], pinX: null, pinW: null, entries: [],
  sentence: null,
});

/** An output pin: the inputs and taps of its sum (web/derive.js's contributions, from engine.explain). */
export function outputHighlight(contributions, cell) {
  if (!cell) return NO_HIGHLIGHT;
  return { ...NO_HIGHLIGHT, ...contributions, kind: 'y' };
}

/**
 * What a pin of an input cell, a tap or an entry of C highlights, from influenceOf's answer (full-form indices):
 * the cells and taps of the shown channels in the drawn plane (outputs at the shown depth dz), the entries of C it
 * touches ({i, o, k}: row, column and weight index, over every channel), and a sentence that says it.
 */
export function pinHighlight(pin, P, shown, inf, weight) {
  const { ci, co, dz } = shown;
  const cl = co % P.Cog;
  let conns = inf.connections;
  const inSizes = P.inSize, outSizes = P.outSize;
  const rowOf = (x) => x[0] * prod(inSizes) + ravel(x.slice(1), inSizes);
  const colOf = (y) => y[0] * prod(outSizes) + ravel(y.slice(1), outSizes);
  const kOf = (w) => ravel(w, [P.Cin, P.Cog, ...P.kSize]);
  if (pin.tensor === 'C') conns = conns.filter((c) => colOf(c.y) === pin.index[1]);
  const h = { ...NO_HIGHLIGHT, kind: pin.tensor, inputCells: [], inputDepths: [], taps: [], tapDepths: [], outputCells: [] };
  const seen = { x: new Set(), w: new Set(), y: new Set() };
  const add = (key, full, keep, cells, depths) => {
    const id = full.join(',');
    if (seen[key].has(id) || !keep) return;
    seen[key].add(id);
    const p = plane(full.slice(key === 'w' ? 2 : 1));
    if (key === 'y' && P.rank === 3 && p.depth !== dz) return;
    cells.push(p.at);
    if (depths) depths.push(p.depth);
  };
  // The pinned cell itself is drawn as the pin, not among what it connects to.
  const ownX = pin.tensor !== 'w', ownW = pin.tensor === 'w';
  for (const c of conns) {
    add('x', c.x, !ownX && c.x[0] === ci, h.inputCells, h.inputDepths);
    add('w', c.w, !(ownW || (pin.tensor === 'C' && c === conns[0])) && c.w[0] === ci && c.w[1] === cl, h.taps, h.tapDepths);
    add('y', c.y, c.y[0] === co, h.outputCells, null);
  }
  h.entries = conns.map((c) => ({ i: rowOf(c.x), o: colOf(c.y), k: kOf(c.w) }));
  const xName = (x) => cellName('x', [x[0]], x.slice(1), P);
  const yName = (y) => cellName('y', [y[0]], y.slice(1), P);
  const wName = (w) => cellName('w', w.slice(0, 2), w.slice(2), P);
  const more = (n) => (n > NAMED ? `, … (${n - NAMED} more)` : '');
  if (pin.tensor === 'x') {
    const x = [ci, ...pin.index];
    h.pinX = plane(pin.index);
    const n = conns.length;
    const outs = new Set(conns.map((c) => c.y.join(','))).size;
    h.sentence = n
      ? `${xName(x)} reaches ${outs} output${outs === 1 ? '' : 's'}${P.Cog > 1 ? ` (over the ${P.Cog} output channels of its group)` : ''}: `
        + `${conns.slice(0, NAMED).map((c) => `${yName(c.y)} through ${wName(c.w)}`).join(', ')}${more(n)}.`
      : `${xName(x)} reaches no output: every tap of its stamp lands on cells that padding crops.`;
  } else if (pin.tensor === 'w') {
    const w = [ci, cl, ...pin.index];
    h.pinW = plane(pin.index);
    const n = conns.length;
    h.sentence = n
      ? `${wName(w)} = ${num(weight(w))} connects ${n} (input, output) pair${n === 1 ? '' : 's'}, its diagonal in C: `
        + `${conns.slice(0, NAMED).map((c) => `${xName(c.x)} → ${yName(c.y)}`).join(', ')}${more(n)}.`
      : `${wName(w)} connects no pair: wherever it lands, padding crops the cell.`;
  } else {
    const [i, o] = pin.index;
    const x = pinQuery(pin, P, ci, co).index;
    const y = [Math.floor(o / prod(outSizes)), ...unravel(o % prod(outSizes), outSizes)];
    h.pinX = plane(x.slice(1));
    const c = conns[0];
    if (c) h.pinW = c.w[0] === ci && c.w[1] === cl ? plane(c.w.slice(2)) : null;
    h.sentence = c
      ? `C[${i},${o}] (Cᵀ[${o},${i}]) = ${wName(c.w)} = ${num(weight(c.w))}: ${xName(x)} reaches ${yName(y)} through this tap.`
      : `C[${i},${o}] (Cᵀ[${o},${i}]) = 0: ${xName(x)} does not reach ${yName(y)}.`;
  }
  return h;
}

/** A pin too big to follow: only the pinned cell itself, and a sentence saying why. */
export function bigPinHighlight(pin, P, bound) {
  const h = { ...NO_HIGHLIGHT, kind: pin.tensor };
  if (pin.tensor === 'x') h.pinX = plane(pin.index);
  if (pin.tensor === 'w') h.pinW = plane(pin.index);
  h.sentence = `This pin connects up to ${bound.toLocaleString('en-US')} pairs, more than the ${MAX_PIN_CONNECTIONS.toLocaleString('en-US')} the page follows; pin an output cell, or make the input smaller.`;
  return h;
}
