// Matrix view: y = Cᵀ · vec(x) (+ b, the bias, as a column beside it), with C the matrix of the forward convolution
// (engine.matrix). Any rank: vec(x) runs over [C_in, ...spatial] row-major, y over [C_out, ...spatial]; the grids
// beside the matrix are the drawn plane (a 1-D layer's one row, a 3-D layer's depth slices). The matrix is drawn on
// a <canvas> (it can have thousands of rows); the input and output grids beside it are grids of numbers (grid.js).
// Cᵀ layout: vec(x) runs across the top (one entry per column), y = Cᵀ·vec(x) down the right (one per row).
// C layout: vec(x) down the left (one per row), y across the bottom (one per column).
// A matrix too big to draw whole at MIN_CELL px per entry (C of a 32×32 input, 5×5 kernel is 1024×3969) is drawn as
// a window of outputs around the pinned cell and of the inputs that reach them, with a note saying which.
import { el, listen, figure, cellSize, contentWidth } from '../dom.js';
import { renderInto, liveOf, paintCanvas, keepFocus } from '../morph.js';
import { makeGrid, markCells, canvasSurface } from '../grid.js';
import { tapColor, tint, maxAbs } from '../colors.js';
import { num } from '../format.js';
import { planeOf, spatial, cellName, cropWords, isCropped } from '../plane.js';
import { lookupsOf, geometry, MAX_DRAWN_NONZEROS, outIndexOf, biasColumn } from './matrix-layout.js';
import { pinActions, pinNote, pinnedAt } from './pinning.js';

export { layout } from './matrix-layout.js';

const LOCAL = Symbol('matrix view'); // on the view's box: {hover, scrollTop, scrollFrame, redraw}, kept across renders


const DRAWN = Symbol('drawn'); // what a matrix canvas last showed: the inputs of its draw
const sameDraw = (a, b) => Boolean(a && b) && Object.keys(a).every((k) => a[k] === b[k]);

/** Draws the matrix view into box from the store's derived values (ctx: web/app.js's view context). */
export function render(box, ctx) {
  const st = box[LOCAL] || (box[LOCAL] = { hover: null });
  const shown = ctx.get('shown');
  const m = shown.model;
  const data = {
    params: m.params, input: m.input, weight: m.weight, output: m.output, palette: ctx.palette,
    ci: ctx.state.ci, co: ctx.state.co, dz: ctx.state.dz || 0, pinned: ctx.state.cell, contributions: ctx.get('highlight'),
    pins: pinActions(ctx, m.params), pin: ctx.state.pin,
    bias: m.bias,
    transposed: ctx.state.transposed, artifact: () => ctx.get('artifact matrix'),
    // the window's height (the store's, kept from resize events): the matrix's wrapper shows at most 75vh of it
    viewportHeight: ctx.state.height || 800,
    onPin: (r, c, co, dz) => ctx.set({ cell: [r, c], ...(co !== undefined ? { co } : {}), ...(dz !== undefined ? { dz } : {}) }),
    onTranspose: (t) => ctx.set({ transposed: t }),
  };
  let hooks = null;
  keepFocus(box, () => renderInto(box, (root) => { hooks = build(root, box, data, st); }));
  if (hooks) hooks.live();
}

/** Builds the view into root (off the page); returns {live()} to call once root's nodes are on the page. */
function build(root, container, data, st) {
  // Every tap of every input: an upper bound of the nonzeros of C, known before asking the engine for them.
  const P0 = data.params;
  const bound = P0.Cin * P0.D * P0.H * P0.W * P0.Cog * P0.kD * P0.kH * P0.kW;
  if (bound > MAX_DRAWN_NONZEROS) {
    root.append(el('p', { class: 'note' },
      `The matrix C here has up to ${bound.toLocaleString('en-US')} nonzeros (every input cell times every tap it carries), more than the `
      + `${MAX_DRAWN_NONZEROS.toLocaleString('en-US')} this view draws: listing and drawing them would freeze the page for seconds. `
      + 'Make the input, kernel or channels smaller to see C, or use the Scatter and Padded direct views, which show the same numbers.'));
    return null;
  }
  const a = data.artifact();
  if (a.pending) {
    root.append(el('p', { class: 'note', role: 'status' }, 'Computing the matrix C in the background…'));
    return null;
  }
  if (a.error) {
    root.append(el('p', { class: 'note' }, `The matrix cannot be drawn for this configuration: ${a.error.message}`));
    return null;
  }
  const C = a.value;
  const transposed = data.transposed;
  const P = data.params;
  const xs = data.input.data, ys = data.output.data, ws = data.weight.data;
  const taps = P.kH * P.kW; // colours are per tap of the plane (a 3-D kernel's depth slices share them)
  // vec index -> [channel, depth, row, column] of its tensor (D and H are 1 where the rank has no such axis)
  const unravel = (q, D, H, W) => [Math.floor(q / (D * H * W)), Math.floor(q / (H * W)) % D, Math.floor(q / W) % H, q % W];
  const inAt = (q) => unravel(q, P.D, P.H, P.W), outAt = (q) => unravel(q, P.Dout, P.Hout, P.Wout);
  const inName = (q) => { const [c, z, i, j] = inAt(q); return cellName('x', [c], spatial(P, i, j, z), P); };
  const outName = (q) => { const [c, z, i, j] = outAt(q); return cellName('y', [c], spatial(P, i, j, z), P); };
  const wName = (k) => {
    const kw = k % P.kW, kh = Math.floor(k / P.kW) % P.kH, kd = Math.floor(k / taps) % P.kD, rest = Math.floor(k / (taps * P.kD));
    return cellName('w', [Math.floor(rest / P.Cog), rest % P.Cog], spatial(P, kh, kw, kd), P);
  };
  const lookups = lookupsOf(C);
  const { entry, byOut, byIn } = lookups;
  const pinnedOut = data.pinned ? outIndexOf(P, data.co, data.dz, data.pinned) : null;
  // the input line of C a pin is on: a pinned input cell's, or an entry's row
  const pinX = data.contributions.pinX;
  const pinnedIn = data.pin && data.pin.tensor === 'C' ? data.pin.index[0]
    : data.pin && data.pin.tensor === 'x' && pinX ? ((data.ci * P.D + pinX.depth) * P.H + pinX.at[0]) * P.W + pinX.at[1] : null;
  // y = Cᵀ·vec(x) + b: with a bias, Cᵀ·vec(x) and b are two columns beside the matrix, and y their sum.
  const bias = data.bias ? biasColumn(P, data.bias) : null;

  const avail = Math.max(280, contentWidth(container) - 8);
  const { M, N, cs, windowed, rows, cols, r0, c0, gap, mx, my, Wpx, Hpx } = geometry(C, transposed, pinnedOut, avail, Boolean(bias));
  const name = transposed ? 'Cᵀ' : 'C';

  // --- toolbar
  const toggle = el('button', { type: 'button', class: 'toggle', 'data-focus': 'transpose', 'aria-pressed': String(transposed) },
    transposed ? 'Showing Cᵀ (switch to C)' : 'Showing C (switch to Cᵀ)');
  listen(toggle, 'click', () => data.onTranspose(!transposed));
  let info = el('p', { class: 'info', 'aria-live': 'polite' });
  const plus = bias ? ', plus the bias b of its channel (the column beside Cᵀ·vec(x)): y = Cᵀ·vec(x) + b' : '';
  const defaultInfo = transposed
    ? `Cᵀ is ${C.cols}×${C.rows}: one row per output cell, one column per input cell. Row r of Cᵀ times vec(x) gives y[r]${plus}.`
    : `C is ${C.rows}×${C.cols}: the forward convolution's matrix. Column c of C, dotted with vec(x), gives output cell c${bias ? ', plus the bias b (the row below)' : ''}.`;
  info.textContent = defaultInfo;
  // The output is the crop of the full result: C has a column (Cᵀ a row) for each cell that is left, none for the rest.
  const cropped = isCropped(P);
  if (cropped) {
    const words = cropWords(P);
    root.append(el('p', { class: 'hint crop-words' }, `${transposed ? 'Cᵀ has a row' : 'C has a column'} for each output cell and none for what is cropped: ${words}.`));
  }
  root.append(
    el('div', { class: 'toolbar' }, toggle,
      el('span', { class: 'legend' }, `${C.row.length} nonzeros, each a kernel tap (colour = tap; hover or tap an entry for its value)`)),
    info,
    pinNote(data.contributions),
  );
  if (windowed) {
    const outWord = transposed ? 'rows' : 'columns', inWord = transposed ? 'columns' : 'rows';
    const [o0, oN, i0, iN] = transposed ? [r0, rows, c0, cols] : [c0, cols, r0, rows];
    root.append(el('p', { class: 'note matrix-window' },
      `Too big to draw whole at a readable size, so this is a window: ${outWord} ${o0}–${o0 + oN - 1} `
      + `(outputs ${outName(o0)}…${outName(o0 + oN - 1)}) and ${inWord} ${i0}–${i0 + iN - 1} (inputs ${inName(i0)}…${inName(i0 + iN - 1)}), `
      + `${data.pinned ? 'around the pinned output cell' : 'from the first output cell'}. Pin another output cell (click the output grid, `
      + 'or focus the matrix and use the arrow keys) to move the window; every entry outside it is zero or a tap of the same kernel.'));
  }

  // --- canvas
  // The wrapper scrolls at 75vh; the canvas is only as tall as what it shows, stays in view (position: sticky) over a
  // spacer of the matrix's full size, and is drawn at the scroll offset. A canvas of the whole matrix (1745 px tall
  // for an 8×8 input) was redrawn and copied for the compositor on every change, most of it out of sight.
  const viewH = Math.min(Hpx, Math.ceil(0.75 * data.viewportHeight));
  // The wrapper's scroll offset as the browser will have it (it clamps to the new height).
  st.scrollTop = Math.max(0, Math.min(st.scrollTop || 0, Hpx - viewH));
  // A pinned row out of sight is brought into the wrapper's view (live() scrolls the wrapper there).
  let scrollTo = null;
  if (transposed && pinnedOut !== null && pinnedOut >= r0 && pinnedOut < r0 + rows) {
    const y = my + (pinnedOut - r0) * cs;
    if (y < st.scrollTop || y + cs > st.scrollTop + viewH) {
      scrollTo = Math.max(0, Math.min(Hpx - viewH, y - viewH / 3));
      st.scrollTop = scrollTo;
    }
  }
  let wrap = el('div', { class: 'matrix-wrap', role: 'region', 'aria-label': `The matrix ${name}, scrolling` });
  // Where the wrapper is scrolled to, kept from its scroll events (reading scrollTop would force a layout); the
  // canvas follows in the next frame.
  listen(wrap, 'scroll', (ev) => {
    st.scrollTop = ev.currentTarget.scrollTop;
    if (!st.scrollFrame) st.scrollFrame = requestAnimationFrame(() => { st.scrollFrame = 0; if (st.redraw) st.redraw(); });
  });
  let canvas = el('canvas', {
    class: 'matrix', tabindex: 0, role: 'img', 'data-focus': 'matrix-canvas',
    'aria-label': `${name} matrix, ${M} by ${N}${windowed ? ` (a ${rows} by ${cols} window)` : ''}, with vec(x) and y. Arrow keys move the pinned output cell.`,
  });
  wrap.append(el('div', { class: 'matrix-sizer', style: { width: `${Wpx}px`, height: `${Hpx}px` } }, canvas));
  const gridsRow = el('div', { class: 'row' });
  // On wide screens the reshaped grids sit beside the matrix, on phones below it.
  root.append(el('div', { class: 'row' }, wrap, gridsRow));

  // Backing pixels: the device ratio, but at most about 4 million (a buffer's allocation and copy cost grow with it).
  const dpr = Math.min(window.devicePixelRatio || 1, Math.max(1, Math.sqrt(4e6 / (Wpx * viewH))));
  // A multiple of 128 pixels a side, so that a matrix a few rows or columns larger or smaller keeps the live canvas's
  // buffer (a new one took 6 ms or more here); the sizer clips what is not in use.
  const bufW = Math.ceil((Wpx * dpr) / 128) * 128, bufH = Math.ceil((viewH * dpr) / 128) * 128;
  const canvasH = bufH / dpr;
  canvas.style.width = `${bufW / dpr}px`;
  canvas.style.height = `${canvasH}px`;
  const pal = data.palette;
  const colors = { fg: pal.fg, faint: pal.line, hl: pal.hl, panel: pal.panel };
  const xMax = maxAbs(xs), yMax = maxAbs(ys);

  // drawn (row, col) -> (input index, output index), and the other way
  const inOut = (r, c) => (transposed ? [c, r] : [r, c]);
  const shown = (r, c) => r >= r0 && r < r0 + rows && c >= c0 && c < c0 + cols;
  const X = (c) => mx + (c - c0) * cs, Y = (r) => my + (r - r0) * cs;

  function draw() {
    // Where the sticky canvas sits in the matrix: at the scroll offset, but never past the spacer's bottom.
    // (canvasH, not viewH: the browser keeps the whole sticky canvas inside the spacer)
    const top = Math.max(0, Math.min(st.scrollTop || 0, Hpx - canvasH));
    // Unchanged inputs (a change elsewhere on the page, a scroll event that did not move it): keep the pixels.
    const inputs = {
      C, xs, ys, ws, bias, top, r0, c0, rows, cols, cs, Wpx, viewH, dpr, transposed: transposed, pinnedOut, highlight: data.contributions,
      hover: JSON.stringify(st.hover), pal, width: bufW, height: bufH,
    };
    if (sameDraw(canvas[DRAWN], inputs)) return;
    canvas[DRAWN] = inputs;
    // Matrix rows in sight; the rest is not drawn.
    const rLo = Math.max(r0, r0 + Math.floor((top - my) / cs)), rHi = Math.min(r0 + rows, r0 + Math.ceil((top + canvasH - my) / cs));
    // Drawn through an OffscreenCanvas (as the grids are): the element then only shows what was drawn.
    const surface = canvasSurface(canvas);
    if (surface.width !== bufW) surface.width = bufW;
    if (surface.height !== bufH) surface.height = bufH;
    const ctx = surface.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, -top * dpr);
    ctx.clearRect(0, top, bufW / dpr, canvasH);
    const { fg, faint, hl } = colors;
    ctx.font = `${Math.max(8, Math.floor(cs * 0.5))}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    // background lattice, the part in sight (a pixel beyond it either way, so line ends are drawn as before)
    const yLo = Math.max(my, top - 1), yHi = Math.min(my + rows * cs, top + canvasH + 1);
    ctx.fillStyle = colors.panel;
    if (yHi > yLo) ctx.fillRect(mx, yLo, cols * cs, yHi - yLo);
    if (cs >= 6 && yHi > yLo) {
      ctx.strokeStyle = faint;
      ctx.lineWidth = 0.5;
      ctx.beginPath();
      for (let r = rLo - r0; r <= Math.min(rows, rHi - r0); r++) { ctx.moveTo(mx, my + r * cs); ctx.lineTo(mx + cols * cs, my + r * cs); }
      for (let c = 0; c <= cols; c++) { ctx.moveTo(mx + c * cs, yLo); ctx.lineTo(mx + c * cs, yHi); }
      ctx.stroke();
    }
    // nonzeros
    // Only the drawn rows in sight, through C's grouping by drawn row: a windowed C of the 32×32 case has 25,600
    // nonzeros, of which a few thousand are in sight.
    const byRow = transposed ? lookups.out : lookups.inp;
    for (let r = rLo; r < rHi; r++) for (let q = byRow.start[r]; q < byRow.start[r + 1]; q++) {
      const e = byRow.entries[q];
      const c = transposed ? C.row[e] : C.col[e];
      if (!shown(r, c)) continue;
      const k = C.weightIndex[e];
      const { bg, fg: tfg } = tapColor(k % taps);
      ctx.fillStyle = bg;
      if (cs >= 4) ctx.fillRect(X(c) + 0.5, Y(r) + 0.5, cs - 1, cs - 1);
      else ctx.fillRect(X(c), Y(r), Math.max(cs, 0.6), Math.max(cs, 0.6));
      if (cs >= 16) { ctx.fillStyle = tfg; ctx.fillText(num(ws[k]), X(c) + cs / 2, Y(r) + cs / 2 + 0.5); }
    }
    // vectors: vec(x) along the input side, y along the output side
    const vecCell = (px, py, v, m) => {
      ctx.fillStyle = colors.panel;
      ctx.fillRect(px, py, cs, cs);
      // the grids' tint (a plain rgba), so vec(x) and y match the reshaped grids beside the matrix
      const t = tint(v, m, pal);
      if (t) {
        ctx.fillStyle = t;
        ctx.fillRect(px, py, cs, cs);
      }
      if (cs >= 6) { ctx.strokeStyle = faint; ctx.lineWidth = 0.5; ctx.strokeRect(px + 0.25, py + 0.25, cs - 0.5, cs - 0.5); }
      if (cs >= 16) { ctx.fillStyle = fg; ctx.fillText(num(v), px + cs / 2, py + cs / 2 + 0.5); }
    };
    // y's strip shows Cᵀ·vec(x); with a bias, b's strip beside it (their sum is the output grid)
    const cty = (q) => (bias ? ys[q] - bias.at(q) : ys[q]);
    if (transposed) {
      for (let c = c0; c < c0 + cols; c++) vecCell(X(c), 0, xs[c], xMax);
      for (let r = rLo; r < rHi; r++) vecCell(mx + cols * cs + gap, Y(r), cty(r), yMax);
      if (bias) for (let r = rLo; r < rHi; r++) vecCell(mx + cols * cs + 2 * gap + cs, Y(r), bias.at(r), bias.max);
    } else {
      for (let r = rLo; r < rHi; r++) vecCell(0, Y(r), xs[r], xMax);
      for (let c = c0; c < c0 + cols; c++) vecCell(X(c), my + rows * cs + gap, cty(c), yMax);
      if (bias) for (let c = c0; c < c0 + cols; c++) vecCell(X(c), my + rows * cs + 2 * gap + cs, bias.at(c), bias.max);
    }
    // highlights: the pinned output line (solid) and the hovered line (dashed)
    const line = (outIdx, dashed) => {
      ctx.save();
      ctx.strokeStyle = hl; ctx.lineWidth = 2;
      if (dashed) ctx.setLineDash([4, 3]);
      if (transposed) {
        if (outIdx >= r0 && outIdx < r0 + rows) ctx.strokeRect(mx - 1, Y(outIdx), cols * cs + (bias ? 2 : 1) * (gap + cs) + 2, cs);
      } else if (outIdx >= c0 && outIdx < c0 + cols) ctx.strokeRect(X(outIdx), my - 1, cs, rows * cs + (bias ? 2 : 1) * (gap + cs) + 2);
      // contributing vec(x) entries
      for (const inIdx of byOut.get(outIdx) || []) {
        if (transposed) { if (inIdx >= c0 && inIdx < c0 + cols) ctx.strokeRect(X(inIdx) + 1, 1, cs - 2, cs - 2); }
        else if (inIdx >= r0 && inIdx < r0 + rows) ctx.strokeRect(1, Y(inIdx) + 1, cs - 2, cs - 2);
      }
      ctx.restore();
    };
    const inLine = (inIdx) => {
      ctx.save(); ctx.strokeStyle = hl; ctx.lineWidth = 2; ctx.setLineDash([4, 3]);
      if (transposed) { if (inIdx >= c0 && inIdx < c0 + cols) ctx.strokeRect(X(inIdx), 0, cs, my + rows * cs); }
      else if (inIdx >= r0 && inIdx < r0 + rows) ctx.strokeRect(0, Y(inIdx), mx + cols * cs, cs);
      ctx.restore();
    };
    if (pinnedOut !== null) line(pinnedOut, false);
    // A pinned input cell: its line of C; a tap: its entries, the diagonal; an entry of C: itself.
    const h = data.contributions;
    if (pinnedIn !== null) {
      ctx.save(); ctx.strokeStyle = hl; ctx.lineWidth = 2;
      if (transposed) { if (pinnedIn >= c0 && pinnedIn < c0 + cols) ctx.strokeRect(X(pinnedIn), 1, cs, my + rows * cs - 1); }
      else if (pinnedIn >= r0 && pinnedIn < r0 + rows) ctx.strokeRect(1, Y(pinnedIn), mx + cols * cs - 1, cs);
      ctx.restore();
    }
    if (h.kind && h.kind !== 'y') {
      ctx.save(); ctx.strokeStyle = hl; ctx.lineWidth = h.kind === 'C' ? 3 : 2;
      for (const e of h.entries) {
        const [r, c] = transposed ? [e.o, e.i] : [e.i, e.o];
        if (shown(r, c)) ctx.strokeRect(X(c) + 1, Y(r) + 1, cs - 2, cs - 2);
      }
      if (h.kind === 'C') {
        const [r, c] = transposed ? [data.pin.index[1], data.pin.index[0]] : data.pin.index;
        if (shown(r, c)) { ctx.strokeStyle = fg; ctx.lineWidth = 1; ctx.strokeRect(X(c) + 3.5, Y(r) + 3.5, cs - 7, cs - 7); }
      }
      ctx.restore();
    }
    if (st.hover && st.hover.out !== undefined && st.hover.out !== pinnedOut) line(st.hover.out, true);
    if (st.hover && st.hover.in !== undefined) inLine(st.hover.in);
  }

  // --- reshaped input and output grids (shown channel slices; a 3-D input's depth slices, its output's chosen one)
  const csGrid = cellSize(container, P.W + P.Wout, { min: 16, max: 36, reserve: 80 });
  const ySl = planeOf(data.output, 0, data.co, data.dz);
  const depthsIn = Array.from({ length: P.D }, (_, z) => z);
  const inDepthCells = (z) => data.contributions.inputCells.filter((_, q) => P.rank !== 3 || data.contributions.inputDepths[q] === z);
  const vecIn = (z, i, j) => ((data.ci * P.D + z) * P.H + i) * P.W + j;
  let inGrids = depthsIn.map((z) => {
    const xSl = planeOf(data.input, 0, data.ci, z);
    return makeGrid({
      rows: P.H, cols: P.W, name: P.rank === 3 ? `matrix-input-${z}` : 'matrix-input', same: [data.input, data.ci, z, pal, P.H, P.W],
      label: `Input x (channel ${data.ci}${P.rank === 3 ? `, depth ${z}` : ''}) = vec(x) reshaped`, cell: csGrid,
      text: (i, j) => num(xSl.at(i, j)), value: (i, j) => xSl.at(i, j), bg: (i, j) => tint(xSl.at(i, j), xMax, pal),
      palette: pal, marks: { contrib: inDepthCells(z) }, pinned: pinnedAt(data.contributions.pinX, z), pickWhat: 'an input cell',
      onPick: (i, j) => data.pins.x(i, j, z), onClear: data.pins.clear,
      title: (i, j) => `${cellName('x', [data.ci], spatial(P, i, j, z), P)} = ${num(xSl.at(i, j))} (vec index ${vecIn(z, i, j)})`,
      onHover: (p) => setHover(p ? { in: vecIn(z, p[0], p[1]) } : null),
    });
  });
  let outGrid = makeGrid({
    rows: P.Hout, cols: P.Wout, name: 'matrix-output', same: [data.output, data.co, data.dz, pal, P.Hout, P.Wout],
    label: `Output y (channel ${data.co}${P.rank === 3 ? `, depth ${data.dz}` : ''}) = Cᵀ·vec(x)${bias ? ' + b' : ''} reshaped`, cell: csGrid,
    text: (i, j) => num(ySl.at(i, j)), value: (i, j) => ySl.at(i, j), bg: (i, j) => tint(ySl.at(i, j), yMax, pal), pinned: data.pinned,
    palette: pal,
    title: (i, j) => `${cellName('y', [data.co], spatial(P, i, j, data.dz), P)} = ${num(ySl.at(i, j))}`, onPick: data.onPin,
    marks: { contrib: data.contributions.outputCells }, onClear: data.pins.clear,
    onHover: (p) => setHover(p ? { out: outIndexOf(P, data.co, data.dz, p) } : null),
  });
  const plane = (rows, cols) => (P.rank === 1 ? `${cols} cells` : `${rows}×${cols}`);
  gridsRow.append(
    ...inGrids.map((g, z) => figure(`vec(x) reshaped: input${P.rank === 3 ? `, depth ${z}` : ''}, ${plane(P.H, P.W)}`, g)),
    figure(`Cᵀ·vec(x)${bias ? ' + b' : ''} reshaped: output${P.rank === 3 ? `, depth ${data.dz}` : ''}, ${plane(P.Hout, P.Wout)}`, outGrid),
  );

  function setHover(h) {
    st.hover = h;
    const cellsIn = depthsIn.map(() => []), cellsOut = [];
    if (h && h.out !== undefined) {
      for (const q of byOut.get(h.out) || []) {
        const [c, z, i, j] = inAt(q);
        if (c === data.ci) cellsIn[z].push([i, j]);
      }
    }
    if (h && h.in !== undefined) {
      for (const q of byIn.get(h.in) || []) {
        const [c, z, i, j] = outAt(q);
        if (c === data.co && z === data.dz) cellsOut.push([i, j]);
      }
    }
    inGrids.forEach((g, z) => markCells(g, cellsIn[z], 'hover'));
    markCells(outGrid, cellsOut, 'hover');
    info.textContent = h ? describe(h) : defaultInfo;
    draw();
  }
  function describe(h) {
    if (h.cell) {
      const [inIdx, outIdx] = h.cell;
      const k = entry.get(inIdx * C.cols + outIdx);
      const where = transposed ? `Cᵀ[${outIdx},${inIdx}]` : `C[${inIdx},${outIdx}]`;
      if (k === undefined) return `${where} = 0: ${inName(inIdx)} does not reach ${outName(outIdx)}.`;
      return `${where} = ${wName(k)} = ${num(ws[k])}: ${inName(inIdx)} reaches ${outName(outIdx)} through this tap.`;
    }
    if (h.out !== undefined) {
      const ins = byOut.get(h.out) || [];
      const b = bias ? ` (Cᵀ·vec(x) = ${num(ys[h.out] - bias.at(h.out))}, plus the bias ${num(bias.at(h.out))})` : '';
      return `${outName(h.out)} = ${num(ys[h.out])}${b}: its ${transposed ? 'row' : 'column'} has ${ins.length} nonzero${ins.length === 1 ? '' : 's'}, from ${ins.map(inName).join(', ') || 'no input'}.`;
    }
    const outs = byIn.get(h.in) || [];
    return `${inName(h.in)} = ${num(xs[h.in])} reaches ${outs.length} output cell${outs.length === 1 ? '' : 's'}.`;
  }

  const hit = (ev) => {
    // Positions in the matrix: the spacer around the canvas scrolls with it, the canvas itself stays in view.
    const rect = ev.currentTarget.parentElement.getBoundingClientRect();
    const px = ev.clientX - rect.left, py = ev.clientY - rect.top;
    const c = c0 + Math.floor((px - mx) / cs), r = r0 + Math.floor((py - my) / cs);
    const inside = px >= mx && py >= my;
    if (inside && shown(r, c)) return { cell: inOut(r, c), out: inOut(r, c)[1], in: inOut(r, c)[0] };
    if (transposed && py < cs && c >= c0 && c < c0 + cols) return { in: c };
    if (!transposed && px < cs && r >= r0 && r < r0 + rows) return { in: r };
    if (transposed && px > mx + cols * cs && r >= r0 && r < r0 + rows) return { out: r };
    if (!transposed && py > my + rows * cs && c >= c0 && c < c0 + cols) return { out: c };
    return null;
  };
  listen(canvas, 'pointermove', (ev) => {
    if (ev.pointerType !== 'mouse') return;
    st.tapped = null;
    const h = hit(ev);
    if (JSON.stringify(h) !== JSON.stringify(st.hover)) setHover(h);
  });
  listen(canvas, 'pointerleave', (ev) => { if (ev.pointerType === 'mouse') setHover(null); });
  // A touch screen has no hover: a tap shows what the pointer would (and stays shown when the tap also pins).
  listen(canvas, 'pointerup', (ev) => {
    if (ev.pointerType === 'mouse') return;
    st.tapped = hit(ev);
    st.tappedIn = C;
    setHover(st.tapped);
  });
  listen(canvas, 'click', (ev) => {
    const h = hit(ev);
    if (h && h.cell) data.pins.entry(h.cell[0], h.cell[1]);
    else if (h && h.out !== undefined) {
      const [co, z, i, j] = outAt(h.out);
      data.onPin(i, j, co, P.rank === 3 ? z : undefined);
    } else if (h && h.in !== undefined) {
      const [c, z, i, j] = inAt(h.in);
      data.pins.x(i, j, z, [c]);
    }
  });
  listen(canvas, 'keydown', (ev) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = moves[ev.key];
    if (ev.key === 'Escape') { ev.preventDefault(); data.pins.clear(); return; }
    if (!m) return;
    ev.preventDefault();
    const [r, c] = data.pinned || [0, 0];
    const nr = data.pinned ? Math.max(0, Math.min(P.Hout - 1, r + m[0])) : 0;
    const nc = data.pinned ? Math.max(0, Math.min(P.Wout - 1, c + m[1])) : 0;
    data.onPin(nr, nc);
  });
  // What a tap showed stays shown when the tap's pin draws the view again.
  if (st.tappedIn !== C) st.tapped = null;
  st.hover = st.tapped || null;
  if (st.hover) info.textContent = describe(st.hover);
  // Drawn once the canvas is on the page (into the live canvas, whose pixel buffer is reused); hovering redraws it.
  paintCanvas(canvas, (target) => { canvas = target; st.redraw = draw; draw(); });
  return {
    live() {
      // The handlers above work on the page's nodes, not on the fresh ones they were built with.
      inGrids = inGrids.map(liveOf);
      outGrid = liveOf(outGrid);
      info = liveOf(info);
      wrap = liveOf(wrap);
      // The canvas was drawn at the pinned row that was out of sight: scroll the wrapper there to match.
      if (scrollTo !== null) wrap.scrollTop = scrollTo;
    },
  };
}
