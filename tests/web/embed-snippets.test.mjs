// The snippets in embed/, as blogs use them: the Hugo shortcode and the Jekyll include rendered by Hugo and Jekyll
// themselves (Debian's hugo and jekyll), the HTML, WordPress and MkDocs snippets with their placeholder address
// replaced. Each page is loaded in Chromium from another origin than the playground, which python3 -m http.server
// serves from dist/: the marks become titled frames with the right state, sized to their content, and the fallback
// links open the same state. Runs against dist/ (./scripts/build).
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { launchChromium } from './support/browser.mjs';
import { DIST, startPythonServer, startHostServer, untilSized } from './support/hosts.mjs';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PLACEHOLDER = 'https://example.org/tconv/';
const CORNER_ROW0 = [6, 12, 14, 12, 14, 12, 14, 7];
const POST = {
  hugo: 'The corner:\n\n{{< tconv in="4" k="4" s="2" p="1" x="ones" w="arange" title="The corner question" >}}\n\n'
    + 'Another:\n\n{{< tconv in="3x4" k="2,3" s="2,1" x="rand:5" view="direct" >}}\n',
  jekyll: 'The corner:\n\n{% include tconv.html in="4" k="4" s="2" p="1" x="ones" w="arange" title="The corner question" %}\n\n'
    + 'Another:\n\n{% include tconv.html in="3x4" k="2,3" s="2,1" x="rand:5" view="direct" %}\n',
};

let frameServer, hostServer, browser, context, page, problems, work;
const pages = new Map(); // host path -> HTML

before(async () => {
  assert.ok(existsSync(path.join(DIST, 'embed.js')), 'dist/embed.js is missing: run ./scripts/build first');
  frameServer = await startPythonServer();
  hostServer = await startHostServer((pathname) => pages.get(pathname) ?? null);
  browser = await launchChromium();
  work = mkdtempSync(path.join(tmpdir(), 'tconv-snippets-'));
});

after(async () => {
  await browser?.close();
  await frameServer?.close();
  await hostServer?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

beforeEach(async () => {
  problems = [];
  context = await browser.newContext({ viewport: { width: 900, height: 900 } });
  page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
});

afterEach(async () => {
  await context.close();
  assert.deepEqual(problems, [], 'console errors');
});

/** Opens a generated post on the host origin and checks its frames: [{title, state: {key: value}, row0?}]. */
async function checkPost(name, html, expected) {
  pages.set(`/${name}`, html);
  await page.goto(`${hostServer.url}${name}`);
  await page.waitForFunction((n) => document.querySelectorAll('iframe.tconv-frame').length === n, expected.length);
  const handles = await page.$$('iframe.tconv-frame');
  for (const [i, want] of expected.entries()) {
    const h = handles[i];
    assert.equal(await h.getAttribute('title'), want.title);
    assert.equal(await h.getAttribute('loading'), 'lazy');
    const frame = await h.contentFrame();
    await frame.waitForFunction(() => window.tconv && window.tconv.result && window.tconv.result());
    const state = await frame.evaluate(() => window.tconv.state());
    for (const [key, value] of Object.entries(want.state)) assert.deepEqual(state[key], value, `${name} frame ${i}: ${key}`);
    if (want.row0) assert.deepEqual((await frame.evaluate(() => window.tconv.result())).data.slice(0, 8), want.row0);
    await untilSized(h);
  }
  // without scripts, the marks' links are what readers get, and they open the same state
  const links = [...html.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
  assert.equal(links.length, expected.length, `${name}: one fallback link per mark`);
  for (const [i, link] of links.entries()) {
    assert.ok(link.startsWith(frameServer.url), link);
    await page.goto(link);
    await page.evaluate(() => window.tconv.ready);
    const state = await page.evaluate(() => window.tconv.state());
    for (const [key, value] of Object.entries(expected[i].state)) assert.deepEqual(state[key], value, `${link}: ${key}`);
    assert.equal(state.embed, false, 'the link opens the full page');
  }
}

const TWO_MARKS = [
  { title: 'The corner question', state: { in: [4, 4], k: [4, 4], s: [2, 2], p: [1, 1], view: 'scatter' }, row0: CORNER_ROW0 },
  { title: 'Transposed convolution playground', state: { in: [3, 4], k: [2, 3], s: [2, 1], view: 'padded_direct', x: { kind: 'rand', seed: 5 } } },
];

const scriptTags = (html) => html.match(/<script\b[^>]*src="[^"]*embed\.js"[^>]*>/g) || [];

test('Hugo renders the shortcode: two frames with their states, the host script once, fallback links', async () => {
  const site = path.join(work, 'hugo');
  mkdirSync(path.join(site, 'content'), { recursive: true });
  mkdirSync(path.join(site, 'layouts/_default'), { recursive: true });
  cpSync(path.join(repo, 'embed/hugo/layouts'), path.join(site, 'layouts'), { recursive: true });
  writeFileSync(path.join(site, 'hugo.toml'), `baseURL = "http://blog.example/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "home", "section", "404"]\n[params]\ntconv = "${frameServer.url}"\n`);
  writeFileSync(path.join(site, 'layouts/_default/single.html'), '<!doctype html><html><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>{{ .Content }}</body></html>\n');
  writeFileSync(path.join(site, 'content/post.md'), `---\ntitle: A post\n---\n${POST.hugo}`);
  await run('hugo', ['--quiet', '--source', site, '--destination', path.join(site, 'public')]);
  const html = readFileSync(path.join(site, 'public/post/index.html'), 'utf8');
  assert.equal(scriptTags(html).length, 1, 'the host script once per page');
  await checkPost('hugo', html, TWO_MARKS);
});

test('Hugo without the playground\'s address stops with a message that says what to set', async () => {
  const site = path.join(work, 'hugo-bare');
  mkdirSync(path.join(site, 'content'), { recursive: true });
  mkdirSync(path.join(site, 'layouts/_default'), { recursive: true });
  cpSync(path.join(repo, 'embed/hugo/layouts'), path.join(site, 'layouts'), { recursive: true });
  writeFileSync(path.join(site, 'hugo.toml'), 'baseURL = "http://blog.example/"\n');
  writeFileSync(path.join(site, 'layouts/_default/single.html'), '<html><body>{{ .Content }}</body></html>\n');
  writeFileSync(path.join(site, 'content/post.md'), `---\ntitle: A post\n---\n${POST.hugo}`);
  const err = await run('hugo', ['--source', site, '--destination', path.join(site, 'public')]).then(() => null, (e) => e);
  assert.ok(err, 'the build fails');
  assert.match(`${err.stdout}${err.stderr}`, /tconv shortcode at .*post\.md.*no playground address; set params\.tconv/);
});

test('Jekyll renders the include: two frames with their states, the host script once, fallback links', async () => {
  const site = path.join(work, 'jekyll');
  mkdirSync(path.join(site, '_layouts'), { recursive: true });
  cpSync(path.join(repo, 'embed/jekyll/_includes'), path.join(site, '_includes'), { recursive: true });
  writeFileSync(path.join(site, '_config.yml'), `tconv: ${frameServer.url}\n`);
  writeFileSync(path.join(site, '_layouts/default.html'), '<!doctype html><html><head><meta charset="utf-8"><title>{{ page.title }}</title></head><body>{{ content }}</body></html>\n');
  writeFileSync(path.join(site, 'post.md'), `---\nlayout: default\ntitle: A post\n---\n${POST.jekyll}`);
  await run('jekyll', ['build', '--quiet', '--safe', '--source', site, '--destination', path.join(site, '_site')], { env: { ...process.env, JEKYLL_ENV: 'production' } });
  const html = readFileSync(path.join(site, '_site/post.html'), 'utf8');
  assert.equal(scriptTags(html).length, 1, 'the host script once per page');
  await checkPost('jekyll', html, TWO_MARKS);
});

const ONE_MARK = [{ title: 'Transposed convolution: the corner question', state: { in: [4, 4], s: [2, 2], p: [1, 1] }, row0: CORNER_ROW0 }];
const local = (text) => {
  assert.ok(text.includes(PLACEHOLDER), 'the snippet names the placeholder address');
  return text.replaceAll(PLACEHOLDER, frameServer.url);
};
const page0 = (body) => `<!doctype html><html><head><meta charset="utf-8"><title>post</title></head><body><p>A post.</p>${body}</body></html>`;

test('the HTML snippet and the WordPress Custom HTML block, pasted as they are', async () => {
  for (const file of ['html.html', 'wordpress.html']) {
    const html = page0(local(readFileSync(path.join(repo, 'embed', file), 'utf8')));
    assert.equal(scriptTags(html).length, 1);
    await checkPost(file, html, ONE_MARK);
  }
});

test('the MkDocs snippet: the mark in a page, the script as mkdocs.yml\'s extra_javascript adds it', async () => {
  const text = local(readFileSync(path.join(repo, 'embed/mkdocs.md'), 'utf8'));
  const script = /extra_javascript:\s*\n\s*- (\S+)/.exec(text)[1];
  assert.equal(script, `${frameServer.url}embed.js`);
  const mark = text.replace(/<!--[\s\S]*?-->/, '');
  await checkPost('mkdocs', page0(`${mark}<script src="${script}"></script>`), ONE_MARK);
});

/** The Embed dialog's text for a format, on the page served by the playground's own server. */
async function dialogText(query, format) {
  await page.goto(`${frameServer.url}index.html?${query}`);
  await page.evaluate(() => window.tconv.ready);
  await page.getByRole('button', { name: 'Embed' }).click();
  const dialog = page.getByRole('dialog', { name: 'Embed this playground' });
  await dialog.getByLabel('Paste into', { exact: true }).selectOption(format);
  const label = { hugo: 'Hugo shortcode', jekyll: 'Jekyll include', picture: 'Markdown', script: 'HTML' }[format];
  return { dialog, text: await dialog.getByLabel(`${label} to paste into your post`).inputValue() };
}

const BUSY = 'in=3x4&k=2x3&s=2x1&p=1x0&op=1x0&d=1x2&cin=4&cout=6&g=2&x=rand:5&w=rand:9&b=arange&view=padded_direct&cell=1,2';
const BUSY_STATE = { in: [3, 4], k: [2, 3], s: [2, 1], p: [1, 0], op: [1, 0], d: [1, 2], cin: 4, cout: 6, g: 2, view: 'padded_direct', cell: [1, 2] };

test('the Embed dialog\'s Hugo shortcode and Jekyll include, rendered by Hugo and Jekyll, embed the page\'s state', async () => {
  const hugo = (await dialogText(BUSY, 'hugo')).text;
  assert.match(hugo, /^\{\{< tconv in="3x4" k="2x3" s="2x1" p="1x0" op="1x0" d="1x2" .*cell="1,2" >\}\}$/);
  const jekyll = (await dialogText(BUSY, 'jekyll')).text;
  assert.match(jekyll, /^\{% include tconv\.html in="3x4" .* %\}$/);
  const want = [{ title: 'Transposed convolution playground', state: BUSY_STATE }];
  const hsite = path.join(work, 'hugo-dialog');
  mkdirSync(path.join(hsite, 'content'), { recursive: true });
  mkdirSync(path.join(hsite, 'layouts/_default'), { recursive: true });
  cpSync(path.join(repo, 'embed/hugo/layouts'), path.join(hsite, 'layouts'), { recursive: true });
  writeFileSync(path.join(hsite, 'hugo.toml'), `baseURL = "http://blog.example/"\n[params]\ntconv = "${frameServer.url}"\n`);
  writeFileSync(path.join(hsite, 'layouts/_default/single.html'), '<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body>{{ .Content }}</body></html>\n');
  writeFileSync(path.join(hsite, 'content/post.md'), `---\ntitle: A post\n---\n${hugo}\n`);
  await run('hugo', ['--quiet', '--source', hsite, '--destination', path.join(hsite, 'public')]);
  await checkPost('hugo-dialog', readFileSync(path.join(hsite, 'public/post/index.html'), 'utf8'), want);
  const jsite = path.join(work, 'jekyll-dialog');
  mkdirSync(path.join(jsite, '_layouts'), { recursive: true });
  cpSync(path.join(repo, 'embed/jekyll/_includes'), path.join(jsite, '_includes'), { recursive: true });
  writeFileSync(path.join(jsite, '_config.yml'), `tconv: ${frameServer.url}\n`);
  writeFileSync(path.join(jsite, '_layouts/default.html'), '<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body>{{ content }}</body></html>\n');
  writeFileSync(path.join(jsite, 'post.md'), `---\nlayout: default\n---\n${jekyll}\n`);
  await run('jekyll', ['build', '--quiet', '--safe', '--source', jsite, '--destination', path.join(jsite, '_site')]);
  await checkPost('jekyll-dialog', readFileSync(path.join(jsite, '_site/post.html'), 'utf8'), want);
});

test('the Embed dialog\'s host-script mark, pasted into a post, embeds the state', async () => {
  const { text } = await dialogText(BUSY, 'script');
  await checkPost('script-dialog', page0(text), [{ title: 'Transposed convolution playground', state: BUSY_STATE }]);
});

test('the Embed dialog\'s picture + link: Markdown that names the saved picture and links to this state', async () => {
  const { dialog, text } = await dialogText(BUSY, 'picture');
  const m = /^\[!\[([^\]]+)\]\(([^)]+)\)\]\(([^)]+)\)$/.exec(text);
  assert.ok(m, text);
  const [, alt, file, link] = m;
  assert.equal(link, await page.evaluate(() => window.tconv.link()));
  const svg = await page.evaluate(() => window.tconv.exportSVG());
  assert.equal(alt, /font-weight="600"[^>]*>([^<]+)</.exec(svg)[1].replace(/&amp;/g, '&'), 'the alt text is the figure\'s title');
  assert.equal(await dialog.getByLabel('Controls').isVisible(), false, 'a picture has no controls to choose');
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download the picture (PNG)' }).click()]);
  assert.equal(download.suggestedFilename(), file);
});
