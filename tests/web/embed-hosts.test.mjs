// Embeds on real blogs: the page in an <iframe> on another origin, served by a static server that sends no CORS headers
// (python3 -m http.server on dist/), sandboxed as WordPress does (sandbox="allow-scripts", #?secret=…), sandboxed with
// allow-same-origin, and not sandboxed. Then the host script (dist/embed.js): marks in a post become sized frames.
// Runs against dist/ (./scripts/build).
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchChromium } from './support/browser.mjs';
import { DIST, startPythonServer, startHostServer, attr, untilSized } from './support/hosts.mjs';

const CORNER = 'in=4&k=4&s=2&p=1&x=ones&w=arange';
// conv_transpose2d of a 4×4 ones input through the 4×4 kernel 1…16, stride 2, padding 1: the corner question's output
const CORNER_ROW0 = [6, 12, 14, 12, 14, 12, 14, 7];
// what an embed may download on its first load, gzip -9 (the sandboxed form: one classic script with the wasm in it)
const EMBED_BUDGET_KB = 175;

let frameServer, hostServer, browser, context, page, problems, requests;

/** A blog-like page with one frame of the playground; it records what the frame posts and sizes it. */
function framePage(src, sandbox) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>host</title></head><body style="margin:0">
<main style="width:480px"><p>A blog post.</p>
<iframe id="f" ${sandbox === null ? '' : `sandbox="${attr(sandbox)}"`} src="${attr(src)}" title="playground"
  style="width:480px;height:300px;border:0"></iframe>
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

/** A post with two marks for the host script, a link mark, and a frame that is not the playground's. */
function scriptPage(base) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>post</title></head><body style="margin:0">
<main style="width:600px">
<p>The corner question, with no controls:</p>
<div id="one" data-tconv="?${CORNER}&controls=none" data-title="The corner question"><a href="${attr(base)}index.html?${attr(CORNER)}">Open the playground</a></div>
<p>Another layer, with every control:</p>
<div id="two" data-tconv="?in=3&k=3&s=1&x=arange&controls=full"><a href="${attr(base)}index.html?in=3&amp;k=3">Open the playground</a></div>
<p><a id="three" class="tconv" href="${attr(base)}index.html?in=2&amp;k=2&amp;s=2&amp;view=matrix">The 2×2 layer as a matrix</a></p>
<iframe id="other" srcdoc="<p>not the playground</p>" style="width:200px;height:50px"></iframe>
</main>
<script async src="${attr(base)}embed.js"></script>
<script async src="${attr(base)}embed.js"></script>
<script>
window.states = [];
document.addEventListener('tconv:state', function (e) { window.states.push({ id: e.target.parentElement.id, link: e.detail.link }); });
</script></body></html>`;
}

before(async () => {
  assert.ok(existsSync(path.join(DIST, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  frameServer = await startPythonServer();
  hostServer = await startHostServer((pathname, q) => {
    if (pathname === '/frame') return framePage(q.get('src'), q.has('sandbox') ? q.get('sandbox') : null);
    if (pathname === '/post') return scriptPage(frameServer.url);
    return null;
  });
  assert.notEqual(new URL(hostServer.url).origin, new URL(frameServer.url).origin, 'the host is another origin');
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await frameServer?.close();
  await hostServer?.close();
});

beforeEach(async () => {
  problems = [];
  requests = [];
  context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('request', (r) => { if (r.url().startsWith(frameServer.url)) requests.push(r.url()); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
});

afterEach(async () => {
  await context.close();
  assert.deepEqual(problems, [], 'the frame raised console errors or failed requests');
});

test('the static server sends no CORS headers (what the sandboxed frame has to live with)', async () => {
  const res = await fetch(new URL('tconv_wasm.wasm', frameServer.url));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), null);
});

const received = (type) => page.evaluate((t) => window.received.filter((m) => m.data && (m.data.type === t || m.data.message === t)), type);
const post = (msg) => page.evaluate((m) => document.getElementById('f').contentWindow.postMessage(m, '*'), msg);

const CASES = [
  { name: 'sandbox="allow-scripts" with #?secret=abc (WordPress)', sandbox: 'allow-scripts', hash: '#?secret=abc', origin: 'null', entry: 'app.classic.js' },
  { name: 'sandbox="allow-scripts allow-same-origin"', sandbox: 'allow-scripts allow-same-origin', hash: '', entry: 'app.js' },
  { name: 'no sandbox', sandbox: null, hash: '', entry: 'app.js' },
];

for (const c of CASES) {
  test(`a frame from a server without CORS headers, ${c.name}: numbers, resize and state messages, tconv:set`, async (t) => {
    const src = `${frameServer.url}index.html?embed=1&${CORNER}${c.hash}`;
    await page.goto(`${hostServer.url}frame?src=${encodeURIComponent(src)}${c.sandbox === null ? '' : `&sandbox=${encodeURIComponent(c.sandbox)}`}`);
    const frame = await (await page.waitForSelector('#f')).contentFrame();
    await frame.waitForFunction(() => window.tconv && window.tconv.result && window.tconv.result());
    assert.equal(await frame.evaluate(() => self.origin), c.origin ?? new URL(frameServer.url).origin);
    // the numbers, from the engine and as drawn
    const result = await frame.evaluate(() => window.tconv.result());
    assert.deepEqual(result.shape, [1, 1, 8, 8]);
    assert.deepEqual(result.data.slice(0, 8), CORNER_ROW0);
    // resize: the content's height, and the host sized the frame from it
    await page.waitForFunction(() => window.received.some((m) => m.data.type === 'tconv:resize'));
    await page.waitForFunction(() => window.received.some((m) => m.data.type === 'tconv:state'));
    const resize = (await received('tconv:resize')).at(-1);
    assert.equal(resize.origin, c.origin ?? new URL(frameServer.url).origin);
    const content = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    assert.ok(resize.data.height > 300 && Math.abs(resize.data.height - content) <= 1, `reported ${resize.data.height}, content ${content}`);
    assert.equal(Math.round(await page.evaluate(() => document.getElementById('f').getBoundingClientRect().height)), resize.data.height);
    const state = (await received('tconv:state')).at(-1).data;
    assert.deepEqual([state.state.in, state.state.s, state.state.p, state.state.embed], ['4', '2', '1', '1']);
    assert.doesNotMatch(state.link, /secret/, 'the link the frame reports leaves the WordPress secret out');
    assert.equal(new URL(state.link).searchParams.get('k'), '4');
    // WordPress' own height message, only with its fragment; wp-embed's 'ready' asks for it again
    const wp = await received('height');
    if (c.hash) {
      assert.ok(wp.length > 0, 'the frame sent {message: "height", value, secret}');
      assert.deepEqual(wp.at(-1).data, { message: 'height', value: resize.data.height, secret: 'abc' });
      await page.evaluate(() => { window.received = []; });
      await post({ message: 'ready', secret: 'other' });
      await post({ message: 'ready', secret: 'abc' });
      await page.waitForFunction(() => window.received.some((m) => m.data.message === 'height'));
      assert.deepEqual((await received('height')).map((m) => m.data.secret), ['abc']);
      // a link clicked in WordPress' frame (which may not open windows) goes to wp-embed to open
      await page.evaluate(() => { window.received = []; });
      await frame.getByRole('link', { name: /Open in full playground/ }).click();
      await page.waitForFunction(() => window.received.some((m) => m.data.message === 'link'));
      const sent = (await received('link')).at(-1).data;
      assert.equal(sent.secret, 'abc');
      assert.equal(new URL(sent.value).searchParams.get('s'), '2');
      assert.equal(new URL(sent.value).searchParams.get('embed'), null);
    } else {
      assert.deepEqual(wp, [], 'no WordPress message without its fragment');
    }
    // tconv:set: pin the cell beside the corner; its sum is written out in the frame
    await page.evaluate(() => { window.received = []; });
    await post({ type: 'tconv:set', state: { cell: '0,1' } });
    await frame.locator('[data-testid="explanation"]').filter({ hasText: /= 12$/ }).waitFor();
    assert.match(await frame.locator('[data-testid="explanation"]').textContent(), /^y\[0,1\] = .* = 12$/);
    await page.waitForFunction(() => window.received.some((m) => m.data.type === 'tconv:state'));
    assert.equal((await received('tconv:state')).at(-1).data.state.cell, '0,1');
    await post({ type: 'tconv:set', state: { s: '1' } });
    await frame.waitForFunction(() => window.tconv.result().shape[2] === 5);
    // what the frame loaded: the classic script in an opaque origin (no module, no .wasm fetched), modules otherwise
    const files = [...new Set(requests.map((u) => new URL(u).pathname.slice(1)))];
    assert.ok(files.includes(c.entry), `${c.entry} was loaded: ${files.join(', ')}`);
    if (c.entry === 'app.classic.js') {
      assert.ok(!files.some((f) => f.endsWith('.wasm') || f === 'app.js' || f === 'worker.js'), `no module, worker or .wasm: ${files.join(', ')}`);
      const gz = files.map((f) => ({ f, kb: gzipSync(readFileSync(path.join(DIST, f)), { level: 9 }).length / 1024 }));
      const total = gz.reduce((s, x) => s + x.kb, 0);
      t.diagnostic(`a sandboxed embed's first load: ${gz.map((x) => `${x.f} ${x.kb.toFixed(1)} KB`).join(', ')}; ${total.toFixed(1)} KB gzip -9 in all`);
      assert.ok(total <= EMBED_BUDGET_KB, `a sandboxed embed downloads ${total.toFixed(1)} KB gzip, over ${EMBED_BUDGET_KB} KB`);
    } else {
      assert.ok(!files.includes('app.classic.js'), 'a frame that can load modules does not load the classic script');
    }
  });
}

test('in a sandboxed frame a big configuration, which a worker would compute, is computed on the page: the same numbers', async () => {
  const big = 'embed=1&in=64&k=5&s=2&p=2&cin=2&cout=2&x=rand:1&w=rand:2&view=matrix';
  const results = [];
  for (const sandbox of ['allow-scripts', null]) {
    const src = `${frameServer.url}index.html?${big}`;
    await page.goto(`${hostServer.url}frame?src=${encodeURIComponent(src)}${sandbox ? `&sandbox=${sandbox}` : ''}`);
    const frame = await (await page.waitForSelector('#f')).contentFrame();
    await frame.waitForFunction(() => window.tconv && window.tconv.result && window.tconv.result());
    await frame.evaluate(() => window.tconv.settled());
    results.push(await frame.evaluate(() => window.tconv.result()));
  }
  assert.deepEqual(results[0].shape, [1, 2, 127, 127]);
  assert.deepEqual(results[0], results[1]);
  assert.ok(requests.some((u) => u.endsWith('/worker.js')), 'the frame that may start a worker did');
});

test('the host script: two marks become two independent frames sized to their content; other frames are ignored', async () => {
  await page.goto(`${hostServer.url}post`);
  await page.waitForFunction(() => document.querySelectorAll('iframe.tconv-frame').length === 3);
  assert.equal(await page.locator('iframe.tconv-frame').count(), 3, 'the script included twice converts each mark once');
  const frames = {};
  for (const id of ['one', 'two', 'three']) {
    const sel = id === 'three' ? 'main > p > iframe.tconv-frame' : `#${id} > iframe`;
    const handle = await page.waitForSelector(sel);
    const a = await handle.evaluate((f) => ({ title: f.title, loading: f.loading, src: f.src }));
    frames[id] = { sel, ...a, frame: await handle.contentFrame() };
  }
  assert.deepEqual([frames.one.title, frames.two.title, frames.three.title],
    ['The corner question', 'Open the playground', 'The 2×2 layer as a matrix']);
  for (const f of Object.values(frames)) {
    assert.equal(f.loading, 'lazy');
    assert.equal(new URL(f.src).searchParams.get('embed'), '1');
    assert.ok(f.src.startsWith(`${frameServer.url}index.html?`), f.src);
  }
  assert.equal(new URL(frames.one.src).searchParams.get('controls'), 'none');
  const height = (id) => page.evaluate((sel) => Math.round(document.querySelector(sel).getBoundingClientRect().height), frames[id].sel);
  for (const id of Object.keys(frames)) {
    await frames[id].frame.waitForFunction(() => window.tconv && window.tconv.result && window.tconv.result());
    await untilSized(await page.$(frames[id].sel));
  }
  const before = { one: await height('one'), two: await height('two'), three: await height('three') };
  assert.ok(before.two > before.one + 100, `all controls (${before.two} px) make a taller frame than none (${before.one} px)`);
  assert.deepEqual((await frames.three.frame.evaluate(() => window.tconv.state())).view, 'matrix');
  // tconv:state is re-dispatched on each frame
  await page.waitForFunction(() => ['one', 'two'].every((id) => window.states.some((s) => s.id === id)));
  // a resize message from a frame that is not the playground's, or from the page itself, changes nothing
  const other = await (await page.waitForSelector('#other')).contentFrame();
  await other.evaluate(() => parent.postMessage({ type: 'tconv:resize', height: 77 }, '*'));
  await page.evaluate(() => window.postMessage({ type: 'tconv:resize', height: 78 }, '*'));
  // one frame changing its height does not move the others
  await frames.one.frame.evaluate(() => window.tconv.set({ controls: 'full' }));
  await page.waitForFunction(([sel, h]) => document.querySelector(sel).getBoundingClientRect().height > h + 100, [frames.one.sel, before.one]);
  assert.equal(await height('two'), before.two);
  assert.equal(await height('three'), before.three);
  await untilSized(await page.$(frames.one.sel));
});
