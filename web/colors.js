// The colours grids, matrices and figures are drawn in, for each colour scheme, as plain data: the page's canvases,
// its SVG export and any renderer without a browser (Node) read the same values. style.css carries the same custom
// properties for the page's own elements (tests/web/colors.test.mjs checks that they agree).
//
// Value tints are a diverging scale after ColorBrewer's PuOr: purple for positive, orange for negative, zero the plain
// panel (neutral), darker for a larger magnitude; its two ends stay apart under every common colour-vision deficiency
// (tests/web/colors.test.mjs simulates them). Kernel taps take Paul Tol's "muted" and "light" schemes, 18 colours,
// and every drawn tap also carries its index, so no two taps of a kernel look alike. The pin outline is Okabe-Ito
// vermillion.

export const PALETTES = Object.freeze({
  light: Object.freeze({
    bg: '#f7f7f5', panel: '#ffffff', fg: '#1d1d1f', muted: '#5c5c66', line: '#c9c9d0', accent: '#0b5cad',
    hl: '#d55e00', pos: '#5e3c99', neg: '#e66101', heat: '#ccbb44', crop: 'rgba(90, 90, 110, 0.28)', error: '#b3261e',
  }),
  dark: Object.freeze({
    bg: '#141417', panel: '#1e1e23', fg: '#ececf0', muted: '#a8a8b3', line: '#44444e', accent: '#7ab8ff',
    hl: '#ffb000', pos: '#b2abd2', neg: '#fdb863', heat: '#ccbb44', crop: 'rgba(0, 0, 0, 0.5)', error: '#ff8a80',
  }),
});

/** The font numbers are drawn in (the page's body font) and its size in a cell of 22 px or more. */
export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
export const CELL_FONT_PX = 13;

/**
 * One colour per kernel tap (Tol's "muted", then his "light"), with a text colour that reads on it. Kernels with more
 * than 18 taps reuse colours; the tap index drawn in the corner of each tap's cell (tapLabel) tells them apart.
 */
const TAPS = [
  ['#CC6677', '#000'], ['#88CCEE', '#000'], ['#DDCC77', '#000'], ['#117733', '#fff'], ['#332288', '#fff'],
  ['#AA4499', '#fff'], ['#44AA99', '#000'], ['#999933', '#000'], ['#882255', '#fff'],
  ['#77AADD', '#000'], ['#EE8866', '#000'], ['#BBCC33', '#000'], ['#FFAABB', '#000'], ['#44BB99', '#000'],
  ['#EEDD88', '#000'], ['#AAAA00', '#000'], ['#99DDFF', '#000'], ['#DDDDDD', '#000'],
];
export const TAP_COLORS = TAPS.length;
export function tapColor(tap) {
  const [bg, fg] = TAPS[((tap % TAPS.length) + TAPS.length) % TAPS.length];
  return { bg, fg };
}
/** The label a tap carries in its cell's corner: its index in the drawn kernel plane, row by row ("t7"). */
export const tapLabel = (tap) => `t${tap}`;

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

/** Background tint for a value: purple for positive, orange for negative (zero: none, the panel), stronger with |v| / maxAbs; null for 0. */
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
