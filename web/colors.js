// The colours grids, matrices and figures are drawn in, for each colour scheme, as plain data: the page's canvases,
// its SVG export and any renderer without a browser (Node) read the same values. style.css carries the same custom
// properties for the page's own elements (tests/web/colors.test.mjs checks that they agree).
//
// Value tints use Paul Tol's "bright" blue/red and kernel taps his "muted" scheme, both chosen to stay
// distinguishable with colour-vision deficiencies; the pin outline is Okabe-Ito vermillion.

export const PALETTES = Object.freeze({
  light: Object.freeze({
    bg: '#f7f7f5', panel: '#ffffff', fg: '#1d1d1f', muted: '#5c5c66', line: '#c9c9d0', accent: '#0b5cad',
    hl: '#d55e00', pos: '#4477aa', neg: '#ee6677', heat: '#ccbb44', crop: 'rgba(90, 90, 110, 0.28)', error: '#b3261e',
  }),
  dark: Object.freeze({
    bg: '#141417', panel: '#1e1e23', fg: '#ececf0', muted: '#a8a8b3', line: '#44444e', accent: '#7ab8ff',
    hl: '#ffb000', pos: '#66ccee', neg: '#ee6677', heat: '#ccbb44', crop: 'rgba(0, 0, 0, 0.5)', error: '#ff8a80',
  }),
});

/** The font numbers are drawn in (the page's body font) and its size in a cell of 22 px or more. */
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const CELL_FONT_PX = 13;

/**
 * One colour per kernel tap (Tol's "muted"), with a text colour that reads on it. Kernels with more than nine taps
 * reuse colours; the tap index is always in the tooltip too.
 */
const MUTED = [
  ['#CC6677', '#000'], ['#88CCEE', '#000'], ['#DDCC77', '#000'], ['#117733', '#fff'], ['#332288', '#fff'],
  ['#AA4499', '#fff'], ['#44AA99', '#000'], ['#999933', '#000'], ['#882255', '#fff'],
];
export function tapColor(tap) {
  const [bg, fg] = MUTED[((tap % MUTED.length) + MUTED.length) % MUTED.length];
  return { bg, fg };
}

const parsed = new Map(); // colour text -> [r, g, b, alpha 0..1]
/** '#rgb', '#rrggbb' or 'rgb(a)(r, g, b[, a])' -> [r, g, b, alpha]; anything else is black. */
export function rgbaOf(color) {
  let v = parsed.get(color);
  if (v) return v;
  const c = String(color).trim();
  let m;
  if ((m = /^#([0-9a-f]{3})$/i.exec(c))) v = [...m[1]].map((h) => parseInt(h + h, 16)).concat(1);
  else if ((m = /^#([0-9a-f]{6})$/i.exec(c))) v = [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16)).concat(1);
  else if ((m = /^rgba?\(([^)]*)\)$/i.exec(c))) {
    const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    v = [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  } else v = [0, 0, 0, 1];
  parsed.set(color, v);
  return v;
}

const fades = new Map(); // `${color} ${pct}` -> its rgba() text: grids ask once per cell, on every render
/** A colour at pct % opacity, as rgba() text (what color-mix with transparent gives, readable by canvas and SVG). */
export function fade(color, pct) {
  const key = `${color} ${pct}`;
  let text = fades.get(key);
  if (text === undefined) {
    const [r, g, b] = rgbaOf(color);
    text = `rgba(${r}, ${g}, ${b}, ${pct / 100})`;
    fades.set(key, text);
  }
  return text;
}

/** Background tint for a value: blue for positive, red for negative, stronger with |v| / maxAbs; null for 0. */
export function tint(v, maxAbs, pal) {
  if (!v || !maxAbs) return null;
  const t = Math.min(1, Math.abs(v) / maxAbs);
  return fade(v > 0 ? pal.pos : pal.neg, Math.round(12 + 48 * t));
}

/** `top` composited over the opaque `base`, as [r, g, b]. */
export function over(top, base) {
  const [r, g, b, a] = rgbaOf(top);
  const [R, G, B] = Array.isArray(base) ? base : rgbaOf(base);
  return [R + (r - R) * a, G + (g - G) * a, B + (b - B) * a];
}

/** [r, g, b] -> '#rrggbb' (rounded). */
export const hex = (rgb) => `#${rgb.map((v) => Math.round(Math.max(0, Math.min(255, v))).toString(16).padStart(2, '0')).join('')}`;

const maxAbsCache = new WeakMap(); // typed array -> its max |value|: tensors never change once computed
/** Largest |value| of an array (NaN and ±Inf count as 0 here: they get no tint). */
export function maxAbs(data) {
  if (maxAbsCache.has(data)) return maxAbsCache.get(data);
  let m = 0;
  for (let i = 0, n = data.length; i < n; i++) {
    const a = Math.abs(data[i]);
    if (a > m && a !== Infinity) m = a;
  }
  if (ArrayBuffer.isView(data)) maxAbsCache.set(data, m);
  return m;
}
