// Grids of numbers on canvas: makeGrid() builds a grid element whose one <canvas> draws every cell (its tint,
// outlines, patterns and number), with the same cells kept inside the canvas as .cell elements, its fallback content:
// the browser neither lays them out nor paints them, screen readers read them and tests query them. Grids with too
// many cells for numbers are drawn by web/big-grid.js, one pixel per cell.
//
// A grid is described by cell data (class, text, background, text colour per cell); cellLook() turns one cell into
// what is drawn, for the canvas here and for the figure export (web/figure.js) alike.
import { el, listen, pickByKey } from './dom.js';
import { takeOver, whenWritten } from './morph.js';
import { FONT, CELL_FONT_PX } from './colors.js';
import { bigGrid, MAX_NUMBERED_CELLS } from './big-grid.js';

const SHOWN = Symbol('shown'); // the cell data a live grid shows
const TITLES = Symbol('titles'); // a grid's title(i, j), asked when the pointer reaches a cell
const MOVED = Symbol('moved'); // the cell the keys last picked, until the grid is drawn again

/**
 * The cells of a grid as data, from the same options makeGrid() takes: {rows, cols, cell, cls[], text[], bg[], fg[]}
 * (cls holds "cell" and the cell's classes; a pinned cell gets "pin"). No DOM: the figure export uses it too.
 */
export function gridCells(o) {
  return withMarks(baseCells(o), o);
}

/** The cells without the pin and the marks: what the callbacks say. */
function baseCells(o) {
  const n = o.rows * o.cols;
  const cells = {
    rows: o.rows, cols: o.cols, cell: o.cell, cls: new Array(n), text: new Array(n), bg: new Array(n), fg: new Array(n),
    tag: o.tag ? new Array(n) : null,
  };
  for (let i = 0, q = 0; i < o.rows; i++) {
    for (let j = 0; j < o.cols; j++, q++) {
      const cls = o.cls ? o.cls(i, j) : '';
      cells.cls[q] = cls ? `cell ${cls}` : 'cell';
      const text = o.text ? o.text(i, j) : '';
      cells.text[q] = text === undefined || text === null ? '' : String(text);
      cells.bg[q] = (o.bg && o.bg(i, j)) || '';
      cells.fg[q] = (o.fg && o.fg(i, j)) || '';
      if (o.tag) cells.tag[q] = o.tag(i, j) || '';
    }
  }
  return cells;
}

/** Base cells with the pinned cell and o.marks ({className: [[i, j]]}) added (a new cls list; the rest is shared). */
function withMarks(base, o) {
  const cls = base.cls.slice();
  if (o.pinned) {
    const [r, c] = o.pinned;
    if (r < o.rows && c < o.cols) cls[r * o.cols + c] += ' pin';
  }
  for (const [className, list] of Object.entries(o.marks || {})) {
    for (const [i, j] of list) if (i >= 0 && j >= 0 && i < o.rows && j < o.cols) cls[i * o.cols + j] += ` ${className}`;
  }
  return { ...base, cls };
}

const BASE = Symbol('base'); // on a live grid: {same, cell, cells}: the base cells it was last drawn from

/**
 * The base cells for a live grid: the ones it was drawn from last time when o.same (the values its callbacks read,
 * compared one by one) and its size are unchanged, e.g. when only the pin moved; else asked of the callbacks.
 */
function baseFor(target, o) {
  const last = target[BASE];
  const same = o.same && last && last.same && last.cell === o.cell && last.cells.rows === o.rows && last.cells.cols === o.cols
    && last.same.length === o.same.length && last.same.every((v, i) => v === o.same[i]);
  const cells = same ? last.cells : baseCells(o);
  target[BASE] = { same: o.same, cell: o.cell, cells };
  return cells;
}

/**
 * A grid of numbers. Options:
 *   rows, cols, name (data-grid attribute), label (accessible name), cell (px),
 *   text(i,j), value(i,j) -> the number (used by big canvas grids), cls(i,j) -> class string, bg(i,j) -> CSS colour, fg(i,j), title(i,j),
 *   tag(i,j) -> a small corner label (a kernel tap's index: colours alone repeat and are lost to colour blindness),
 *   pinned: [r,c] | null, marks: {className: [[i, j], …]}, palette (web/colors.js), same: the values the callbacks
 *   read (a grid drawn again with the same ones and size reuses its cells: a moved pin asks no callback),
 *   onPick(i,j): makes the grid a pin target (click/tap, arrow keys, Enter or Space), onClear(): Escape unpins,
 *   pickWhat: what a pick pins, for its description ('an input cell'),
 *   onHover(i,j | null): transient highlight.
 *
 * The grid is a .grid element holding one <canvas> that draws every cell: its colour, outlines (pin, contrib,
 * hover, current), patterns (crop, opstrip, inserted, padding) and number. The same cells are kept inside the canvas
 * as .cell elements (data-r, data-c, the classes, the number): the canvas's fallback content, which the browser
 * neither lays out nor paints but screen readers read and tests query. Drawn as DOM cells, a grid of a few hundred
 * numbers cost 5 ms or more of style, layout and layerizing on every change, even when one cell changed; on the
 * canvas only the cells that changed are drawn again.
 */
export function makeGrid(o) {
  if (o.rows * o.cols > MAX_NUMBERED_CELLS) return bigGrid(o);
  const g = el('div', {
    class: `grid${o.onPick ? ' pickable' : ''}`,
    'data-grid': o.name,
    role: 'group',
    // Screen readers read the fallback cells in order, one number each: the label says how they are laid out.
    'aria-label': `${o.label}: ${o.rows}×${o.cols} numbers, row by row`,
    // the part of its canvas in use (writeCells sets the same)
    style: { width: `${o.cols * (o.cell + 1) + 1}px`, height: `${o.rows * (o.cell + 1) + 1}px` },
  });
  // The cells as data first: only what differs from what the live grid shows is drawn and written.
  const pal = o.palette;
  takeOver(g, (target) => {
    target[TITLES] = o.title;
    target[MOVED] = null;
    writeCells(target, withMarks(baseFor(target, o), o), pal);
  });

  // The cell under the pointer: from the fallback element a screen reader clicked, or from the canvas position.
  const at = (ev) => {
    const grid = ev.currentTarget;
    const fallback = ev.target.closest && ev.target.closest('.cell');
    if (fallback && grid.contains(fallback)) return [Number(fallback.dataset.r), Number(fallback.dataset.c)];
    const shown = grid[SHOWN];
    const canvas = grid.querySelector(':scope > canvas');
    if (!shown || !canvas) return null;
    const r = canvas.getBoundingClientRect();
    const pitch = shown.cell + 1;
    const i = Math.floor((ev.clientY - r.top - 1) / pitch), j = Math.floor((ev.clientX - r.left - 1) / pitch);
    return i >= 0 && j >= 0 && i < shown.rows && j < shown.cols ? [i, j] : null;
  };
  listen(g, 'mousemove', (ev) => {
    const grid = ev.currentTarget;
    const p = at(ev);
    const q = p ? p[0] * grid[SHOWN].cols + p[1] : -1;
    if (q === grid[POINTER]) return;
    setPointer(grid, q);
    const titles = grid[TITLES];
    grid.title = p && titles ? titles(...p) : '';
    if (o.onHover) o.onHover(p);
  });
  listen(g, 'mouseleave', (ev) => {
    setPointer(ev.currentTarget, -1);
    ev.currentTarget.title = '';
    if (o.onHover) o.onHover(null);
  });
  if (o.onPick) {
    g.tabIndex = 0;
    g.setAttribute('aria-keyshortcuts', `ArrowUp ArrowDown ArrowLeft ArrowRight Enter Space${o.onClear ? ' Escape' : ''}`);
    g.setAttribute('aria-description', `Click a cell or use the arrow keys to pin ${o.pickWhat || 'an output cell'}${o.onClear ? '; Escape unpins' : ''}`);
    listen(g, 'click', (ev) => {
      const p = at(ev);
      if (p) o.onPick(...p);
    });
    // Keys pressed faster than the grid is drawn again move on from the last one, not from the pin last drawn.
    listen(g, 'keydown', (ev) => {
      const grid = ev.currentTarget;
      pickByKey(ev, { ...o, pinned: grid[MOVED] || o.pinned, onPick: (i, j) => { grid[MOVED] = [i, j]; o.onPick(i, j); } });
    });
  }
  return g;
}

// ---------------------------------------------------------------- drawing a grid's cells

const POINTER = Symbol('pointer'); // the cell index under the mouse in a pickable grid, or -1
const PALETTE = Symbol('palette'); // the palette a grid's canvas was drawn with
const DPR = Symbol('dpr'); // canvas pixels per CSS pixel of a grid's canvas

const tiles = new WeakMap(); // palette -> its 6-px pattern tiles
/** A dot for an inserted zero, a diagonal stripe for output_padding, a hatch for a crop: 6-px tiles in the palette's colours. */
function tilesOf(pal) {
  let t = tiles.get(pal);
  if (t) return t;
  const tile = (drawTile) => {
    const c = document.createElement('canvas');
    c.width = 6;
    c.height = 6;
    drawTile(c.getContext('2d'));
    return c;
  };
  // Diagonal lines across a 6-px tile: slope 1 falls to the right (the crop), −1 rises (output_padding's strip).
  const diagonals = (color, alpha, width, slope) => (x) => {
    x.strokeStyle = color;
    x.globalAlpha = alpha;
    x.lineWidth = width;
    for (const k of [-6, 0, 6]) {
      x.beginPath();
      x.moveTo(k, slope > 0 ? 0 : 6);
      x.lineTo(k + 6, slope > 0 ? 6 : 0);
      x.stroke();
    }
  };
  t = {
    // cropped cells: dense lines the other way from output_padding's, in the text colour, so a crop never reads as kept
    hatch: tile(diagonals(pal.fg, 0.35, 1, 1)),
    dots: tile((x) => {
      x.fillStyle = pal.muted;
      x.beginPath();
      x.arc(3, 3, 1.1, 0, 2 * Math.PI);
      x.fill();
    }),
    stripes: tile(diagonals(pal.heat, 0.55, 1.6, -1)),
  };
  tiles.set(pal, t);
  return t;
}

const CLASS_BITS = { pin: 1, contrib: 2, hover: 4, current: 8, stamp: 16, crop: 32, opstrip: 64, inserted: 128, padding: 256, window: 512, kept: 1024 };
const classBits = (cls) => {
  let bits = 0;
  for (const name of cls.split(' ')) bits |= CLASS_BITS[name] || 0;
  return bits;
};

/**
 * How cell q looks, in CSS pixels inside the grid (the 1-px line around and between cells is the grid's):
 * {x, y, size, fill, tint, shade (a CSS colour over everything), padding, inserted, opstrip, box (inset rings:
 * [colour, width, inset?]), dashed (an inset dashed ring: a cell output_padding keeps), text, color, bold, tag (a small
 * label in the top-left corner: a kernel tap's index)}. The canvas and the SVG export both draw from this.
 */
export function cellLook(cells, q, pal) {
  const bits = classBits(cells.cls[q]);
  const pitch = cells.cell + 1;
  const i = Math.floor(q / cells.cols), j = q % cells.cols;
  const rings = [];
  if (bits & 2) rings.push([pal.hl, 3]);
  if (bits & 4) rings.push([pal.accent, 2]);
  // the pin: the highlight's ring with a thin inner one, so it stands out among the cells it connects to
  if (bits & 1) rings.push([pal.hl, 3], [pal.fg, 1.5, 3]);
  else if (bits & 8) rings.push([pal.accent, 3]);
  return {
    x: 1 + j * pitch, y: 1 + i * pitch, size: cells.cell,
    fill: pal.panel, tint: cells.bg[q] || null, padding: Boolean(bits & 256), inserted: Boolean(bits & 128),
    opstrip: Boolean(bits & 64), shade: bits & 32 ? pal.crop : null, hatch: Boolean(bits & 32), rings,
    dashed: bits & 1024 ? pal.accent : null, tag: (cells.tag && cells.tag[q]) || '',
    text: cells.text[q], color: cells.fg[q] || (bits & (128 | 256) ? pal.muted : pal.fg), bold: Boolean(bits & (1 | 2 | 16 | 512)),
  };
}

/** The font size numbers are drawn at in a grid of this cell size. */
export const fontSize = (cell) => (cell < 22 ? 9 : CELL_FONT_PX);

function paintCell(ctx, cells, q, pal, pointer, texts) {
  const c = cellLook(cells, q, pal);
  const { x, y, size } = c;
  ctx.fillStyle = c.fill;
  ctx.fillRect(x, y, size, size);
  if (c.padding) {
    ctx.globalAlpha = 0.22;
    ctx.fillStyle = pal.muted;
    ctx.fillRect(x, y, size, size);
    ctx.globalAlpha = 1;
  }
  if (c.tint) {
    ctx.fillStyle = c.tint;
    ctx.fillRect(x, y, size, size);
  }
  for (const [on, tile] of [[c.inserted, 'dots'], [c.opstrip, 'stripes']]) {
    if (!on) continue;
    ctx.fillStyle = patternFor(ctx, pal, tile);
    ctx.fillRect(x, y, size, size);
  }
  if (c.shade) {
    ctx.fillStyle = c.shade;
    ctx.fillRect(x, y, size, size);
  }
  if (c.hatch) {
    ctx.fillStyle = patternFor(ctx, pal, 'hatch');
    ctx.fillRect(x, y, size, size);
  }
  if (c.dashed && size >= 18) {
    ctx.strokeStyle = c.dashed;
    ctx.lineWidth = 2;
    ctx.setLineDash([4, 2]);
    ctx.strokeRect(x + 2, y + 2, size - 4, size - 4);
    ctx.setLineDash([]);
  }
  for (const [color, width, inset = 0] of c.rings) {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    const e = inset + width / 2;
    ctx.strokeRect(x + e, y + e, size - 2 * e, size - 2 * e);
  }
  if (q === pointer) {
    ctx.strokeStyle = pal.hl;
    ctx.lineWidth = 2;
    ctx.setLineDash([3, 2]);
    ctx.strokeRect(x + 1, y + 1, size - 2, size - 2);
    ctx.setLineDash([]);
  }
  if (c.text) texts.push(c);
  if (c.tag && size >= 24) {
    ctx.font = `9px ${FONT}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillStyle = c.color;
    ctx.fillText(c.tag, x + 2, y + 1.5, size - 3);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
  }
}

/**
 * Draws the numbers of the cells paintCell() queued in `texts`, normal weight first and bold second: each change of
 * ctx.font makes the browser resolve the font against the page's styles.
 */
function paintTexts(ctx, cells, pal, texts) {
  for (const bold of [false, true]) {
    let set = false;
    for (const c of texts) {
      if (c.bold !== bold) continue;
      if (!set) {
        ctx.font = `${bold ? '700 ' : ''}${fontSize(cells.cell)}px ${FONT}`;
        set = true;
      }
      ctx.fillStyle = c.color;
      // Too wide for its cell (a long number in a small cell): squeezed to fit rather than cut off.
      ctx.fillText(c.text, c.x + c.size / 2, c.y + c.size / 2 + 0.5, c.size - 2);
    }
  }
  texts.length = 0;
}

const patterns = new WeakMap(); // canvas context -> {pal: the palette, dots, stripes}
/** A palette tile as a pattern of this context, made once per context and colour scheme. */
function patternFor(ctx, pal, tile) {
  let p = patterns.get(ctx);
  if (!p || p.pal !== pal) patterns.set(ctx, (p = { pal }));
  return p[tile] || (p[tile] = ctx.createPattern(tilesOf(pal)[tile], 'repeat'));
}

function setPointer(g, q) {
  const before = g[POINTER] ?? -1;
  g[POINTER] = q;
  const cells = g[SHOWN];
  const canvas = g.querySelector(':scope > canvas');
  const pal = g[PALETTE];
  if (!cells || !canvas || !pal || !g.classList.contains('pickable') || before === q) return;
  const ctx = gridContext(canvasSurface(canvas), g[DPR]);
  const texts = [];
  for (const k of [before, q]) if (k >= 0 && k < cells.rows * cells.cols) paintCell(ctx, cells, k, pal, q, texts);
  paintTexts(ctx, cells, pal, texts);
}

const SURFACE = Symbol('surface'); // what a grid's canvas is drawn through
/**
 * The OffscreenCanvas a grid's canvas hands its drawing to, where the browser has them (else the canvas itself).
 * Drawn through the element, every fillText first brought the page's style up to date (to resolve the font), once
 * per number; an OffscreenCanvas has no element to style, and shows what was drawn at the next frame all the same.
 */
export function canvasSurface(canvas) {
  if (!canvas[SURFACE]) {
    canvas[SURFACE] = typeof canvas.transferControlToOffscreen === 'function' ? canvas.transferControlToOffscreen() : canvas;
  }
  return canvas[SURFACE];
}

function gridContext(canvas, dpr) {
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  // "inherit" (the default) makes every fillText ask the canvas's computed style, a style update each time
  ctx.direction = 'ltr';
  return ctx;
}

/**
 * Draws cell data into a grid element: only the cells that differ from what the grid shows, unless its size or
 * the colour scheme changed. The fallback .cell elements inside the canvas follow, again only where they differ (a
 * grid of another shape keeps its cell nodes, renumbered, with any missing added and extras removed).
 */
function writeCells(g, cells, pal) {
  let canvas = g.querySelector(':scope > canvas');
  if (!canvas) {
    canvas = document.createElement('canvas');
    g.append(canvas);
  }
  const surface = canvasSurface(canvas);
  let shown = g[SHOWN];
  g[SHOWN] = cells;
  const n = cells.rows * cells.cols;
  // Backing pixels: the device's, capped at 4096 a side (the largest numbered grid at 40 px cells on a 2× screen).
  const cssWidth = cells.cols * (cells.cell + 1) + 1, cssHeight = cells.rows * (cells.cell + 1) + 1;
  const dpr = Math.min(window.devicePixelRatio || 1, 4096 / Math.max(cssWidth, cssHeight));
  // A new pixel buffer took 15–20 ms here, so a grid that changes size (padding typed back and forth) keeps its
  // buffer when the grid fits in it and it is at most four times the area; the .grid element shows the part in use.
  const width = Math.ceil(cssWidth * dpr), height = Math.ceil(cssHeight * dpr);
  const fits = surface.width >= width && surface.height >= height && surface.width * surface.height <= 4 * width * height
    && g[DPR] === dpr;
  if (!fits) {
    surface.width = Math.min(Math.ceil(width * 1.25), 4096);
    surface.height = Math.min(Math.ceil(height * 1.25), 4096);
    canvas.style.width = `${surface.width / dpr}px`;
    canvas.style.height = `${surface.height / dpr}px`;
    g[DPR] = dpr;
  }
  if (g.style.width !== `${cssWidth}px`) g.style.width = `${cssWidth}px`;
  if (g.style.height !== `${cssHeight}px`) g.style.height = `${cssHeight}px`;
  const sameSize = fits && shown && shown.cell === cells.cell && shown.rows === cells.rows && shown.cols === cells.cols
    && g[PALETTE] === pal;
  g[PALETTE] = pal;
  const changed = [];
  for (let q = 0; q < n; q++) {
    if (sameSize && shown.cls[q] === cells.cls[q] && shown.text[q] === cells.text[q] && shown.bg[q] === cells.bg[q]
      && shown.fg[q] === cells.fg[q] && (shown.tag && shown.tag[q]) === (cells.tag && cells.tag[q])) continue;
    changed.push(q);
  }
  const paint = () => {
    if (g[SHOWN] !== cells) return; // drawn again since
    const ctx = gridContext(surface, dpr);
    const pointer = g[POINTER] ?? -1;
    if (!sameSize) {
      ctx.fillStyle = pal.line;
      ctx.fillRect(0, 0, cssWidth, cssHeight);
    }
    const texts = [];
    for (const q of changed) paintCell(ctx, cells, q, pal, pointer, texts);
    paintTexts(ctx, cells, pal, texts);
  };
  if (changed.length) whenWritten(paint);

  const kids = canvas.children;
  if (!shown || kids.length !== shown.rows * shown.cols) { // new, or changed behind our back: write every part
    canvas.replaceChildren();
    shown = null;
  }
  for (let q = kids.length - 1; q >= n; q--) kids[q].remove();
  const renumber = !shown || shown.cols !== cells.cols;
  const old = kids.length;
  if (old < n) {
    const added = document.createDocumentFragment();
    for (let q = old; q < n; q++) added.append(document.createElement('div'));
    canvas.append(added);
  }
  for (let q = 0; q < n; q++) {
    const c = kids[q];
    const fresh = q >= old;
    if (fresh || renumber) {
      c.dataset.r = String(Math.floor(q / cells.cols));
      c.dataset.c = String(q % cells.cols);
    }
    if (fresh || shown.cls[q] !== cells.cls[q]) c.className = cells.cls[q];
    if (fresh ? cells.text[q] !== '' : shown.text[q] !== cells.text[q]) {
      if (c.firstChild && c.firstChild === c.lastChild && c.firstChild.nodeType === 3) c.firstChild.nodeValue = cells.text[q];
      else c.textContent = cells.text[q];
    }
  }
}

/** Marks cells of a live grid with a class, removing it from the others (a transient hover highlight: no render). */
export function markCells(gridEl, cells, className) {
  const shown = gridEl[SHOWN];
  if (!shown) return; // large grids (one pixel per cell): highlights are drawn at render time only
  const cls = shown.cls.map((c) => (c.includes(className) ? c.split(' ').filter((x) => x !== className).join(' ') : c));
  for (const [i, j] of cells) {
    if (i >= 0 && j >= 0 && i < shown.rows && j < shown.cols) cls[i * shown.cols + j] += ` ${className}`;
  }
  writeCells(gridEl, { ...shown, cls }, gridEl[PALETTE]);
}

/** A 2-D slice [rows, cols] of a 4-D tensor {shape, data}. */
export function slice2d(t, a, b) {
  const [, B, H, W] = t.shape;
  const off = (a * B + b) * H * W;
  return { rows: H, cols: W, at: (i, j) => t.data[off + i * W + j] };
}

