// window.tconv.influence({tensor, index}) against PyTorch autograd, in the browser on the built site (dist/): random
// configurations with channels, groups, strides, dilation, padding and output_padding, random nonzero values (so a
// zero in a gradient means no dependency), and for each a few cells of x, w and y. The truth is the nonzero pattern
// of torch.autograd.functional.jacobian of conv_transpose2d: for a cell of x or w, the outputs whose derivative by
// it is nonzero; for an output cell, the inputs and taps it depends on. Also in Node: the page's index forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './support/browser.mjs';
import { mulberry32 } from '../../web/random.js';
import * as S from '../../web/state.js';
import { computeModel, influenceOf } from '../../web/model.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
const PYTHON = '/usr/bin/python3'; // Debian's: the python3 on PATH may be another one without torch
let HAS_TORCH = false;
try {
  execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60000 });
  HAS_TORCH = true;
} catch { /* reported by the skip below */ }
const NO_TORCH = HAS_TORCH ? false : `${PYTHON} cannot import torch: install python3-torch (./scripts/test does)`;
const SEED = Number(process.env.TCONV_INFLUENCE_SEED || 20240917);
const CASES = 14;

let engine;
let server, baseUrl, browser, tmp;

before(async () => {
  assert.ok(existsSync(path.join(root, 'index.html')), 'dist/index.html is missing: run ./scripts/build first');
  engine = await (await import(path.join(root, 'engine.js'))).createEngine();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'tconv-influence-'));
});

after(async () => {
  await browser?.close();
  await new Promise((r) => (server ? server.close(r) : r()));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Random valid configurations (checked by the engine), with random nonzero values and queries of each tensor. */
function randomCases() {
  const next = mulberry32(SEED);
  const int = (a, b) => a + Math.floor(next() * (b - a + 1));
  const value = () => Math.round((next() < 0.5 ? -1 : 1) * (0.5 + next()) * 1000) / 1000;
  const out = [];
  while (out.length < CASES) {
    const g = int(1, 3);
    const c = {
      in: [int(1, 5), int(1, 5)], k: [int(1, 4), int(1, 4)], s: [int(1, 3), int(1, 3)], d: [int(1, 2), int(1, 2)],
      cin: g * int(1, 2), cout: g * int(1, 2), g,
    };
    c.p = [0, 1].map((a) => int(0, c.d[a] * (c.k[a] - 1)));
    c.op = [0, 1].map((a) => int(0, Math.max(c.s[a], c.d[a]) - 1));
    const xShape = [1, c.cin, ...c.in], wShape = [c.cin, c.cout / g, ...c.k];
    let shape;
    try {
      shape = engine.outputShape(xShape, wShape, { stride: c.s, padding: c.p, outputPadding: c.op, dilation: c.d, groups: g });
    } catch {
      continue;
    }
    if (shape[1] * shape[2] * shape[3] > 700) continue;
    const count = (s) => s.reduce((a, b) => a * b, 1);
    c.x = Array.from({ length: count(xShape) }, value);
    c.w = Array.from({ length: count(wShape) }, value);
    c.xShape = xShape;
    c.wShape = wShape;
    c.outShape = shape;
    const pick = (dims) => dims.map((n) => int(0, n - 1));
    c.queries = [
      { tensor: 'x', index: pick([c.cin, ...c.in]) },
      { tensor: 'x', index: pick([c.cin, ...c.in]) },
      { tensor: 'w', index: pick(wShape) },
      { tensor: 'w', index: pick(wShape) },
      { tensor: 'y', index: [int(0, shape[1] - 1), 0, 0] },
      { tensor: 'y', index: pick(shape.slice(1)) },
      { tensor: 'y', index: [int(0, shape[1] - 1), shape[2] - 1, shape[3] - 1] }, // the output_padding corner, when there is one
    ];
    out.push(c);
  }
  return out;
}

const AUTOGRAD = String.raw`
import json, sys
import torch
import torch.nn.functional as F
cases = json.load(open(sys.argv[1]))
out = []
for c in cases:
    x = torch.tensor(c['x'], dtype=torch.float64).reshape(c['xShape'])
    w = torch.tensor(c['w'], dtype=torch.float64).reshape(c['wShape'])
    f = lambda a, b: F.conv_transpose2d(a, b, stride=tuple(c['s']), padding=tuple(c['p']), output_padding=tuple(c['op']),
                                        groups=c['g'], dilation=tuple(c['d']))
    jx, jw = torch.autograd.functional.jacobian(f, (x, w))  # [y..., x...] and [y..., w...]
    nz = lambda t: sorted(list(map(int, i)) for i in (t != 0).nonzero().tolist())
    res = []
    for q in c['queries']:
        i = q['index']
        if q['tensor'] == 'x':
            res.append({'y': [v[1:] for v in nz(jx[..., 0, i[0], i[1], i[2]])]})
        elif q['tensor'] == 'w':
            res.append({'y': [v[1:] for v in nz(jw[..., i[0], i[1], i[2], i[3]])]})
        else:
            res.append({'x': [v[1:] for v in nz(jx[0, i[0], i[1], i[2]])], 'w': nz(jw[0, i[0], i[1], i[2]])})
    out.append({'shape': list(f(x, w).shape), 'queries': res})
json.dump(out, open(sys.argv[2], 'w'))
`;

test('influenceOf: an index of the cell alone means the shown channel; a wrong index is named', () => {
  const st = S.parse('?in=3&k=2&s=2&cin=2&cout=4&g=2&x=arange&w=arange').state;
  const m = computeModel(engine, st);
  const full = influenceOf(engine, m, { tensor: 'y', index: [3, 0, 0] });
  const short = influenceOf(engine, m, { tensor: 'y', index: [0, 0] }, { ci: 1, co: 3 });
  assert.deepEqual(short, full);
  assert.deepEqual(full.x, [[1, 0, 0]], 'output channel 3 is in group 1: it reads input channel 1 only');
  assert.deepEqual(full.w, [[1, 1, 0, 0]]);
  assert.deepEqual(full.y, [[3, 0, 0]]);
  assert.equal(full.connections.length, 1);
  // an input cell reaches every output it stamps, in its group's output channels, through each tap
  const x = influenceOf(engine, m, { tensor: 'x', index: [0, 1, 1] });
  assert.deepEqual(x.y.map((v) => v[0]).filter((v, i, a) => a.indexOf(v) === i), [0, 1]);
  assert.equal(x.y.length, 2 * 4);
  assert.throws(() => influenceOf(engine, m, { tensor: 'y', index: [0, 9, 0] }), /output height index is 9 but the output has 6/);
  assert.throws(() => influenceOf(engine, m, { tensor: 'w', index: [0, 0, 0] }), /a w index has 2 numbers \(its position\) or 4/);
  assert.throws(() => influenceOf(engine, m, { tensor: 'z', index: [0, 0] }), /influence takes \{tensor: 'x' \| 'w' \| 'y'/);
  // an output that no tap reaches (k < s) still is itself
  const gap = computeModel(engine, S.parse('?in=2&k=1&s=3').state);
  assert.deepEqual(influenceOf(engine, gap, { tensor: 'y', index: [1, 1] }), { x: [], w: [], y: [[0, 1, 1]], connections: [] });
});

test(`window.tconv.influence matches PyTorch autograd on ${CASES} random configurations with channels and groups`, { skip: NO_TORCH }, async () => {
  const cases = randomCases();
  console.log(`# influence: ${CASES} random configurations (TCONV_INFLUENCE_SEED=${SEED} replays them)`);
  const inFile = path.join(tmp, 'cases.json'), outFile = path.join(tmp, 'truth.json'), script = path.join(tmp, 'autograd.py');
  writeFileSync(inFile, JSON.stringify(cases));
  writeFileSync(script, AUTOGRAD);
  execFileSync(PYTHON, [script, inFile, outFile], { timeout: 300000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  const truth = JSON.parse(readFileSync(outFile, 'utf8'));

  ({ server, url: baseUrl } = await startServer({ root, port: 0, host: '127.0.0.1' }));
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(new URL('index.html', baseUrl).href);
  await page.evaluate(() => window.tconv.ready);
  let checked = 0;
  for (const [n, c] of cases.entries()) {
    const what = `case ${n} (${JSON.stringify({ in: c.in, k: c.k, s: c.s, p: c.p, op: c.op, d: c.d, cin: c.cin, cout: c.cout, g: c.g })})`;
    const { messages } = await page.evaluate((st) => window.tconv.set(st), {
      in: c.in, k: c.k, s: c.s, p: c.p, op: c.op, d: c.d, cin: c.cin, cout: c.cout, g: c.g,
      x: { kind: 'list', values: c.x }, w: { kind: 'list', values: c.w },
    });
    assert.deepEqual(messages, [], what);
    assert.deepEqual((await page.evaluate(() => window.tconv.result())).shape, truth[n].shape, `${what}: the output shape`);
    for (const [j, q] of c.queries.entries()) {
      const got = await page.evaluate((query) => window.tconv.influence(query), q);
      const want = truth[n].queries[j];
      const at = `${what}, ${q.tensor}${JSON.stringify(q.index)}`;
      if (q.tensor === 'y') {
        assert.deepEqual(got.x, want.x, `${at}: the inputs it depends on`);
        assert.deepEqual(got.w, want.w, `${at}: the taps it depends on`);
        assert.deepEqual(got.y, [q.index], at);
      } else {
        assert.deepEqual(got.y, want.y, `${at}: the outputs it reaches`);
        assert.deepEqual(got[q.tensor], [q.index], at);
      }
      // each connection is one product: its input, tap and output are in the sets
      for (const k of got.connections) for (const t of ['x', 'w', 'y']) assert.ok(got[t].some((v) => v.join() === k[t].join()), `${at}: connection ${t}`);
      checked += 1;
    }
  }
  assert.equal(checked, CASES * 7);
  assert.ok(cases.some((c) => c.g > 1) && cases.some((c) => c.op.some(Boolean)) && cases.some((c) => c.d.some((d) => d > 1)),
    'the random configurations include groups, output_padding and dilation');
  assert.deepEqual(problems, []);
  await page.close();
});
