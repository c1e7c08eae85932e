// Scatter view: every input cell stamps value × kernel onto an uncropped canvas at (i·s + kh·d, j·s + kw·d);
// overlaps add; then padding is cropped from every side (engine.scatter's window). Step-through replays the stamps.
import { el, listen, figure, cellSize } from '../dom.js';
import { renderInto, keepFocus } from '../morph.js';
import { makeGrid, slice2d } from '../grid.js';
import { tapColor, tint, fade, maxAbs } from '../colors.js';
import { player } from '../player.js';
import { num, idx } from '../format.js';

/** Columns of the uncropped canvas: the last stamp ends at (W−1)·s + d·(k−1), plus the output_padding strip. */
const canvasWidth = (P) => (P.W - 1) * P.s[1] + P.d[1] * (P.kW - 1) + 1 + P.op[1];

/**
 * The view's figures as data, for the page and the figure export alike: {rows: [[{caption, grid}]], …}, each grid
 * web/grid.js's options. cells: {small, canvas} cell sizes in px, and pin(r, c) to make the canvas a pin target.
 * get, state: the store's (tracked while drawing). Returns {note} when there is nothing to draw yet.
 */
export function layout(get, state, pal, cells) {
  const a = get('artifact scatter');
  if (a.pending) return { note: 'Computing the scatter canvas in the background…', pending: true };
  if (a.error) return { note: `This view cannot be drawn: ${a.error.message}` };
  const m = get('shown').model;
  const data = {
    params: m.params, input: m.input, weight: m.weight, ci: state.ci, co: state.co, pinned: state.cell,
    contributions: get('contributions'),
  };
  const P = data.params;
  const sc = a.value;
  const [, , Hc, Wc] = sc.canvas.shape;
  const win = sc.window;
  const group = Math.floor(data.co / P.Cog), cl = data.co % P.Cog;
  const ciFirst = group * P.Cig;
  const total = get('steps');
  const st = { t: state.step ?? total, heat: state.overlap };
  if (!(st.t <= total)) st.t = total;

  const stampAt = (t) => ({ ci: ciFirst + Math.floor(t / (P.H * P.W)), i: Math.floor(t / P.W) % P.H, j: t % P.W });
  const wAt = (ci, kh, kw) => data.weight.data[(((ci * P.Cog) + cl) * P.kH + kh) * P.kW + kw];
  const xAt = (ci, i, j) => data.input.data[(ci * P.H + i) * P.W + j];

  // Canvas values: the engine's canvas when all stamps are in; a running sum of the first t stamps while stepping.
  let values;
  if (st.t >= total) {
    // A view of the engine's canvas for channel co, not a copy: at the element cap it holds 4 million values.
    values = sc.canvas.data.subarray(data.co * Hc * Wc, (data.co + 1) * Hc * Wc);
  } else {
    values = new Float64Array(Hc * Wc);
    for (let t = 0; t < st.t; t++) {
      const { ci, i, j } = stampAt(t);
      for (let kh = 0; kh < P.kH; kh++) for (let kw = 0; kw < P.kW; kw++) {
        values[(i * P.s[0] + kh * P.d[0]) * Wc + j * P.s[1] + kw * P.d[1]] += xAt(ci, i, j) * wAt(ci, kh, kw);
      }
    }
  }
  // While stepping, the stamp just added is highlighted; with all stamps in, nothing is.
  const current = st.t >= 1 && st.t < total ? stampAt(st.t - 1) : null;
  const shownCi = current ? current.ci : data.ci;
  // current stamp footprint: canvas cell -> tap index
  const foot = new Map();
  if (current) {
    for (let kh = 0; kh < P.kH; kh++) for (let kw = 0; kw < P.kW; kw++) {
      foot.set((current.i * P.s[0] + kh * P.d[0]) * Wc + current.j * P.s[1] + kw * P.d[1], kh * P.kW + kw);
    }
  }
  const inWindow = (u, v) => u >= win.top && u < win.top + win.height && v >= win.left && v < win.left + win.width;
  const opStrip = (u, v) => u >= Hc - P.op[0] || v >= Wc - P.op[1];
  const vMax = maxAbs(values);
  const oMax = maxAbs(sc.overlap.data);
  const xSl = slice2d(data.input, 0, shownCi);
  const xMax = maxAbs(data.input.data);
  const contribIn = shownCi === data.ci ? data.contributions.inputCells : [];
  const pinCanvas = data.pinned ? [data.pinned[0] + win.top, data.pinned[1] + win.left] : null;
  const grids = {
    input: {
      rows: P.H, cols: P.W, name: 'scatter-input', same: [data.input, shownCi, current && current.i, current && current.j, pal], label: `Input x, channel ${shownCi}`, cell: cells.small,
      text: (i, j) => num(xSl.at(i, j)), value: (i, j) => xSl.at(i, j), bg: (i, j) => tint(xSl.at(i, j), xMax, pal),
      cls: (i, j) => (current && current.i === i && current.j === j ? 'current' : ''), palette: pal, marks: { contrib: contribIn },
      title: (i, j) => `x${idx(i, j)} = ${num(xSl.at(i, j))}: stamps at canvas (${i * P.s[0]}, ${j * P.s[1]})`,
    },
    kernel: {
      rows: P.kH, cols: P.kW, name: 'scatter-kernel', same: [data.weight, shownCi, cl, pal], label: `Kernel w[${shownCi},${cl}]`, cell: cells.small,
      text: (a, b) => num(wAt(shownCi, a, b)), bg: (a, b) => tapColor(a * P.kW + b).bg, fg: (a, b) => tapColor(a * P.kW + b).fg,
      title: (a, b) => `w${idx(a, b)} = ${num(wAt(shownCi, a, b))}`,
      palette: pal, marks: { contrib: shownCi === data.ci ? data.contributions.taps : [] },
    },
    canvas: {
      rows: Hc, cols: Wc, name: 'scatter-canvas', same: [sc, data.co, st.t, st.heat, pal], cell: cells.canvas, pinned: pinCanvas,
      label: `Uncropped canvas, ${Hc}×${Wc}${st.t < total ? `, after ${st.t} of ${total} stamps` : ''}; the output is the unshaded ${win.height}×${win.width} window`,
      text: (u, v) => (st.heat ? `×${sc.overlap.data[u * Wc + v]}` : num(values[u * Wc + v])),
      value: (u, v) => (st.heat ? sc.overlap.data[u * Wc + v] : values[u * Wc + v]),
      cls: (u, v) => (inWindow(u, v) ? '' : 'crop') + (opStrip(u, v) ? ' opstrip' : '') + (foot.has(u * Wc + v) ? ' stamp' : ''),
      bg: (u, v) => {
        if (foot.has(u * Wc + v)) return tapColor(foot.get(u * Wc + v)).bg;
        if (st.heat) return oMax ? fade(pal.heat, Math.round(100 * sc.overlap.data[u * Wc + v] / oMax)) : null;
        return tint(values[u * Wc + v], vMax, pal);
      },
      fg: (u, v) => (foot.has(u * Wc + v) ? tapColor(foot.get(u * Wc + v)).fg : null),
      title: (u, v) => {
        const o = inWindow(u, v) ? `output y[${u - win.top},${v - win.left}]` : 'cropped (padding)';
        return `canvas (${u}, ${v}) = ${num(values[u * Wc + v])}; ${sc.overlap.data[u * Wc + v]} tap(s) land here; ${o}`
          + (opStrip(u, v) ? '; output_padding strip' : '');
      },
      palette: pal,
      onPick: cells.pin && ((u, v) => cells.pin(
        Math.max(0, Math.min(win.height - 1, u - win.top)), Math.max(0, Math.min(win.width - 1, v - win.left)))),
    },
  };
  const captions = {
    input: P.Cin > 1 ? `Input x (channel ${shownCi})` : 'Input x',
    kernel: P.Cin > 1 || P.Cout > 1 ? `Kernel w[${shownCi},${cl}]` : 'Kernel w',
    canvas: st.heat
      ? 'Overlap count: how many kernel taps land on each canvas cell (a checkerboard appears when k is not a multiple of s)'
      : `Canvas before cropping (${Hc}×${Wc}); output = unshaded window (${win.height}×${win.width})`,
  };
  return {
    P, st, total, current, xAt, grids, captions,
    rows: [[{ caption: captions.input, grid: grids.input }, { caption: captions.kernel, grid: grids.kernel }],
      [{ caption: captions.canvas, grid: grids.canvas }]],
  };
}

/** Draws the scatter view into box from the store's derived values (ctx: web/app.js's view context). */
export function render(container, ctx) {
  const P = ctx.get('shown').model.params;
  const L = layout(ctx.get, ctx.state, ctx.palette, {
    small: cellSize(container, P.W + P.kW, { min: 18, max: 34, reserve: 60 }),
    canvas: cellSize(container, canvasWidth(P), { min: 14, max: 40, reserve: 16 }),
    pin: (r, c) => ctx.set({ cell: [r, c] }),
  });
  if (L.note) {
    container.replaceChildren(el('p', { class: 'note', ...(L.pending ? { role: 'status' } : {}) }, L.note));
    return;
  }
  const { st, total, current, xAt } = L;
  keepFocus(container, () => renderInto(container, (root) => {
    // The heat map is part of the link (overlap=1).
    const heat = el('input', { type: 'checkbox', id: 'scatter-heat', 'data-focus': 'heat', checked: st.heat });
    listen(heat, 'change', (ev) => ctx.set({ overlap: ev.currentTarget.checked }));
    root.append(
      el('p', { class: 'lede' },
        `Each input cell x[i,j] stamps x[i,j] × kernel onto the canvas with its top-left at (i·${P.s[0]}, j·${P.s[1]}); `
        + `where stamps overlap they add. Then ${P.p[0] || P.p[1] ? `padding (${P.p[0]}, ${P.p[1]}) is cropped from every side (shaded)` : 'nothing is cropped (padding 0)'}`
        + `${P.op[0] || P.op[1] ? `, and output_padding adds ${P.op[0]} row(s) at the bottom and ${P.op[1]} column(s) at the right (hatched)` : ''}. `
        + 'What is left is the output.'),
      el('div', { class: 'toolbar' },
        player({ t: st.t, total, playing: ctx.state.playing, speed: ctx.state.speed, noun: 'stamps' }, ctx.set),
        el('label', { class: 'check' }, heat, 'Overlap count heat map')),
    );

    const row = el('div', { class: 'row' });
    const inGrid = makeGrid(L.grids.input);
    const kGrid = makeGrid(L.grids.kernel);
    row.append(
      figure(L.captions.input, inGrid),
      figure(L.captions.kernel, kGrid),
    );
    if (current) {
      row.append(el('p', { class: 'stamp-note', 'aria-live': 'polite' },
        `Stamp ${st.t} of ${total}: x${P.Cin > 1 ? idx(current.ci, current.i, current.j) : idx(current.i, current.j)} = `
        + `${num(xAt(current.ci, current.i, current.j))}, times the kernel, added at rows ${current.i * P.s[0]}… and columns ${current.j * P.s[1]}… of the canvas.`));
    }
    root.append(row);

    const canvasGrid = makeGrid(L.grids.canvas);
    root.append(figure(L.captions.canvas, el('div', { class: 'scroll' }, canvasGrid)));
    const legend = el('p', { class: 'legend' },
      el('span', { class: 'swatch crop' }), ' cropped by padding  ',
      P.op[0] || P.op[1] ? [el('span', { class: 'swatch opstrip' }), ' output_padding strip  '] : null,
      el('span', { class: 'swatch pin' }), ' pinned output cell');
    root.append(legend);
  }));
}
