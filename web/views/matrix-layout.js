// The matrix view's pure part: C's lookups, where the matrix is drawn (the whole of it, or a window around the
// pinned output), and what the view's figure holds. No DOM: the page and the figure export (web/figure.js) share it.
import { tint, maxAbs } from '../colors.js';
import { num } from '../format.js';
import { planeOf } from '../plane.js';

/** Beyond this many nonzeros the view explains instead of drawing: at 4 million, building its lookups took 30 s. */
export const MAX_DRAWN_NONZEROS = 250000;
/** Smallest entry drawn, in CSS px: below it the grid lines go and a tap's colour is hard to see. */
const MIN_CELL = 6;
/** Tallest matrix drawn whole (CSS px): its wrapper scrolls, but every pixel is drawn and copied on each change. */
export const MAX_HEIGHT = 1800;
/** A window of a big matrix: at most this many outputs, at a size where each entry is easy to point at. */
const WINDOW_OUTPUTS = 120;
const WINDOW_CELL = 8;

/**
 * Lookups of C, made once per matrix (the model keeps the artifact while its configuration stays): its entries grouped
 * by output (column of C) and by input (row of C), as index arrays. Maps of arrays took milliseconds to build for
 * the 25,600 nonzeros of a 32×32 input and 5×5 kernel, on every change of configuration.
 *   byOut.get(o) -> the inputs reaching output o; byIn.get(i) -> the outputs input i reaches;
 *   entry.get(i * C.cols + o) -> the weight index of C[i, o], undefined where C is zero;
 *   out, inp: {start, entries}: the entries e of output o are entries[start[o]] … entries[start[o + 1] − 1].
 */
const lookups = new WeakMap();
export function lookupsOf(C) {
  let L = lookups.get(C);
  if (L) return L;
  const nnz = C.row.length;
  const group = (key, count) => {
    const start = new Int32Array(count + 1);
    for (let e = 0; e < nnz; e++) start[key[e] + 1]++;
    for (let k = 0; k < count; k++) start[k + 1] += start[k];
    const fill = start.slice(0, count), entries = new Int32Array(nnz);
    for (let e = 0; e < nnz; e++) entries[fill[key[e]]++] = e; // in order of e, as C lists them
    return { start, entries };
  };
  const out = group(C.col, C.cols), inp = group(C.row, C.rows);
  const list = ({ start, entries }, k, other) => {
    if (!(k >= 0 && k < start.length - 1)) return undefined;
    const items = [];
    for (let q = start[k]; q < start[k + 1]; q++) items.push(other[entries[q]]);
    return items;
  };
  L = {
    // the entries of C grouped by output (column of C) and by input (row of C): {start, entries} (CSR-like)
    out, inp,
    byOut: { get: (o) => list(out, o, C.row) },
    byIn: { get: (i) => list(inp, i, C.col) },
    entry: {
      get: (key) => {
        const i = Math.floor(key / C.cols), o = key % C.cols;
        if (!(o >= 0 && o < C.cols)) return undefined;
        for (let q = out.start[o]; q < out.start[o + 1]; q++) if (C.row[out.entries[q]] === i) return C.weightIndex[out.entries[q]];
        return undefined;
      },
    },
  };
  lookups.set(C, L);
  return L;
}

/** The index in y (row-major over [C_out, ...spatial]) of plane cell [r, c] of output channel co at depth dz. */
export function outIndexOf(P, co, dz, [r, c]) {
  return ((co * P.Dout + (P.rank === 3 ? dz : 0)) * P.Hout + r) * P.Wout + c;
}

/** The bias as a column beside Cᵀ·vec(x): {at(q) (the bias of output q's channel), max}. */
export function biasColumn(P, bias) {
  const per = P.Dout * P.Hout * P.Wout;
  return { at: (q) => bias.data[Math.floor(q / per)], max: maxAbs(bias.data) };
}

/**
 * The view's figure as data, for the figure export: {rows: [[{caption, matrix}], [{caption, grid}, …]]} or {note}.
 * get, state: the store's. cells: {small} the grids' cell size in px.
 */
export function layout(get, state, pal, cells) {
  const m = get('shown').model;
  const P = m.params;
  if (P.Cin * P.D * P.H * P.W * P.Cog * P.kD * P.kH * P.kW > MAX_DRAWN_NONZEROS) return { note: 'The matrix C is too big to draw here.' };
  const a = get('artifact matrix');
  if (a.pending) return { note: 'Computing the matrix C in the background…', pending: true };
  if (a.error) return { note: `The matrix cannot be drawn for this configuration: ${a.error.message}` };
  const C = a.value, transposed = state.transposed;
  const pinned = state.cell, ci = state.ci, co = state.co, dz = P.rank === 3 ? Math.min(state.dz || 0, P.Dout - 1) : 0;
  const pinnedOut = pinned ? outIndexOf(P, co, dz, pinned) : null;
  const ySl = planeOf(m.output, 0, co, dz);
  const xMax = maxAbs(m.input.data), yMax = maxAbs(m.output.data);
  const contributions = get('highlight');
  const bias = m.bias ? biasColumn(P, m.bias) : null;
  const plane = (rows, cols) => (P.rank === 1 ? `${cols} cells` : `${rows}×${cols}`);
  const inputs = Array.from({ length: P.D }, (_, z) => {
    const xSl = planeOf(m.input, 0, ci, z);
    const marks = contributions.inputCells.filter((_, q) => P.rank !== 3 || contributions.inputDepths[q] === z);
    return {
      caption: `vec(x) reshaped: input${P.rank === 3 ? `, depth ${z}` : ''}, ${plane(P.H, P.W)}`,
      grid: { rows: P.H, cols: P.W, cell: cells.small, palette: pal, text: (i, j) => num(xSl.at(i, j)), bg: (i, j) => tint(xSl.at(i, j), xMax, pal), marks: { contrib: marks } },
    };
  });
  const y = `Cᵀ·vec(x)${bias ? ' + b' : ''}`;
  return {
    rows: [
      [{ caption: `${transposed ? 'Cᵀ' : 'C'} with vec(x) and ${bias ? 'Cᵀ·vec(x), b' : 'y = Cᵀ·vec(x)'}`, matrix: { C, transposed, xs: m.input.data, ys: m.output.data, ws: m.weight.data, P, pinnedOut, bias } }],
      [
        ...inputs,
        { caption: `${y} reshaped: output${P.rank === 3 ? `, depth ${dz}` : ''}, ${plane(P.Hout, P.Wout)}`, grid: { rows: P.Hout, cols: P.Wout, cell: cells.small, palette: pal, pinned, text: (i, j) => num(ySl.at(i, j)), bg: (i, j) => tint(ySl.at(i, j), yMax, pal) } },
      ],
    ],
  };
}

/**
 * Where the matrix is drawn (pure): C, whether Cᵀ is shown, the pinned output (or null), the width available in px.
 * bias: one more strip beside y for b.
 * {M, N (matrix rows and columns), cs (px per entry), windowed, rows, cols, r0, c0 (the part drawn), gap, mx, my
 * (the matrix's origin beside the vec(x) and y strips), Wpx, Hpx (the whole drawing)}.
 */
export function geometry(C, transposed, pinnedOut, avail, bias = false) {
  const { byOut } = lookupsOf(C);
  // Drawn rows are outputs in Cᵀ and inputs in C; drawn columns the other way round.
  const M = transposed ? C.cols : C.rows; // matrix rows
  const N = transposed ? C.rows : C.cols; // matrix columns
  // Fit the width (at most 26 px an entry, at least 3); keep tall matrices within MAX_HEIGHT by going down to
  // MIN_CELL.
  const strips = bias ? 4 : 2.5; // the vec(x) and y strips (and b's) in entries, with their gaps
  let cs = Math.min(26, Math.floor(avail / (N + strips)));
  if (cs * (M + strips) > MAX_HEIGHT) cs = Math.min(cs, Math.max(MIN_CELL, Math.floor(MAX_HEIGHT / (M + strips))));
  // Still too big: a window of outputs around the pinned one (or the first), and of the inputs that reach them.
  const windowed = cs < 3 || cs * (M + strips) > MAX_HEIGHT;
  let rows = M, cols = N, r0 = 0, c0 = 0; // drawn part: matrix rows r0…r0+rows−1, columns c0…c0+cols−1
  if (windowed) {
    cs = WINDOW_CELL;
    const fitCols = Math.max(8, Math.floor(avail / cs) - 3);
    const outCount = transposed ? Math.min(M, WINDOW_OUTPUTS) : Math.min(N, fitCols);
    const inCount = transposed ? Math.min(N, fitCols) : Math.min(M, WINDOW_OUTPUTS);
    const outTotal = C.cols, inTotal = C.rows;
    const center = pinnedOut ?? 0;
    const out0 = Math.max(0, Math.min(outTotal - outCount, center - (outCount >> 1)));
    // The inputs reaching the outputs in the window: centre on the middle of their range.
    let lo = Infinity, hi = -Infinity;
    for (const o of [center, out0, out0 + outCount - 1]) {
      for (const i of byOut.get(o) || []) { lo = Math.min(lo, i); hi = Math.max(hi, i); }
    }
    const inMid = Number.isFinite(lo) ? (lo + hi) >> 1 : 0;
    const in0 = Math.max(0, Math.min(inTotal - inCount, inMid - (inCount >> 1)));
    if (transposed) { r0 = out0; rows = outCount; c0 = in0; cols = inCount; } else { r0 = in0; rows = inCount; c0 = out0; cols = outCount; }
  }
  const gap = Math.max(4, Math.round(cs / 2));
  // matrix origin (mx, my) on the canvas; vec(x) and y strips beside it
  const mx = transposed ? 0 : cs + gap, my = transposed ? cs + gap : 0;
  // the y strip beside the matrix (below it for C), and the bias strip after it
  const side = (bias ? 2 : 1) * (gap + cs);
  const Wpx = mx + cols * cs + (transposed ? side : 0) + 1;
  const Hpx = my + rows * cs + (transposed ? 0 : side) + 1;
  return { M, N, cs, windowed, rows, cols, r0, c0, gap, mx, my, Wpx, Hpx };
}

