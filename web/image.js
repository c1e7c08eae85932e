// SVG and PNG export of the current view (issue 4), for posts that want a static figure. The SVG is rebuilt from
// what the view drew: grids of numbers become rectangles and text (colours as the browser computed them), canvases (the
// matrix, very large grids) become embedded images, figure captions become text. Built with the DOM's XML API and
// serialized by XMLSerializer, so no text is ever parsed as markup.
import { gridLooks } from './grid.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

let probe = null;
/** Any CSS colour (including color-mix results) composited over `base`, as rgb(): SVG viewers need plain colours. */
function resolveColor(color, base) {
  if (!probe) {
    const c = document.createElement('canvas');
    c.width = 1;
    c.height = 1;
    probe = c.getContext('2d', { willReadFrequently: true });
  }
  probe.clearRect(0, 0, 1, 1);
  probe.fillStyle = base;
  probe.fillRect(0, 0, 1, 1);
  probe.fillStyle = color;
  probe.fillRect(0, 0, 1, 1);
  const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
  return `rgb(${r}, ${g}, ${b})`;
}

function node(tag, attrs, text) {
  const n = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

/** Position of el relative to panel's content, undoing any horizontal/vertical scrolling in between. */
function offsetIn(panel, elm, origin) {
  const r = elm.getBoundingClientRect();
  let x = r.left - origin.left, y = r.top - origin.top;
  for (let a = elm.parentElement; a && a !== panel; a = a.parentElement) { x += a.scrollLeft; y += a.scrollTop; }
  return { x, y, width: r.width, height: r.height };
}

/**
 * A canvas inside a scrolling box (the matrix's wrapper scrolls at 75vh) as the part on screen, so what follows it in
 * the view does not overlap it in the figure: {x, y, width, height, href} or null when nothing is visible.
 */
function visiblePart(panel, canvas, origin, box) {
  const r = canvas.getBoundingClientRect();
  let clip = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  for (let a = canvas.parentElement; a && a !== panel; a = a.parentElement) {
    const cs = getComputedStyle(a);
    if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
    const b = a.getBoundingClientRect();
    // Vertical clipping; horizontal only by a box that hides its overflow (a canvas larger than the part in use): a
    // wide canvas in a scrolling box keeps its full width (nothing sits to its right).
    clip = { ...clip, top: Math.max(clip.top, b.top), bottom: Math.min(clip.bottom, b.top + a.clientHeight) };
    if (cs.overflowX === 'hidden' || cs.overflowX === 'clip') clip = { ...clip, left: Math.max(clip.left, b.left), right: Math.min(clip.right, b.left + a.clientWidth) };
  }
  if (clip.bottom <= clip.top || clip.right <= clip.left) return null;
  const scale = canvas.width / r.width;
  const part = document.createElement('canvas');
  part.width = Math.round((clip.right - clip.left) * scale);
  part.height = Math.round((clip.bottom - clip.top) * scale);
  part.getContext('2d').drawImage(canvas, (clip.left - r.left) * scale, (clip.top - r.top) * scale, part.width, part.height, 0, 0, part.width, part.height);
  return { x: box.x + clip.left - r.left, y: clip.top - origin.top, width: clip.right - clip.left, height: clip.bottom - clip.top, href: part.toDataURL('image/png') };
}

/**
 * The panel as an SVG document string. title: one line printed above the figure (the configuration).
 */
export function panelToSVG(panel, title) {
  const root = getComputedStyle(document.documentElement);
  const v = (name) => root.getPropertyValue(name).trim();
  const panelBg = resolveColor(v('--panel') || '#fff', '#fff');
  const fg = resolveColor(v('--fg') || '#000', panelBg);
  const origin = panel.getBoundingClientRect();
  const font = getComputedStyle(document.body).fontFamily;
  const margin = 12, titleHeight = title ? 24 : 0;
  const g = node('g', {});
  // The figure is the bounding box of what is drawn (the view's prose and buttons are left out).
  let left = Infinity, top = Infinity, right = 0, bottom = 0;
  const grow = (b) => {
    left = Math.min(left, b.x); top = Math.min(top, b.y);
    right = Math.max(right, b.x + b.width); bottom = Math.max(bottom, b.y + b.height);
  };

  for (const item of panel.querySelectorAll('figcaption, .grid, canvas, .grid-mark')) {
    if (item.closest('[hidden]') || item.getClientRects().length === 0) continue;
    if (item.tagName === 'CANVAS' && item.parentElement.classList.contains('grid')) continue; // drawn with its grid
    const box = offsetIn(panel, item, origin);
    if (item.tagName === 'FIGCAPTION') {
      const cs = getComputedStyle(item);
      g.append(node('text', { x: box.x, y: box.y + box.height - 4, 'font-size': cs.fontSize, fill: resolveColor(cs.color, panelBg) }, item.textContent));
      grow({ ...box, width: Math.min(box.width, item.textContent.length * 8) });
    } else if (item.tagName === 'CANVAS') {
      const shown = visiblePart(panel, item, origin, box);
      if (!shown) continue;
      // a big grid's canvas has one pixel per cell: scaled up sharp in the figure too
      const sharp = getComputedStyle(item).imageRendering === 'pixelated' ? 'image-rendering: pixelated' : undefined;
      g.append(node('image', { x: shown.x, y: shown.y, width: shown.width, height: shown.height, href: shown.href, style: sharp }));
      grow(shown);
    } else if (item.classList.contains('grid-mark')) {
      // an outline over a big grid's canvas (pin, current window cell): "rgb(…) 0px 0px 0px 3px inset"
      const ring = getComputedStyle(item).boxShadow.match(/(rgba?\([^)]*\))\s+0px\s+0px\s+0px\s+([\d.]+)px/);
      if (!ring) continue;
      const w = Number(ring[2]);
      g.append(node('rect', { x: box.x + w / 2, y: box.y + w / 2, width: box.width - w, height: box.height - w, fill: 'none', stroke: resolveColor(ring[1], panelBg), 'stroke-width': w }));
    } else {
      // A grid of numbers: its cells as rectangles and text, from the same description its canvas is drawn from.
      const drawn = gridLooks(item);
      const canvas = item.querySelector(':scope > canvas');
      if (!drawn || !canvas) continue;
      const at = offsetIn(panel, canvas, origin);
      g.append(node('rect', { x: at.x, y: at.y, width: drawn.width, height: drawn.height, fill: resolveColor(drawn.line, panelBg) }));
      for (const c of drawn.looks) {
        const b = { x: at.x + c.x, y: at.y + c.y, width: c.size, height: c.size };
        let fill = resolveColor(c.fill, panelBg);
        if (c.padding) fill = resolveColor(`color-mix(in srgb, ${drawn.muted} 22%, ${fill})`, panelBg);
        if (c.tint) fill = resolveColor(c.tint, fill);
        g.append(node('rect', { ...b, fill }));
        if (c.inserted) g.append(node('circle', { cx: b.x + b.width / 2, cy: b.y + 4, r: 1.2, fill: resolveColor(drawn.muted, fill) }));
        if (c.opstrip) g.append(node('rect', { ...b, fill: resolveColor(drawn.heat, fill), 'fill-opacity': 0.35 }));
        if (c.shade) g.append(node('rect', { ...b, fill: resolveColor(c.shade, fill) }));
        for (const [color, w] of c.rings) {
          g.append(node('rect', { x: b.x + w / 2, y: b.y + w / 2, width: b.width - w, height: b.height - w, fill: 'none', stroke: resolveColor(color, fill), 'stroke-width': w }));
        }
        if (c.text) {
          g.append(node('text', {
            x: b.x + b.width / 2, y: b.y + b.height / 2, 'text-anchor': 'middle', 'dominant-baseline': 'central',
            'font-size': `${drawn.fontSize}px`, 'font-weight': c.bold ? 700 : 400, fill: resolveColor(c.color, fill),
          }, c.text));
        }
      }
      grow({ ...at, width: drawn.width, height: drawn.height });
    }
  }
  if (!Number.isFinite(left)) { left = 0; top = 0; }
  g.setAttribute('transform', `translate(${margin - left}, ${margin + titleHeight - top})`);
  // Title width is estimated (no layout for SVG text here): about 0.6 em per character at 14 px, bold.
  const titleWidth = title ? title.length * 8.6 : 0;
  const width = Math.ceil(Math.max(right - left, titleWidth) + 2 * margin), height = Math.ceil(bottom - top + 2 * margin + titleHeight);
  const svg = node('svg', { xmlns: SVG_NS, width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': font });
  svg.append(node('rect', { width, height, fill: panelBg }));
  if (title) svg.append(node('text', { x: margin, y: margin + 14, 'font-size': 14, 'font-weight': 600, fill: fg }, title));
  svg.append(g);
  return new XMLSerializer().serializeToString(svg);
}

/** SVG text -> PNG data URL at `scale` (2: sharp on high-density screens and in print). */
export async function svgToPNG(svgText, scale = 2) {
  const img = new Image();
  const bytes = new TextEncoder().encode(svgText);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  img.src = `data:image/svg+xml;base64,${btoa(bin)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(img.width * scale);
  canvas.height = Math.ceil(img.height * scale);
  const ctx = canvas.getContext('2d');
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0);
  return canvas.toDataURL('image/png');
}

/** Save text or a data URL as a file. */
export function download(filename, content, type) {
  const url = typeof content === 'string' && content.startsWith('data:') ? content : URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  if (!url.startsWith('data:')) setTimeout(() => URL.revokeObjectURL(url), 10000);
}
