// Servers for the embedding tests: dist/ behind Python's plain static server (it sends no CORS headers, as many
// static hosts do not), and a host page's server on another origin.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../dist');

/** python3 -m http.server on `root` at a free port of 127.0.0.1: {url (http://localhost:PORT/), close()}. */
export async function startPythonServer(root = DIST) {
  const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', root],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      const m = /port (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', () => {}); // its request log
    child.on('exit', (code) => reject(new Error(`python3 -m http.server exited (${code}): ${out}`)));
    setTimeout(() => reject(new Error(`python3 -m http.server did not start: ${out}`)), 15000);
  });
  // "localhost", not 127.0.0.1: a name that differs from the host page's too, not only the port
  return { url: `http://localhost:${port}/`, close: () => new Promise((r) => { child.once('exit', r); child.kill(); }) };
}

/** A host page server on 127.0.0.1: pages(pathname, searchParams) -> HTML. {url, close()}. */
export async function startHostServer(pages) {
  const server = createServer((req, res) => {
    const u = new URL(req.url, 'http://127.0.0.1');
    if (u.pathname === '/favicon.ico') { res.writeHead(204); res.end(); return; } // a browser asks; no console error
    const html = pages(u.pathname, u.searchParams);
    res.writeHead(html === null ? 404 : 200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

export const attr = (s) => String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Polls check() (async, true when done) until it holds; fails with what() after `tries` rounds (about 20 s). */
export async function until(check, what, tries = 200) {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never happened: ${what()}`);
}

/** Waits until the iframe element (an ElementHandle) is as tall as its content, both read afresh each time. */
export async function untilSized(frameHandle) {
  const frame = await frameHandle.contentFrame();
  let last = null;
  await until(async () => {
    const height = await frameHandle.evaluate((f) => f.getBoundingClientRect().height);
    const content = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
    last = { height, content };
    return Math.abs(height - content) <= 1;
  }, () => `the frame is ${last.height} px tall, its content ${last.content} px`);
}
