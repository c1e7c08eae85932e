// Sharing: the page embedded in an <iframe> on ANOTHER origin (the host page is served from a second
// server, 127.0.0.1 vs localhost and another port), its postMessage protocol, embed mode at 320–800 px, the Embed
// and Copy link buttons, the lesson gallery and the output-size panel. Runs against dist/ (./scripts/build).
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './support/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const CORNER = 'in=4&k=4&s=2&p=1&x=ones&w=arange';

let server, baseUrl, hostServer, hostUrl, browser, context, page, problems;
let snippetHtml = '';

/** The host: a blog-like page with a column of `width` px holding the frame; it records what the frame posts. */
function hostPage(src, width) {
  const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!doctype html><html><head><meta charset="utf-8"><title>host</title></head>
<body style="margin:0"><main style="width:${Number(width)}px">
<p>A blog post.</p>
<iframe id="f" src="${attr(src)}" style="width:${Number(width)}px;height:300px;border:0"></iframe>
</main><script>
window.received = [];
addEventListener('message', function (e) {
  var f = document.getElementById('f');
  if (e.source !== f.contentWindow) return;
  window.received.push({ origin: e.origin, data: e.data });
  if (e.data && e.data.type === 'tconv:resize') f.style.height = e.data.height + 'px';
});
</script></body></html>`;
}

before(async () => {
  assert.ok(existsSync(path.join(root, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  ({ server, url: baseUrl } = await startServer({ root, port: 0, host: '127.0.0.1' })); // http://localhost:PORT/
  hostServer = createServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    const html = u.pathname === '/snippet'
      ? `<!doctype html><html><body style="margin:0"><main style="width:${u.searchParams.get('w')}px">${snippetHtml}</main></body></html>`
      : hostPage(u.searchParams.get('src'), u.searchParams.get('w') || 480);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise((r) => hostServer.listen(0, '127.0.0.1', r));
  hostUrl = `http://127.0.0.1:${hostServer.address().port}/`;
  assert.notEqual(new URL(hostUrl).origin, new URL(baseUrl).origin, 'the host is another origin');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
  await new Promise((r) => (hostServer ? hostServer.close(r) : r()));
});

beforeEach(async () => {
  problems = [];
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
});

afterEach(async () => {
  await context.close();
  assert.deepEqual(problems, [], 'the page raised console errors');
});

const frameSrc = (query) => new URL(`index.html?${query}`, baseUrl).href;

/** Open the host page with the frame; returns the frame once the playground in it is ready. */
async function openHost(query, width = 480) {
  await page.setViewportSize({ width: Math.max(width + 40, 360), height: 900 });
  await page.goto(`${hostUrl}?w=${width}&src=${encodeURIComponent(frameSrc(query))}`);
  const handle = await page.waitForSelector('#f');
  const frame = await handle.contentFrame();
  await frame.waitForFunction(() => window.tconv && window.tconv.result && window.tconv.result());
  await frame.evaluate(() => window.tconv.ready);
  return frame;
}
const received = (type) => page.evaluate((t) => window.received.filter((m) => m.data && m.data.type === t), type);
const sideways = (frame) => frame.evaluate(() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth);

test('in a 480 px frame on another origin: no sideways scroll, resize and state messages, the frame sizes itself', async () => {
  const frame = await openHost(`embed=1&${CORNER}`);
  assert.ok(await sideways(frame) <= 0, `no sideways scroll inside the frame (${await sideways(frame)} px)`);
  await page.waitForFunction(() => window.received.some((m) => m.data.type === 'tconv:resize'));
  await page.waitForFunction(() => window.received.some((m) => m.data.type === 'tconv:state'));
  const resize = (await received('tconv:resize')).at(-1);
  assert.equal(resize.origin, new URL(baseUrl).origin);
  const contentHeight = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  assert.ok(resize.data.height > 300, `the reported height ${resize.data.height} is the content's, not the frame's`);
  assert.ok(Math.abs(resize.data.height - contentHeight) <= 1);
  const frameHeight = await page.evaluate(() => document.getElementById('f').getBoundingClientRect().height);
  assert.equal(Math.round(frameHeight), resize.data.height, 'the host sized the frame from the message');
  assert.equal(await frame.evaluate(() => document.scrollingElement.scrollHeight > document.scrollingElement.clientHeight + 1), false,
    'with that height the frame needs no scrollbar at all');
  const state = (await received('tconv:state')).at(-1).data;
  assert.deepEqual({ in: state.state.in, k: state.state.k, s: state.state.s, p: state.state.p, embed: state.state.embed }, { in: '4', k: '4', s: '2', p: '1', embed: '1' });
  assert.equal(state.link, await frame.evaluate(() => window.tconv.link()));
  // embed mode: the view, a compact strip, a link out; no page header, gallery or export buttons
  assert.equal(await frame.locator('header.site').isVisible(), false);
  assert.equal(await frame.locator('#gallery').isVisible(), false);
  assert.ok(await frame.getByLabel('Stride').isVisible(), 'the compact strip has the size controls');
  assert.equal(await frame.getByLabel('Channels in').isVisible(), false, 'but not the channel controls');
  const open = frame.getByRole('link', { name: /Open in full playground/ });
  assert.ok(await open.isVisible());
  const href = new URL(await open.getAttribute('href'), frameSrc(''));
  assert.equal(href.searchParams.get('embed'), null);
  assert.equal(href.searchParams.get('s'), '2');
  assert.equal(await open.getAttribute('target'), '_blank');
});

test('tconv:set from the host applies like window.tconv.set, and the frame reports the new state', async () => {
  const frame = await openHost(`embed=1&${CORNER}`);
  await page.waitForFunction(() => window.received.some((m) => m.data.type === 'tconv:state'));
  await page.evaluate(() => { window.received = []; document.getElementById('f').contentWindow.postMessage({ type: 'tconv:set', state: { s: '1' } }, '*'); });
  await frame.waitForFunction(() => window.tconv.state().s[0] === 1);
  assert.deepEqual((await frame.evaluate(() => window.tconv.state())).s, [1, 1]);
  assert.deepEqual((await frame.evaluate(() => window.tconv.result())).shape, [1, 1, 5, 5]);
  await page.waitForFunction(() => window.received.some((m) => m.data.type === 'tconv:state'));
  const st = (await received('tconv:state')).at(-1).data;
  assert.equal(st.state.s, undefined, 'stride 1 is the default and left out, as in the link');
  assert.doesNotMatch(st.link, /[?&]s=/);
  // values as window.tconv.set takes them, several at once
  await page.evaluate(() => document.getElementById('f').contentWindow.postMessage({ type: 'tconv:set', state: { s: [2, 1], view: 'direct', x: 'rand:3' } }, '*'));
  await frame.waitForFunction(() => window.tconv.state().view === 'padded_direct');
  const after = await frame.evaluate(() => window.tconv.state());
  assert.deepEqual([after.s, after.x], [[2, 1], { kind: 'rand', seed: 3 }]);
  assert.ok(await frame.getByRole('tabpanel', { name: 'Padded direct' }).isVisible());
});

test('messages are data only: markup is shown as text, bad values are refused with a message, others are ignored', async () => {
  const frame = await openHost(`embed=1&${CORNER}`);
  const before = await frame.evaluate(() => window.tconv.state());
  const post = (msg) => page.evaluate((m) => document.getElementById('f').contentWindow.postMessage(m, '*'), msg);
  const alert = (text) => frame.getByRole('alert').filter({ hasText: text }).waitFor();
  await post({ type: 'tconv:set', state: { s: '<img src=x onerror="top.pwned=1">' } });
  await alert('Stride is "<img src=" but must be a whole number');
  assert.equal(await frame.locator('img').count(), 0, 'no markup was inserted');
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  await post({ type: 'tconv:set', state: 'javascript:alert(1)' });
  await alert('state must be an object');
  await post({ type: 'tconv:set', state: { view: { kind: 'list', values: 'abc' }, bogus: '1' } });
  await alert('Unknown parameter "bogus"');
  await post('tconv:set');
  await post({ type: 'something-else', state: { s: '3' } });
  await frame.waitForTimeout(200);
  assert.deepEqual(await frame.evaluate(() => window.tconv.state()), before, 'nothing invalid applied; other messages ignored');
});

test('embed mode fits 320 to 800 px without sideways scroll, with every controls= and views= choice', async () => {
  const queries = [
    `embed=1&${CORNER}&view=scatter`,
    `embed=1&${CORNER}&view=matrix&controls=full`,
    `embed=1&${CORNER}&view=direct&controls=none`,
    'embed=1&in=3x4&k=2x3&s=2x1&p=1x0&op=1x0&d=1x2&cin=4&cout=6&g=2&x=rand:5&w=rand:9&view=scatter&overlap=1',
    'embed=1&in=6&k=5&s=3&view=direct&controls=compact',
  ];
  for (const width of [320, 480, 800]) {
    for (const q of queries) {
      const frame = await openHost(q, width);
      const over = await sideways(frame);
      assert.ok(over <= 0, `${width} px, ${q}: sideways scroll of ${over} px`);
    }
  }
});

test('views= limits the tabs and controls= how many controls show', async () => {
  let frame = await openHost(`embed=1&${CORNER}&views=scatter,direct&view=matrix&controls=none`);
  assert.deepEqual(await frame.locator('#views').getByRole('tab').allTextContents(), ['Scatter', 'Padded direct']);
  assert.equal((await frame.evaluate(() => window.tconv.state())).view, 'scatter', 'a view outside views= falls back to the first');
  assert.equal(await frame.locator('#controls').isVisible(), false, 'controls=none');
  await frame.getByRole('tab', { name: 'Scatter' }).focus();
  await frame.getByRole('tab', { name: 'Scatter' }).press('ArrowRight');
  await frame.evaluate(() => window.tconv.settled());
  assert.equal((await frame.evaluate(() => window.tconv.state())).view, 'padded_direct');
  await frame.getByRole('tab', { name: 'Padded direct' }).press('ArrowRight');
  await frame.evaluate(() => window.tconv.settled());
  assert.equal((await frame.evaluate(() => window.tconv.state())).view, 'scatter', 'arrow keys skip the hidden Matrix tab');
  frame = await openHost(`embed=1&${CORNER}&controls=full`);
  assert.ok(await frame.getByLabel('Channels in').isVisible(), 'controls=full shows every control');
  assert.equal(await frame.locator('#views').getByRole('tab').count(), 4);
  // views= also works outside embed mode, and bad values are reported, not applied
  await page.goto(new URL(`index.html?${CORNER}&views=direct,sideways`, baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  assert.match((await page.getByRole('alert').allTextContents()).join('\n'), /views has "sideways"/);
  assert.equal(await page.locator('#views').getByRole('tab').count(), 4);
});

test('the Embed dialog gives a snippet that embeds this state and sizes itself; Copy link copies the link', async () => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseUrl).origin });
  await page.goto(new URL(`index.html?${CORNER}&view=direct`, baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.getByRole('status').filter({ hasText: 'Link copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await page.evaluate(() => window.tconv.link()));

  await page.getByRole('button', { name: 'Embed' }).click();
  const dialog = page.getByRole('dialog', { name: 'Embed this playground' });
  await dialog.waitFor();
  let snippet = await dialog.getByLabel('HTML to paste into your post').inputValue();
  assert.match(snippet, /^<iframe id="tconv-embed" src="http:\/\/localhost:\d+\/index\.html\?in=4&amp;k=4&amp;s=2&amp;p=1&amp;x=ones&amp;w=arange&amp;view=padded_direct&amp;embed=1"/);
  assert.match(snippet, /tconv:resize/);
  await dialog.getByLabel('Controls').selectOption('none');
  await dialog.getByLabel('Matrix').uncheck();
  snippet = await dialog.getByLabel('HTML to paste into your post').inputValue();
  assert.match(snippet, /embed=1&amp;controls=none&amp;views=scatter,padded_direct,subpixel"/);
  await dialog.getByRole('button', { name: 'Copy snippet' }).click();
  await dialog.getByRole('status').filter({ hasText: 'Snippet copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), snippet);
  await page.keyboard.press('Escape');
  assert.equal(await dialog.isVisible(), false);

  // the snippet, pasted into a 480 px column on another origin, shows the state and sizes its frame
  snippetHtml = snippet;
  await page.goto(`${hostUrl}snippet?w=480`);
  const frame = await (await page.waitForSelector('#tconv-embed')).contentFrame();
  await frame.waitForFunction(() => window.tconv && window.tconv.result && window.tconv.result());
  assert.equal((await frame.evaluate(() => window.tconv.state())).view, 'padded_direct');
  await page.waitForFunction(() => document.getElementById('tconv-embed').getBoundingClientRect().height !== 560);
  const h = await page.evaluate(() => document.getElementById('tconv-embed').getBoundingClientRect().height);
  const content = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
  assert.ok(Math.abs(h - content) <= 1, `the frame took its content's height (${h} vs ${content})`);
  assert.ok(await sideways(frame) <= 0);
});

test('the gallery: six one-click lessons with captions; the corner lesson explains the 6', async () => {
  await page.goto(new URL('index.html', baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  const gallery = page.getByRole('navigation', { name: 'Lessons' });
  const links = gallery.getByRole('link');
  assert.deepEqual(await links.allTextContents(), ['Why is the corner 6?', 'Cᵀ and the gradient',
    'Two inputs, one output size: output_padding', 'TensorFlow\'s \'same\' is a crop', 'Checkerboard artifacts', 'The 2×2 example']);
  assert.equal(await gallery.locator('.caption').count(), 6);
  await links.first().click();
  await page.waitForURL(/cell=0,0/);
  await page.evaluate(() => window.tconv.ready);
  assert.match(await page.locator('[data-testid="explanation"]').textContent(), /y\[0,0\] = x\[0,0\]·w\[1,1\] = 1·6 = 6/);
  // the 2×2 example (the picture in the corner question): the four stamps 2·w, 4·w, 0·w, 1·w summed
  await page.goto(new URL('index.html', baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  await page.getByRole('link', { name: 'The 2×2 example' }).click();
  await page.waitForURL(/w=3,1,1,5/);
  await page.evaluate(() => window.tconv.ready);
  assert.deepEqual((await page.evaluate(() => window.tconv.result())).data, [6, 14, 4, 2, 17, 21, 0, 1, 5]);
  // checkerboard: the overlap heat map is on, from the link
  await page.goto(new URL('index.html', baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  await page.getByRole('link', { name: 'Checkerboard artifacts' }).click();
  await page.waitForURL(/overlap=1/);
  await page.evaluate(() => window.tconv.ready);
  assert.ok(await page.getByLabel('Overlap count heat map').isChecked());
  assert.deepEqual(await page.$$eval('[data-grid="scatter-canvas"] .cell[data-r="2"]', (s) => s.slice(0, 5).map((e) => e.textContent)), ['×2', '×2', '×4', '×2', '×4']);
  await page.getByLabel('Overlap count heat map').uncheck();
  await page.evaluate(() => window.tconv.settled());
  // The address bar follows once edits pause (app.js writes it lazily: replaceState costs more than a frame's budget).
  await page.waitForURL((u) => u.searchParams.get('overlap') === null, { timeout: 3000 });
});

test('the output-size panel: which conv2d input sizes map here, output_padding\'s choice, TensorFlow', async () => {
  await page.goto(new URL('index.html?in=2&k=3&s=2&p=1&op=1&x=arange&w=arange', baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  const panel = page.locator('#sizes');
  assert.match(await panel.textContent(), /maps input sizes 3 and 4 to 2/);
  assert.deepEqual(await panel.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.textContent))),
    [['3', '2', '0'], ['4', '2', '1 (now)']]);
  assert.match(await panel.textContent(), /neither 'SAME' nor 'VALID'/);
  await page.evaluate(() => window.tconv.set({ op: '0' }));
  assert.match(await panel.locator('tr.current').textContent(), /^32/);
  await page.evaluate(() => window.tconv.set({ in: '4', k: '4', p: '1' }));
  assert.match(await panel.textContent(), /padding='SAME' gives the same numbers; Keras Conv2DTranspose with padding='same', output_padding=None/);
  // per axis when they differ
  await page.evaluate(() => window.tconv.set({ s: '2x1' }));
  assert.deepEqual(await panel.locator('h3').allTextContents(), ['Height', 'Width']);
});
