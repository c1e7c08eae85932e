// The npm package that ./scripts/build writes to build/package: `npm pack` gives a tarball that installs into an
// empty folder with no network, `import('tconv')` works there, the `tconv` bin answers a JSON line, and the
// TypeScript declarations type-check an example (tests/web/types/example.ts) with tsc from node_modules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, copyFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const packageDir = path.join(root, 'build', 'package');
// No registry: npm must not reach the network for any of this.
const offline = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
let work;
let app;
let tarball;

before(async () => {
  assert.ok(existsSync(path.join(packageDir, 'package.json')), 'build/package is missing; run ./scripts/build first');
  work = await mkdtemp(path.join(tmpdir(), 'tconv-package-'));
  await run('npm', ['pack', '--pack-destination', work], { cwd: packageDir, env: offline });
  tarball = (await readdir(work)).find((name) => name.endsWith('.tgz'));
  app = path.join(work, 'app');
  await run('mkdir', [app]);
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', path.join(work, tarball)], { cwd: app, env: offline });
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test('npm pack gives a tarball with the engine, its declarations, the wasm and the bin', async () => {
  assert.match(tarball, /^tconv-\d+\.\d+\.\d+\.tgz$/);
  const { stdout } = await run('tar', ['-tzf', path.join(work, tarball)]);
  const files = stdout.trim().split('\n').sort();
  for (const file of ['package/engine.js', 'package/engine.d.ts', 'package/tconv_wasm.js', 'package/tconv_wasm.wasm', 'package/bin/tconv.mjs', 'package/package.json']) {
    assert.ok(files.includes(file), `${file} in ${files.join(', ')}`);
  }
});

test("import('tconv') works in the empty folder it was installed into", async () => {
  const script = "import('tconv').then(async ({ createEngine }) => { const e = await createEngine();" +
    " const y = e.convTranspose({ shape: [1, 1, 3], data: [0, 1, 2] }, { shape: [1, 2, 3], data: [1, 1, 1, 1, 1, 1] }, { stride: 2, padding: 'same', bias: [10, 20] });" +
    ' console.log(JSON.stringify({ shape: y.shape, data: Array.from(y.data) })); })';
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: app });
  assert.deepEqual(JSON.parse(stdout), { shape: [1, 2, 6], data: [10, 10, 11, 11, 13, 12, 20, 20, 21, 21, 23, 22] });
});

test('the tconv bin answers a JSON line', async () => {
  const bin = path.join(app, 'node_modules', '.bin', 'tconv');
  const child = execFile(bin, [], { cwd: app });
  const output = new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => { text += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, text }));
  });
  child.stdin.end('{"input":{"shape":[1,1,2,2],"data":[1,2,3,4]},"weight":{"shape":[1,1,1,1],"data":[2]},"bias":[1]}\n');
  const { code, text } = await output;
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(text).data, [3, 5, 7, 9]);
});

test('engine.d.ts type-checks the example (tsc --noEmit), and rejects what it must', async () => {
  await copyFile(path.join(root, 'tests/web/types/example.ts'), path.join(app, 'example.ts'));
  await copyFile(path.join(root, 'tests/web/types/tsconfig.json'), path.join(app, 'tsconfig.json'));
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await run(process.execPath, [tsc, '-p', path.join(app, 'tsconfig.json')], { cwd: app }).catch((error) => error);
  assert.equal(result.code ?? 0, 0, `${result.stdout ?? ''}${result.stderr ?? ''}`);
  // A wrong call is an error: the declarations are not `any`.
  await writeFile(path.join(app, 'example.ts'), "import { createEngine } from 'tconv';\nconst e = await createEngine();\ne.convTranspose({ shape: [1] }, 3);\nexport {};\n");
  const wrong = await run(process.execPath, [tsc, '-p', path.join(app, 'tsconfig.json')], { cwd: app }).catch((error) => error);
  assert.notEqual(wrong.code ?? 0, 0, 'tsc accepted a call with a wrong weight');
  assert.match(`${wrong.stdout}`, /error TS/);
});
