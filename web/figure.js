// The figure of a view as SVG text: a pure function of the store's derived values, a state and a palette. It never
// measures the page, so it is the same at every window size, and it runs in Node as well (a figure for a README or a
// paper is the same file the page's SVG button saves). Each view says what its figure holds (its layout(), the same
// grids the page draws); this lays them out at fixed cell sizes and writes them as rectangles and text, big grids as
// one-pixel-per-cell PNG images and the matrix C as its nonzeros.
import { gridCells, cellLook, fontSize } from './grid.js';
import { bigGridImage, MAX_NUMBERED_CELLS } from './big-grid.js';
import { FONT, tapColor, tint, fade, maxAbs, over, hex } from './colors.js';
import { encodePNG, base64 } from './png.js';
import { num } from './format.js';
import * as matrixView from './views/matrix-layout.js';
import * as scatterView from './views/scatter.js';
import * as paddedDirectView from './views/padded_direct.js';
import * as subpixelView from './views/subpixel.js';

/** The width a figure's rows are fitted to, and its cell sizes. */
const WIDTH = 960;
const CELL = 26;
const BIG_CELL = 5;
const GAP = 24;
const MARGIN = 12;
const CAPTION = 18;
const TITLE = 24;

const VIEW_NAMES = { matrix: 'Matrix', scatter: 'Scatter', padded_direct: 'Padded direct', subpixel: 'Sub-pixel' };

const esc = (t) => String(t).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n2 = (v) => String(Math.round(v * 100) / 100);
const attrs = (a) => Object.entries(a).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => ` ${k}="${esc(typeof v === 'number' ? n2(v) : v)}"`).join('');
const tag = (name, a, text) => (text === undefined ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${esc(text)}</${name}>`);
/** Text width estimate (no layout here): about 0.6 em per character. */
const textWidth = (text, size) => String(text).length * size * 0.6;

/** One line naming the configuration, printed above the figure. */
export function figureTitle(view, P) {
  const ax = (list) => list.join('×');
  const padding = P.mode === 'symmetric' ? ax(P.before)
    : P.mode === 'per-side' ? P.before.map((b, a) => `${b},${P.after[a]}`).join(',') : `'${P.mode}' (${P.before.map((b, a) => `${b},${P.after[a]}`).join(',')})`;
  return `${VIEW_NAMES[view]} view: conv_transpose${P.rank}d, input ${ax(P.inSize)}, kernel ${ax(P.kSize)}, stride ${ax(P.stride)}, padding ${padding}`
    + `${P.outputPadding.some(Boolean) ? `, output_padding ${ax(P.outputPadding)}` : ''}${P.dilation.some((d) => d > 1) ? `, dilation ${ax(P.dilation)}` : ''}`
    + `${P.g > 1 ? `, groups ${P.g}` : ''}${P.bias ? ', bias' : ''} → ${ax(P.outSize)}`;
}

/** A numbered grid at (x, y): {width, height, svg}. */
function numberedGrid(o, x, y, pal) {
  const cells = gridCells(o);
  const width = cells.cols * (cells.cell + 1) + 1, height = cells.rows * (cells.cell + 1) + 1;
  const out = [tag('rect', { x, y, width, height, fill: pal.line })];
  const size = fontSize(cells.cell);
  const base = over(pal.panel, '#ffffff');
  for (let q = 0; q < cells.cls.length; q++) {
    const c = cellLook(cells, q, pal);
    const b = { x: x + c.x, y: y + c.y, width: c.size, height: c.size };
    let fill = over(c.fill, base);
    if (c.padding) fill = over(fade(pal.muted, 22), fill);
    if (c.tint) fill = over(c.tint, fill);
    out.push(tag('rect', { ...b, fill: hex(fill) }));
    if (c.inserted) out.push(tag('circle', { cx: b.x + b.width / 2, cy: b.y + 4, r: 1.2, fill: pal.muted }));
    if (c.opstrip) out.push(tag('rect', { ...b, fill: pal.heat, 'fill-opacity': 0.35 }));
    if (c.shade) out.push(tag('rect', { ...b, fill: hex(over(c.shade, fill)) }));
    if (c.hatch) out.push(tag('path', { d: `M${b.x},${b.y}L${b.x + b.width},${b.y + b.height}`, stroke: pal.fg, 'stroke-opacity': 0.35 }));
    if (c.dashed) out.push(tag('rect', { x: b.x + 2, y: b.y + 2, width: b.width - 4, height: b.height - 4, fill: 'none', stroke: c.dashed, 'stroke-width': 2, 'stroke-dasharray': '4 2' }));
    for (const [color, w, inset = 0] of c.rings) {
      const e = inset + w / 2;
      out.push(tag('rect', { x: b.x + e, y: b.y + e, width: b.width - 2 * e, height: b.height - 2 * e, fill: 'none', stroke: color, 'stroke-width': w }));
    }
    if (c.text) {
      out.push(tag('text', {
        x: b.x + b.width / 2, y: b.y + b.height / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central',
        'font-size': size, 'font-weight': c.bold ? 700 : 400, fill: c.color,
      }, c.text));
    }
    if (c.tag && c.size >= 24) out.push(tag('text', { x: b.x + 2, y: b.y + 9, 'font-size': 9, fill: c.color }, c.tag));
  }
  return { width, height, svg: out.join('') };
}

/** A grid too big for numbers: its one-pixel-per-cell image, scaled up sharp, and its outlines. */
function imageGrid(o, x, y) {
  const img = bigGridImage(o);
  const cs = BIG_CELL;
  const width = img.cols * cs, height = img.rows * cs;
  const href = `data:image/png;base64,${base64(encodePNG(img.cols, img.rows, img.pixels))}`;
  const out = [tag('image', { x, y, width, height, href, style: 'image-rendering: pixelated', preserveAspectRatio: 'none' })];
  for (const [i, j, color] of img.outlines) {
    out.push(tag('rect', { x: x + (j - img.c0) * cs + 0.5, y: y + (i - img.r0) * cs + 0.5, width: cs - 1, height: cs - 1, fill: 'none', stroke: color, 'stroke-width': 1 }));
  }
  return { width, height, svg: out.join('') };
}

/** A cell size that fits `cols` columns into the figure's width. */
const fitCell = (cols) => Math.max(14, Math.min(CELL, Math.floor((WIDTH - 2) / Math.max(cols, 1)) - 1));

function gridItem(o, x, y, pal) {
  const sized = { ...o, cell: fitCell(o.cols), onPick: undefined, onHover: undefined };
  return o.rows * o.cols > MAX_NUMBERED_CELLS ? imageGrid(sized, x, y) : numberedGrid(sized, x, y, pal);
}

/** The matrix C (or Cᵀ) with vec(x) and y beside it, as the page draws it, at the figure's width. */
function matrixItem(mx, x0, y0, pal) {
  const { C, transposed, xs, ys, ws, P, pinnedOut, bias } = mx;
  const g = matrixView.geometry(C, transposed, pinnedOut, WIDTH, Boolean(bias));
  const { cs, rows, cols, r0, c0, gap } = g;
  const taps = P.kH * P.kW;
  const X = (c) => x0 + g.mx + (c - c0) * cs, Y = (r) => y0 + g.my + (r - r0) * cs;
  const out = [tag('rect', { x: x0 + g.mx, y: y0 + g.my, width: cols * cs, height: rows * cs, fill: pal.panel, stroke: pal.line, 'stroke-width': 0.5 })];
  const size = Math.max(8, Math.floor(cs * 0.5));
  for (let e = 0; e < C.row.length; e++) {
    const r = transposed ? C.col[e] : C.row[e], c = transposed ? C.row[e] : C.col[e];
    if (r < r0 || r >= r0 + rows || c < c0 || c >= c0 + cols) continue;
    const k = C.weightIndex[e];
    const { bg, fg } = tapColor(k % taps);
    out.push(tag('rect', { x: X(c) + 0.5, y: Y(r) + 0.5, width: cs - 1, height: cs - 1, fill: bg }));
    if (cs >= 16) out.push(tag('text', { x: X(c) + cs / 2, y: Y(r) + cs / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central', 'font-size': size, fill: fg }, num(ws[k])));
  }
  const xMax = maxAbs(xs), yMax = maxAbs(ys);
  const vec = (px, py, v, m) => {
    const t = tint(v, m, pal);
    out.push(tag('rect', { x: px, y: py, width: cs, height: cs, fill: hex(t ? over(t, over(pal.panel, '#ffffff')) : over(pal.panel, '#ffffff')), stroke: pal.line, 'stroke-width': 0.5 }));
    if (cs >= 16) out.push(tag('text', { x: px + cs / 2, y: py + cs / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central', 'font-size': size, fill: pal.fg }, num(v)));
  };
  // y's strip holds Cᵀ·vec(x); with a bias, b's strip is beside it (as the page draws them)
  const cty = (q) => (bias ? ys[q] - bias.at(q) : ys[q]);
  if (transposed) {
    for (let c = c0; c < c0 + cols; c++) vec(X(c), y0, xs[c], xMax);
    for (let r = r0; r < r0 + rows; r++) vec(x0 + g.mx + cols * cs + gap, Y(r), cty(r), yMax);
    if (bias) for (let r = r0; r < r0 + rows; r++) vec(x0 + g.mx + cols * cs + 2 * gap + cs, Y(r), bias.at(r), bias.max);
  } else {
    for (let r = r0; r < r0 + rows; r++) vec(x0, Y(r), xs[r], xMax);
    for (let c = c0; c < c0 + cols; c++) vec(X(c), y0 + g.my + rows * cs + gap, cty(c), yMax);
    if (bias) for (let c = c0; c < c0 + cols; c++) vec(X(c), y0 + g.my + rows * cs + 2 * gap + cs, bias.at(c), bias.max);
  }
  if (pinnedOut !== null) {
    if (transposed && pinnedOut >= r0 && pinnedOut < r0 + rows) {
      out.push(tag('rect', { x: x0 + g.mx - 1, y: Y(pinnedOut), width: cols * cs + (bias ? 2 : 1) * (gap + cs) + 2, height: cs, fill: 'none', stroke: pal.hl, 'stroke-width': 2 }));
    } else if (!transposed && pinnedOut >= c0 && pinnedOut < c0 + cols) {
      out.push(tag('rect', { x: X(pinnedOut), y: y0 + g.my - 1, width: cs, height: rows * cs + (bias ? 2 : 1) * (gap + cs) + 2, fill: 'none', stroke: pal.hl, 'stroke-width': 2 }));
    }
  }
  return { width: g.Wpx, height: g.Hpx, svg: out.join('') };
}

/** The rows of figures the view shows: [[{caption, grid | matrix}]], or a note. */
function partsOf(get, state, pal) {
  const cells = { small: CELL, canvas: CELL, kernel: CELL, padded: CELL, output: CELL, phase: CELL };
  if (state.view === 'scatter') return scatterView.layout(get, state, pal, cells);
  if (state.view === 'padded_direct') return paddedDirectView.layout(get, state, pal, cells);
  if (state.view === 'subpixel') return subpixelView.layout(get, state, pal, cells);
  return matrixView.layout(get, state, pal, cells);
}

/**
 * The figure of state.view as an SVG document. get: the store's get (or anything that answers the same names);
 * state: the page's state; pal: a palette of web/colors.js.
 */
export function figureSVG(get, state, pal) {
  const m = get('shown').model;
  if (!m) return null;
  const title = figureTitle(state.view, m.params);
  const parts = partsOf(get, state, pal);
  const body = [];
  let y = MARGIN + TITLE, width = textWidth(title, 14) * 1.03;
  if (parts.note) {
    body.push(tag('text', { x: MARGIN, y: y + 14, 'font-size': 13, fill: pal.muted }, parts.note));
    y += CAPTION + 8;
  }
  for (const row of parts.rows || []) {
    let x = MARGIN, tallest = 0;
    for (const item of row) {
      const at = { x, y: y + CAPTION };
      const drawn = item.grid ? gridItem(item.grid, at.x, at.y, pal) : matrixItem(item.matrix, at.x, at.y, pal);
      body.push(tag('text', { x, y: y + CAPTION - 5, 'font-size': 12, fill: pal.muted }, item.caption), drawn.svg);
      const w = Math.max(drawn.width, Math.min(textWidth(item.caption, 12), WIDTH));
      x += w + GAP;
      width = Math.max(width, x - GAP - MARGIN);
      tallest = Math.max(tallest, CAPTION + drawn.height);
    }
    y += tallest + 16;
  }
  const W = Math.ceil(width + 2 * MARGIN), H = Math.ceil(y - 16 + MARGIN);
  return `<svg xmlns="http://www.w3.org/2000/svg"${attrs({ width: W, height: H, viewBox: `0 0 ${W} ${H}`, 'font-family': FONT })}>`
    + tag('rect', { width: W, height: H, fill: pal.panel })
    + tag('text', { x: MARGIN, y: MARGIN + 14, 'font-size': 14, 'font-weight': 600, fill: pal.fg }, title)
    + body.join('') + '</svg>';
}
