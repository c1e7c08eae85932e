// Figures without a browser: scripts/figure.mjs writes the same SVG, byte for byte, as the page's SVG export for the
// same link and view; the page's export does not depend on the window's width; the PNG has twice the SVG's size; the
// link preview's picture and the <noscript> picture are the default state's. Runs against dist/ (./scripts/build).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './support/browser.mjs';
import { decodePNG } from './support/png.mjs';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const root = path.join(repo, 'dist');
const script = path.join(repo, 'scripts/figure.mjs');

// [the link as a person passes it, --view (or null: the link's), the view the page shows]
const LINKS = [
  ['http://localhost:8000/index.html?in=4&k=4&s=2&p=1&x=ones&w=arange&cell=0,1', 'scatter', 'scatter'],
  ['in=3x4&k=2x3&s=2x1&p=1x0&op=1x0&d=1x2&cin=4&cout=6&g=2&x=rand:5&w=rand:9&b=arange', 'direct', 'padded_direct'],
  ['?dims=1&in=6&k=3&s=2&p=1&x=arange&w=arange&view=matrix&transposed=1', null, 'matrix'],
];
const WIDTHS = [400, 800, 1000, 1280];

let server, baseUrl, browser;

before(async () => {
  assert.ok(existsSync(path.join(root, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  ({ server, url: baseUrl } = await startServer({ root, port: 0, host: '127.0.0.1' }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
});

const queryOf = (link) => {
  const q = link.indexOf('?');
  return q >= 0 ? link.slice(q + 1) : link;
};

/** The page's SVG export for a query, in a window `width` px wide, light scheme. */
async function pageSVG(query, width) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: 'light' });
  const problems = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    await page.goto(new URL(`index.html?${query}`, baseUrl).href);
    await page.evaluate(() => window.tconv.ready);
    await page.evaluate(() => window.tconv.settled());
    const svg = await page.evaluate(() => window.tconv.exportSVG());
    assert.deepEqual(problems, []);
    return svg;
  } finally {
    await context.close();
  }
}

const figure = async (...args) => (await run(process.execPath, [script, ...args], { maxBuffer: 1 << 26, encoding: 'buffer' })).stdout;

test('the page\'s SVG export is the same file at every window width, in every view', async () => {
  for (const view of ['matrix', 'scatter', 'padded_direct', 'subpixel']) {
    const query = `in=5&k=3&s=2&p=1&x=arange&w=arange&cell=1,2&view=${view}`;
    const files = [];
    for (const width of WIDTHS) files.push(await pageSVG(query, width));
    assert.match(files[0], /^<svg /);
    for (let i = 1; i < files.length; i++) assert.equal(files[i], files[0], `${view}: ${WIDTHS[i]} px gives another file than ${WIDTHS[0]} px`);
  }
});

test('scripts/figure.mjs writes the page\'s SVG export byte for byte, for three links', async () => {
  for (const [link, view, shown] of LINKS) {
    const fromNode = (await figure(link, ...(view ? ['--view', view] : []))).toString('utf8');
    const query = `${queryOf(link)}${view ? `&view=${view}` : ''}`;
    const fromPage = await pageSVG(query, 1280);
    assert.ok(fromNode.startsWith('<svg ') && fromNode.length > 1000, `${link}: an SVG`);
    assert.match(fromNode, new RegExp(`>${{ scatter: 'Scatter', padded_direct: 'Padded direct', matrix: 'Matrix' }[shown]} view: conv_transpose`));
    assert.equal(fromNode, fromPage, `${link} --view ${view}: Node and the page differ`);
  }
});

test('--format png: twice the SVG\'s size, as the page\'s PNG button; --fit gives exactly the box', async () => {
  const [link, view] = LINKS[0];
  const svg = (await figure(link, '--view', view)).toString('utf8');
  const [, W, H] = /^<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg).map(Number);
  const png = decodePNG(await figure(link, '--view', view, '--format', 'png'));
  assert.deepEqual([png.width, png.height], [2 * W, 2 * H]);
  // the top-left corner is the figure's background, the palette's panel colour (white in the light scheme)
  assert.deepEqual(png.pixel(1, 1).slice(0, 3), [255, 255, 255]);
  const card = decodePNG(await figure(link, '--fit', '1200x630', '--format', 'png'));
  assert.deepEqual([card.width, card.height], [1200, 630]);
});

test('bad arguments get a message naming the argument, and exit 2', async () => {
  const cases = [
    [['?in=4', '--view', 'sideways'], /--view: view is "sideways" but must be one of matrix, scatter, padded_direct, subpixel/],
    [['?in=4', '--format', 'gif'], /--format is "gif" but must be svg or png/],
    [['?in=4', '--fit', 'big'], /--fit is "big" but must be WIDTHxHEIGHT/],
    [[], /LINK is missing/],
    [['?in=4', '--colour'], /unknown option --colour/],
  ];
  for (const [args, message] of cases) {
    const err = await figure(...args).then(() => null, (e) => e);
    assert.ok(err, `${args.join(' ')} fails`);
    assert.equal(err.code, 2, args.join(' '));
    assert.match(err.stderr.toString(), message);
  }
  // a link parameter that cannot apply is said, and the rest is drawn
  const { stdout, stderr } = await run(process.execPath, [script, 'in=4&k=4&s=2&op=5']);
  assert.match(stderr, /output_padding \(height\) is 5 but must be smaller than stride 2 .*link parameter op, ignored/);
  assert.match(stdout, /^<svg /);
});

test('the link preview and the no-script picture are the default state\'s figure, and the page names them', async () => {
  const html = readFileSync(path.join(root, 'index.html'), 'utf8');
  const meta = (attr, name) => new RegExp(`<meta ${attr}="${name}" content="([^"]*)"`).exec(html)?.[1];
  assert.equal(meta('property', 'og:title'), 'Transposed convolution playground');
  assert.ok(meta('property', 'og:description').length > 40);
  assert.equal(meta('name', 'twitter:card'), 'summary_large_image');
  assert.match(meta('property', 'og:image'), /(^|\/)preview\.png$/);
  const card = decodePNG(readFileSync(path.join(root, 'preview.png')));
  assert.deepEqual([card.width, card.height], [Number(meta('property', 'og:image:width')), Number(meta('property', 'og:image:height'))]);
  const svg = readFileSync(path.join(root, 'preview.svg'), 'utf8');
  assert.equal(svg, (await figure('')).toString('utf8'), 'preview.svg is the default state\'s figure');
  const title = /font-weight="600"[^>]*>([^<]+)</.exec(svg)[1];
  const noscript = /<noscript>\s*<section[\s\S]*?<img src="preview.svg" alt="([^"]+)">/.exec(html);
  assert.ok(noscript, 'the page shows preview.svg without scripts');
  assert.equal(noscript[1], title.replace(/&amp;/g, '&'), 'its alt text is the figure\'s own title');
});

test('without scripts the page shows its description and the picture, not empty controls', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(new URL('index.html', baseUrl).href);
    const img = page.getByRole('img', { name: /^Scatter view: conv_transpose2d/ });
    await img.waitFor();
    assert.ok(await page.waitForFunction(() => document.querySelector('.noscript img').naturalWidth > 0));
    assert.ok((await img.boundingBox()).width > 300);
    assert.equal(await page.locator('#controls').isVisible(), false);
    assert.equal(await page.getByRole('tab').count(), 0, 'no tabs that do nothing');
    assert.match(await page.locator('.noscript p').textContent(), /JavaScript is off/);
  } finally {
    await context.close();
  }
});
