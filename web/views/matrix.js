// Matrix view: y = Cᵀ · vec(x), with C the matrix of the forward convolution (engine.matrix). The matrix is drawn on
// a <canvas> (it can have thousands of rows); the input and output grids beside it are DOM cells.
// Cᵀ layout: vec(x) runs across the top (one entry per column), y = Cᵀ·vec(x) down the right (one per row).
// C layout: vec(x) down the left (one per row), y across the bottom (one per column).
import { el, makeGrid, markCells, cellSize, tapColor, tint, maxAbs, figure, slice2d, keepFocus } from '../grid.js';
import { num, idx } from '../format.js';

/** Beyond this many nonzeros the view explains instead of drawing: at 4 million, building its lookups took 30 s. */
const MAX_DRAWN_NONZEROS = 250000;

const local = new WeakMap(); // container -> {transposed, hover}; survives re-renders of the same container

export function render(container, data) {
  const st = local.get(container) || { transposed: true, hover: null };
  local.set(container, st);
  container.replaceChildren();

  // Every tap of every input: an upper bound of the nonzeros of C, known before asking the engine for them.
  const P0 = data.params;
  const bound = P0.Cin * P0.H * P0.W * P0.Cog * P0.kH * P0.kW;
  if (bound > MAX_DRAWN_NONZEROS) {
    container.append(el('p', { class: 'note' },
      `The matrix C here has up to ${bound.toLocaleString('en-US')} nonzeros (C_in·H·W · C_out/groups·kH·kW), more than the `
      + `${MAX_DRAWN_NONZEROS.toLocaleString('en-US')} this view draws: listing and drawing them would freeze the page for seconds. `
      + 'Make the input, kernel or channels smaller to see C, or use the Scatter and Padded direct views, which show the same numbers.'));
    return;
  }
  let C;
  try {
    C = data.artifact('matrix');
  } catch (e) {
    container.append(el('p', { class: 'note' }, `The matrix cannot be drawn for this configuration: ${e.message}`));
    return;
  }
  const P = data.params;
  const xs = data.input.data, ys = data.output.data, ws = data.weight.data;
  const taps = P.kH * P.kW;
  const inName = (r) => {
    const ci = Math.floor(r / (P.H * P.W)), i = Math.floor(r / P.W) % P.H, j = r % P.W;
    return P.Cin > 1 ? `x${idx(ci, i, j)}` : `x${idx(i, j)}`;
  };
  const outName = (c) => {
    const co = Math.floor(c / (P.Hout * P.Wout)), i = Math.floor(c / P.Wout) % P.Hout, j = c % P.Wout;
    return P.Cout > 1 ? `y${idx(co, i, j)}` : `y${idx(i, j)}`;
  };
  const wName = (k) => {
    const kw = k % P.kW, kh = Math.floor(k / P.kW) % P.kH, rest = Math.floor(k / taps);
    const cl = rest % P.Cog, ci = Math.floor(rest / P.Cog);
    return P.Cin > 1 || P.Cout > 1 ? `w${idx(ci, cl, kh, kw)}` : `w${idx(kh, kw)}`;
  };
  // entry lookup (input index, output index) -> weight index
  const entry = new Map();
  for (let e = 0; e < C.row.length; e++) entry.set(C.row[e] * C.cols + C.col[e], C.weightIndex[e]);
  const byOut = new Map(), byIn = new Map();
  for (let e = 0; e < C.row.length; e++) {
    if (!byOut.has(C.col[e])) byOut.set(C.col[e], []);
    byOut.get(C.col[e]).push(C.row[e]);
    if (!byIn.has(C.row[e])) byIn.set(C.row[e], []);
    byIn.get(C.row[e]).push(C.col[e]);
  }
  const pinnedOut = data.pinned ? (data.co * P.Hout + data.pinned[0]) * P.Wout + data.pinned[1] : null;

  // --- toolbar
  const toggle = el('button', { type: 'button', class: 'toggle', 'data-focus': 'transpose', 'aria-pressed': String(st.transposed) },
    st.transposed ? 'Showing Cᵀ (switch to C)' : 'Showing C (switch to Cᵀ)');
  toggle.addEventListener('click', () => { st.transposed = !st.transposed; keepFocus(container, () => render(container, data)); });
  const info = el('p', { class: 'info', 'aria-live': 'polite' });
  const defaultInfo = st.transposed
    ? `Cᵀ is ${C.cols}×${C.rows}: one row per output cell, one column per input cell. Row r of Cᵀ times vec(x) gives y[r].`
    : `C is ${C.rows}×${C.cols}: the forward convolution's matrix. Column c of C, dotted with vec(x), gives output cell c.`;
  info.textContent = defaultInfo;
  container.append(
    el('div', { class: 'toolbar' }, toggle,
      el('span', { class: 'legend' }, `${C.row.length} nonzeros, each a kernel tap (colour = tap; hover for value)`)),
    info,
  );

  // --- canvas
  const wrap = el('div', { class: 'matrix-wrap' });
  const canvas = el('canvas', {
    class: 'matrix', tabindex: 0, role: 'img', 'data-focus': 'matrix-canvas',
    'aria-label': `${st.transposed ? 'Cᵀ' : 'C'} matrix, ${st.transposed ? C.cols : C.rows} by ${st.transposed ? C.rows : C.cols}, with vec(x) and y. Arrow keys move the pinned output cell.`,
  });
  wrap.append(canvas);
  const gridsRow = el('div', { class: 'row' });
  // On wide screens the reshaped grids sit beside the matrix, on phones below it.
  container.append(el('div', { class: 'row' }, wrap, gridsRow));

  const M = st.transposed ? C.cols : C.rows; // matrix rows drawn
  const N = st.transposed ? C.rows : C.cols; // matrix cols drawn
  const avail = Math.max(280, (container.clientWidth || 800) - 8);
  // Fit the width; keep tall matrices to about a screen and a half (the wrapper scrolls beyond that).
  // Huge matrices go below one pixel per entry rather than past the browser's canvas size limits.
  const cs = Math.min(Math.max(3, Math.min(26, Math.floor(avail / (N + 2.5)), Math.max(16, Math.floor(1200 / M)))),
    4000 / (N + 2.5), 8000 / (M + 2.5));
  const gap = Math.max(4, Math.round(cs / 2));
  // geometry: matrix origin (mx, my); vec(x) and y strips
  const mx = st.transposed ? 0 : cs + gap, my = st.transposed ? cs + gap : 0;
  const Wpx = mx + N * cs + (st.transposed ? gap + cs : 0) + 1;
  const Hpx = my + M * cs + (st.transposed ? 0 : gap + cs) + 1;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.ceil(Wpx * dpr);
  canvas.height = Math.ceil(Hpx * dpr);
  canvas.style.width = `${Wpx}px`;
  canvas.style.height = `${Hpx}px`;
  const css = getComputedStyle(container);
  const color = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const xMax = maxAbs(xs), yMax = maxAbs(ys);

  // map drawn (row, col) <-> (input index, output index)
  const inOut = (r, c) => (st.transposed ? [c, r] : [r, c]);

  function draw() {
    const ctx = canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, Wpx, Hpx);
    const fg = color('--fg', '#222'), faint = color('--line', '#ccc'), hl = color('--hl', '#e69f00');
    ctx.font = `${Math.max(8, Math.floor(cs * 0.5))}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    // background lattice
    ctx.fillStyle = color('--panel', '#fff');
    ctx.fillRect(mx, my, N * cs, M * cs);
    if (cs >= 6) {
      ctx.strokeStyle = faint;
      ctx.lineWidth = 0.5;
      ctx.beginPath();
      for (let r = 0; r <= M; r++) { ctx.moveTo(mx, my + r * cs); ctx.lineTo(mx + N * cs, my + r * cs); }
      for (let c = 0; c <= N; c++) { ctx.moveTo(mx + c * cs, my); ctx.lineTo(mx + c * cs, my + M * cs); }
      ctx.stroke();
    }
    // nonzeros
    for (let e = 0; e < C.row.length; e++) {
      const r = st.transposed ? C.col[e] : C.row[e], c = st.transposed ? C.row[e] : C.col[e];
      const k = C.weightIndex[e];
      const { bg, fg: tfg } = tapColor(k % taps);
      ctx.fillStyle = bg;
      if (cs >= 4) ctx.fillRect(mx + c * cs + 0.5, my + r * cs + 0.5, cs - 1, cs - 1);
      else ctx.fillRect(mx + c * cs, my + r * cs, Math.max(cs, 0.6), Math.max(cs, 0.6));
      if (cs >= 16) { ctx.fillStyle = tfg; ctx.fillText(num(ws[k]), mx + c * cs + cs / 2, my + r * cs + cs / 2 + 0.5); }
    }
    // vectors
    const vecCell = (px, py, v, m) => {
      const t = tint(v, m);
      ctx.fillStyle = color('--panel', '#fff');
      ctx.fillRect(px, py, cs, cs);
      if (t) { ctx.fillStyle = v > 0 ? color('--pos', '#4477aa') : color('--neg', '#ee6677'); ctx.globalAlpha = 0.15 + 0.45 * Math.min(1, Math.abs(v) / m); ctx.fillRect(px, py, cs, cs); ctx.globalAlpha = 1; }
      if (cs >= 6) { ctx.strokeStyle = faint; ctx.lineWidth = 0.5; ctx.strokeRect(px + 0.25, py + 0.25, cs - 0.5, cs - 0.5); }
      if (cs >= 16) { ctx.fillStyle = fg; ctx.fillText(num(v), px + cs / 2, py + cs / 2 + 0.5); }
    };
    for (let q = 0; q < C.rows; q++) {
      if (st.transposed) vecCell(mx + q * cs, 0, xs[q], xMax); else vecCell(0, my + q * cs, xs[q], xMax);
    }
    for (let q = 0; q < C.cols; q++) {
      if (st.transposed) vecCell(mx + N * cs + gap, my + q * cs, ys[q], yMax); else vecCell(mx + q * cs, my + M * cs + gap, ys[q], yMax);
    }
    // highlights: the pinned output line (solid) and the hovered line (dashed)
    const line = (outIdx, dashed) => {
      ctx.save();
      ctx.strokeStyle = hl; ctx.lineWidth = 2;
      if (dashed) ctx.setLineDash([4, 3]);
      if (st.transposed) ctx.strokeRect(mx - 1, my + outIdx * cs, N * cs + gap + cs + 2, cs);
      else ctx.strokeRect(mx + outIdx * cs, my - 1, cs, M * cs + gap + cs + 2);
      // contributing vec(x) entries
      for (const inIdx of byOut.get(outIdx) || []) {
        if (st.transposed) ctx.strokeRect(mx + inIdx * cs + 1, 1, cs - 2, cs - 2);
        else ctx.strokeRect(1, my + inIdx * cs + 1, cs - 2, cs - 2);
      }
      ctx.restore();
    };
    const inLine = (inIdx) => {
      ctx.save(); ctx.strokeStyle = hl; ctx.lineWidth = 2; ctx.setLineDash([4, 3]);
      if (st.transposed) ctx.strokeRect(mx + inIdx * cs, 0, cs, my + M * cs);
      else ctx.strokeRect(0, my + inIdx * cs, mx + N * cs, cs);
      ctx.restore();
    };
    if (pinnedOut !== null) line(pinnedOut, false);
    if (st.hover && st.hover.out !== undefined && st.hover.out !== pinnedOut) line(st.hover.out, true);
    if (st.hover && st.hover.in !== undefined) inLine(st.hover.in);
  }

  // --- reshaped input and output grids (shown channel slices)
  const csGrid = cellSize(gridsRow, P.W + P.Wout, { min: 16, max: 36, reserve: 80 });
  const xSl = slice2d(data.input, 0, data.ci), ySl = slice2d(data.output, 0, data.co);
  const inGrid = makeGrid({
    rows: P.H, cols: P.W, name: 'matrix-input', label: `Input x (channel ${data.ci}) = vec(x) reshaped`, cell: csGrid,
    text: (i, j) => num(xSl.at(i, j)), value: (i, j) => xSl.at(i, j), bg: (i, j) => tint(xSl.at(i, j), xMax),
    title: (i, j) => `x${idx(i, j)} = ${num(xSl.at(i, j))} (vec index ${(data.ci * P.H + i) * P.W + j})`,
    onHover: (p) => setHover(p ? { in: (data.ci * P.H + p[0]) * P.W + p[1] } : null),
  });
  const outGrid = makeGrid({
    rows: P.Hout, cols: P.Wout, name: 'matrix-output', label: `Output y (channel ${data.co}) = Cᵀ·vec(x) reshaped`, cell: csGrid,
    text: (i, j) => num(ySl.at(i, j)), value: (i, j) => ySl.at(i, j), bg: (i, j) => tint(ySl.at(i, j), yMax), pinned: data.pinned,
    title: (i, j) => `y${idx(i, j)} = ${num(ySl.at(i, j))}`, onPick: data.onPin,
    onHover: (p) => setHover(p ? { out: (data.co * P.Hout + p[0]) * P.Wout + p[1] } : null),
  });
  markCells(inGrid, data.contributions.inputCells, 'contrib');
  gridsRow.append(
    figure(`vec(x) reshaped: input, ${P.H}×${P.W}`, inGrid),
    figure(`Cᵀ·vec(x) reshaped: output, ${P.Hout}×${P.Wout}`, outGrid),
  );

  function setHover(h) {
    st.hover = h;
    const cellsIn = [], cellsOut = [];
    if (h && h.out !== undefined) for (const r of byOut.get(h.out) || []) if (Math.floor(r / (P.H * P.W)) === data.ci) cellsIn.push([Math.floor(r / P.W) % P.H, r % P.W]);
    if (h && h.in !== undefined) for (const c of byIn.get(h.in) || []) if (Math.floor(c / (P.Hout * P.Wout)) === data.co) cellsOut.push([Math.floor(c / P.Wout) % P.Hout, c % P.Wout]);
    markCells(inGrid, cellsIn, 'hover');
    markCells(outGrid, cellsOut, 'hover');
    info.textContent = h ? describe(h) : defaultInfo;
    draw();
  }
  function describe(h) {
    if (h.cell) {
      const [inIdx, outIdx] = h.cell;
      const k = entry.get(inIdx * C.cols + outIdx);
      const where = st.transposed ? `Cᵀ[${outIdx},${inIdx}]` : `C[${inIdx},${outIdx}]`;
      if (k === undefined) return `${where} = 0: ${inName(inIdx)} does not reach ${outName(outIdx)}.`;
      return `${where} = ${wName(k)} = ${num(ws[k])}: ${inName(inIdx)} reaches ${outName(outIdx)} through this tap.`;
    }
    if (h.out !== undefined) {
      const ins = byOut.get(h.out) || [];
      return `${outName(h.out)} = ${num(ys[h.out])}: its ${st.transposed ? 'row' : 'column'} has ${ins.length} nonzero${ins.length === 1 ? '' : 's'}, from ${ins.map(inName).join(', ') || 'no input'}.`;
    }
    const outs = byIn.get(h.in) || [];
    return `${inName(h.in)} = ${num(xs[h.in])} reaches ${outs.length} output cell${outs.length === 1 ? '' : 's'}.`;
  }

  const hit = (ev) => {
    const rect = canvas.getBoundingClientRect();
    const px = ev.clientX - rect.left, py = ev.clientY - rect.top;
    const c = Math.floor((px - mx) / cs), r = Math.floor((py - my) / cs);
    if (r >= 0 && r < M && c >= 0 && c < N) return { cell: inOut(r, c), out: inOut(r, c)[1], in: inOut(r, c)[0] };
    if (st.transposed && py < cs && c >= 0 && c < N) return { in: c };
    if (!st.transposed && px < cs && r >= 0 && r < M) return { in: r };
    if (st.transposed && px > mx + N * cs && r >= 0 && r < M) return { out: r };
    if (!st.transposed && py > my + M * cs && c >= 0 && c < N) return { out: c };
    return null;
  };
  canvas.addEventListener('mousemove', (ev) => {
    const h = hit(ev);
    if (JSON.stringify(h) !== JSON.stringify(st.hover)) setHover(h);
  });
  canvas.addEventListener('mouseleave', () => setHover(null));
  canvas.addEventListener('click', (ev) => {
    const h = hit(ev);
    if (h && h.out !== undefined) {
      const co = Math.floor(h.out / (P.Hout * P.Wout));
      data.onPin(Math.floor(h.out / P.Wout) % P.Hout, h.out % P.Wout, co);
    }
  });
  canvas.addEventListener('keydown', (ev) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = moves[ev.key];
    if (!m) return;
    ev.preventDefault();
    const [r, c] = data.pinned || [0, 0];
    const nr = data.pinned ? Math.max(0, Math.min(P.Hout - 1, r + m[0])) : 0;
    const nc = data.pinned ? Math.max(0, Math.min(P.Wout - 1, c + m[1])) : 0;
    data.onPin(nr, nc);
  });
  st.hover = null;
  draw();
}
