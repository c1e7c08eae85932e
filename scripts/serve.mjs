// A tiny static file server for dist/ (no dependencies). Used by ./scripts/serve and importable by tests:
//   import { startServer } from '../../scripts/serve.mjs';
//   const { server, url } = await startServer({ root, port: 0 });   // port 0: any free port
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Browsers refuse ES modules and streaming wasm compilation without the right types.
const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

function send(response, status, message, method) {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(message),
    'X-Content-Type-Options': 'nosniff',
  });
  response.end(method === 'HEAD' ? undefined : message);
}

// Maps a request path to a file strictly inside root, or null. Decoding happens once, before the check, so
// encoded forms like %2e%2e%2f cannot step outside root.
function resolveInside(root, requestUrl) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(requestUrl, 'http://localhost').pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const filePath = path.resolve(root, '.' + path.posix.normalize('/' + pathname));
  if (filePath !== root && !filePath.startsWith(root + path.sep)) return null;
  return filePath;
}

export function createStaticServer(rootDirectory) {
  const root = path.resolve(rootDirectory);
  return createServer({ maxHeaderSize: 1 << 20 }, async (request, response) => {
    const method = request.method;
    if (method !== 'GET' && method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      send(response, 405, 'Method not allowed\n', method);
      return;
    }
    let filePath = resolveInside(root, request.url);
    if (filePath === null) {
      send(response, 400, 'Bad request path\n', method);
      return;
    }
    try {
      let info = await stat(filePath);
      if (info.isDirectory()) {
        if (!new URL(request.url, 'http://localhost').pathname.endsWith('/')) {
          // Relative URLs in index.html resolve against the directory only with a trailing slash.
          const location = new URL(request.url, 'http://localhost');
          location.pathname += '/';
          response.writeHead(301, { Location: location.pathname + location.search });
          response.end();
          return;
        }
        filePath = path.join(filePath, 'index.html');
        info = await stat(filePath);
      }
      if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      response.writeHead(200, {
        'Content-Type': MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-cache', // a rebuild must show up on reload
        'X-Content-Type-Options': 'nosniff',
      });
      if (method === 'HEAD') {
        response.end();
        return;
      }
      const stream = createReadStream(filePath);
      stream.on('error', () => response.destroy());
      stream.pipe(response);
    } catch (error) {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') send(response, 404, 'Not found\n', method);
      else send(response, 500, 'Internal server error\n', method);
    }
  });
}

export function startServer({ root, port = 8000, host = '127.0.0.1' } = {}) {
  const server = createStaticServer(root);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      const shownHost = host === '127.0.0.1' || host === '::1' || host === '0.0.0.0' || host === '::'
        ? 'localhost' : host;
      resolve({ server, url: `http://${shownHost}:${address.port}/` });
    });
  });
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const root = process.argv[2] ?? fileURLToPath(new URL('../dist/', import.meta.url));
  const port = Number(process.env.PORT ?? 8000);
  const host = process.env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: PORT is ${JSON.stringify(process.env.PORT)} but must be an integer from 0 to 65535`);
    process.exit(2);
  }
  try {
    await stat(path.join(root, 'index.html'));
  } catch {
    console.error(`serve: warning: ${path.join(root, 'index.html')} does not exist yet; only other files are served`);
  }
  try {
    const { url } = await startServer({ root, port, host });
    console.log(`Serving ${root} at ${url}  (Ctrl+C stops)`);
  } catch (error) {
    if (error.code === 'EADDRINUSE') {
      console.error(`serve: port ${port} is already in use; run with another, e.g. PORT=8001 ./scripts/serve`);
    } else {
      console.error(`serve: cannot listen on ${host}:${port}: ${error.message}`);
    }
    process.exit(1);
  }
}
