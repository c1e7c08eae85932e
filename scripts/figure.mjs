#!/usr/bin/env node
// A view's figure without a browser, for READMEs, papers and the build step of a static site:
//
//   node scripts/figure.mjs LINK [--view matrix|scatter|padded_direct|subpixel] [--format svg|png]
//                                [--scheme light|dark] [--fit WxH] [--dist DIR] > figure.svg
//
// LINK is a share link or just its query string ("?in=4&k=4&s=2&p=1", the "?" may be left out). The SVG is the
// page's own SVG export for that state, byte for byte: the same modules (dist/, from ./scripts/build) open the link,
// derive the numbers and draw the figure. --view takes the place of the link's view ('direct' is padded_direct's
// other name); --scheme picks the palette (light unless said). --format png rasterizes it at twice its size, as the
// page's PNG button does, with rsvg-convert (Debian's librsvg2-bin). --fit 1200x630 centres the figure, scaled down
// to fit, on a WxH canvas of the figure's background (a link preview's picture); it is not the page's export then.
// --dist draws with another built site than dist/ (scripts/build draws the link preview with the site it builds).
// What the link holds that cannot apply is said on stderr, as the page says it; the figure shows the rest.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const USAGE = 'usage: node scripts/figure.mjs LINK [--view matrix|scatter|padded_direct|subpixel] [--format svg|png] '
  + '[--scheme light|dark] [--fit WxH] [--dist DIR] > figure.svg';

class UsageError extends Error {}

/** argv -> {link, view, format, scheme, fit}; a bad argument is a UsageError that names it. */
export function parseArgs(argv) {
  const out = { link: null, view: null, format: 'svg', scheme: 'light', fit: null, dist: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, null];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--view') out.view = value();
    else if (flag === '--format') out.format = value();
    else if (flag === '--scheme') out.scheme = value();
    else if (flag === '--fit') out.fit = value();
    else if (flag === '--dist') out.dist = value();
    else if (flag === '-h' || flag === '--help') throw new UsageError('');
    else if (flag.startsWith('--')) throw new UsageError(`unknown option ${flag}`);
    else if (out.link === null) out.link = arg;
    else throw new UsageError(`one LINK only, but "${arg}" is a second one`);
  }
  if (out.link === null) throw new UsageError('LINK is missing: a share link or its query string, e.g. "?in=4&k=4&s=2&p=1"');
  if (!['svg', 'png'].includes(out.format)) throw new UsageError(`--format is "${out.format}" but must be svg or png`);
  if (!['light', 'dark'].includes(out.scheme)) throw new UsageError(`--scheme is "${out.scheme}" but must be light or dark`);
  if (out.fit !== null) {
    const m = /^(\d{2,4})x(\d{2,4})$/.exec(out.fit);
    if (!m) throw new UsageError(`--fit is "${out.fit}" but must be WIDTHxHEIGHT in px, e.g. 1200x630`);
    out.fit = { width: Number(m[1]), height: Number(m[2]) };
  }
  return out;
}

/** A share link or a query string -> its search part ("?…"). */
export function searchOf(link) {
  const text = String(link).trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return new URL(text).search;
  const q = text.indexOf('?');
  const search = q >= 0 ? text.slice(q) : `?${text}`;
  return search.replace(/#.*$/s, '');
}

/** The figure as the page exports it: {svg, messages}. */
export async function figure({ link, view = null, scheme = 'light', dist = null }) {
  const site = dist ? pathToFileURL(`${path.resolve(dist)}/`) : new URL('../dist/', import.meta.url);
  if (!existsSync(new URL('figure.js', site))) throw new Error(`${fileURLToPath(site)} holds no built site: run ./scripts/build first`);
  const load = (name) => import(new URL(name, site).href);
  const [{ createEngine }, S, { createStore }, { derivations, normalize }, { requestHandler }, { PALETTES }, { figureSVG }, { openLink, initialState }] = await Promise.all(
    ['engine.js', 'state.js', 'store.js', 'derive.js', 'model.js', 'colors.js', 'figure.js', 'session.js'].map(load));
  const engine = await createEngine();
  let search = searchOf(link);
  if (view !== null) {
    const parsed = S.parseParam('view', view);
    if (!('value' in parsed)) throw new UsageError(`--view: ${parsed.message}`);
    const params = new URLSearchParams(search);
    params.set('view', parsed.value);
    search = `?${params}`;
  }
  const parsed = openLink(engine, search);
  const handle = requestHandler(engine);
  const store = createStore({
    state: initialState(parsed, { scheme, width: 1280, height: 900 }),
    // the page's worker answers big configurations; here the same handler answers them in turn
    derive: derivations(engine, (message) => new Promise((resolve) => setTimeout(() => resolve(handle(message)), 0))),
    normalize,
  });
  let svg = null;
  store.effect((read) => { svg = read('shown').model ? figureSVG(read, S.pick(read.state), PALETTES[scheme]) : null; });
  await store.settled();
  if (!svg) throw new Error(`the link gives no figure: ${(store.state.messages || []).join('; ') || 'its configuration is invalid'}`);
  return { svg, messages: parsed.messages };
}

/** The figure centred, scaled down to fit, on a width × height canvas of the figure's own background. */
export function fitted(svg, { width, height }) {
  const W = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)[1]), H = Number(/<svg[^>]* height="([\d.]+)"/.exec(svg)[1]);
  const fill = /<rect width="[\d.]+" height="[\d.]+" fill="([^"]+)"/.exec(svg)[1];
  const scale = Math.min(1.5, (width - 48) / W, (height - 48) / H);
  const w = Math.round(W * scale), h = Math.round(H * scale);
  const inner = svg.replace(/^<svg /, `<svg x="${Math.round((width - w) / 2)}" y="${Math.round((height - h) / 2)}" `)
    .replace(/ width="[\d.]+" height="[\d.]+"/, ` width="${w}" height="${h}"`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`
    + `<rect width="${width}" height="${height}" fill="${fill}"/>${inner}</svg>`;
}

/** SVG text -> PNG bytes at twice the size (the page's PNG button's scale), or an Error saying what is missing. */
export function rasterize(svg, zoom = 2) {
  const r = spawnSync('rsvg-convert', ['--format', 'png', '--zoom', String(zoom)], { input: svg, maxBuffer: 1 << 28 });
  if (r.error) throw new Error(`--format png needs rsvg-convert (apt-get install librsvg2-bin): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`rsvg-convert failed: ${r.stderr.toString().trim()}`);
  return r.stdout;
}

async function main(argv) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(e.message ? `figure: ${e.message}\n${USAGE}\n` : `${USAGE}\n`);
    return e.message ? 2 : 0;
  }
  try {
    const { svg, messages } = await figure(args);
    for (const m of messages) process.stderr.write(`figure: ${m}\n`);
    const out = args.fit ? fitted(svg, args.fit) : svg;
    process.stdout.write(args.format === 'png' ? rasterize(out, args.fit ? 1 : 2) : out);
    return 0;
  } catch (e) {
    process.stderr.write(`figure: ${e.message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main(process.argv.slice(2));
