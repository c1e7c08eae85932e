// Tests of the command-line tool scripts/tconv.mjs, which runs the wasm build (dist/engine.js): seed cases, error
// lines, a small independent reference, and every PyTorch fixture in tests/fixtures/. Needs ./scripts/build first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { mulberry32 } from '../../web/random.js';

const CLI = fileURLToPath(new URL('../../scripts/tconv.mjs', import.meta.url));
const FIXTURES = new URL('../fixtures/', import.meta.url);
const RELATIVE_TOLERANCE = 1e-4;

/** Runs the CLI with the given lines on stdin → {code, lines: parsed stdout lines, stderr}. */
function runCli(inputLines) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const text = Buffer.concat(stdout).toString('utf8');
      const lines = text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
      resolve({ code, lines, stderr: Buffer.concat(stderr).toString('utf8') });
    });
    child.stdin.on('error', () => {}); // the CLI may exit before reading everything if it cannot load the engine
    child.stdin.end(inputLines.join('\n') + '\n');
  });
}

function readFixture(name) {
  const url = new URL(name, FIXTURES);
  let text;
  try {
    text = readFileSync(url, 'utf8');
  } catch (error) {
    assert.fail(`fixture ${fileURLToPath(url)} is missing (scripts/make-fixtures.py writes it): ${error.message}`);
  }
  const fixture = JSON.parse(text);
  assert.ok(Array.isArray(fixture.cases) && fixture.cases.length > 0, `${name} has no cases`);
  return fixture.cases;
}

function range(n, start = 0) {
  return Array.from({ length: n }, (_, i) => start + i);
}

function product(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

/** |a − b| ≤ 1e-4·max(1, |b|) for every element; the message names the first mismatch. */
function assertClose(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i += 1) {
    const tolerance = RELATIVE_TOLERANCE * Math.max(1, Math.abs(expected[i]));
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
      assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (tolerance ${tolerance})`);
    }
  }
}

/** Asserts that one CLI output line is a result of the expected shape whose data and three methods match. */
function assertResult(line, expectedShape, expectedData, what) {
  assert.ok(!('error' in line), `${what}: unexpected error: ${line.error}`);
  assert.deepEqual(line.shape, expectedShape, `${what}: shape`);
  assertClose(line.data, expectedData, `${what}: data (fast)`);
  assert.deepEqual(Object.keys(line.methods).sort(), ['matrix', 'padded_direct', 'scatter'], `${what}: methods`);
  for (const method of ['matrix', 'scatter', 'padded_direct']) {
    assertClose(line.methods[method], expectedData, `${what}: ${method}`);
  }
}

const pair = (value) => (Array.isArray(value) ? value : [value, value]);

/**
 * Plain-JS conv_transpose2d (scatter form, float64), independent of the engine: checks that the CLI hands every
 * parameter to the engine on the right axis. Defaults as in PyTorch.
 */
function referenceConvTranspose2d(config) {
  const [N, Cin, H, W] = config.input.shape;
  const [, CoutPerGroup, kH, kW] = config.weight.shape;
  const groups = config.groups ?? 1;
  const [sH, sW] = pair(config.stride ?? 1);
  const [pH, pW] = pair(config.padding ?? 0);
  const [opH, opW] = pair(config.output_padding ?? 0);
  const [dH, dW] = pair(config.dilation ?? 1);
  const Cout = CoutPerGroup * groups;
  const CinPerGroup = Cin / groups;
  const Hout = (H - 1) * sH - 2 * pH + dH * (kH - 1) + opH + 1;
  const Wout = (W - 1) * sW - 2 * pW + dW * (kW - 1) + opW + 1;
  if (Hout < 1 || Wout < 1) return { shape: [N, Cout, Hout, Wout], data: null }; // invalid: nothing to compute
  const x = Float32Array.from(config.input.data);
  const w = Float32Array.from(config.weight.data);
  const y = new Float64Array(N * Cout * Hout * Wout);
  for (let n = 0; n < N; n += 1) {
    for (let ci = 0; ci < Cin; ci += 1) {
      const g = Math.floor(ci / CinPerGroup);
      for (let coLocal = 0; coLocal < CoutPerGroup; coLocal += 1) {
        const co = g * CoutPerGroup + coLocal;
        for (let i = 0; i < H; i += 1) {
          for (let j = 0; j < W; j += 1) {
            const value = x[((n * Cin + ci) * H + i) * W + j];
            for (let a = 0; a < kH; a += 1) {
              for (let b = 0; b < kW; b += 1) {
                const oy = i * sH + a * dH - pH;
                const ox = j * sW + b * dW - pW;
                if (oy < 0 || oy >= Hout || ox < 0 || ox >= Wout) continue;
                y[((n * Cout + co) * Hout + oy) * Wout + ox] += value * w[((ci * CoutPerGroup + coLocal) * kH + a) * kW + b];
              }
            }
          }
        }
      }
    }
  }
  return { shape: [N, Cout, Hout, Wout], data: Array.from(y) };
}

/** Deterministic pseudo-random numbers: the page's one PRNG (mulberry32), so a failure can be reproduced. */
const random = mulberry32;

const corner = {
  input: { shape: [1, 1, 4, 4], data: Array(16).fill(1) },
  weight: { shape: [1, 1, 4, 4], data: range(16, 1) },
  stride: 2,
  padding: 1,
};

test('the corner question, a malformed line, an invalid output_padding and a blank line', async () => {
  const invalidOutputPadding = {
    input: { shape: [1, 1, 2, 2], data: [1, 2, 3, 4] },
    weight: { shape: [1, 1, 3, 3], data: range(9) },
    stride: 2,
    output_padding: [0, 2],
  };
  const { code, lines } = await runCli([
    JSON.stringify(corner),
    '{"input": {"shape": [1, 1, 2, 2], "data": [1, 2, 3, 4]}, "weight": ',
    JSON.stringify(invalidOutputPadding),
    '',
    '   ',
    JSON.stringify({ ...corner, stride: [2, 2], padding: [1, 1], output_padding: 0, dilation: 1, groups: 1 }),
  ]);
  assert.equal(code, 1, 'exit status is 1 when a line failed');
  assert.equal(lines.length, 4, 'one output line per non-blank input line');

  const [result, malformed, badOutputPadding, explicitDefaults] = lines;
  assert.deepEqual(result.shape, [1, 1, 8, 8]);
  assert.deepEqual(result.data.slice(0, 8), [6, 12, 14, 12, 14, 12, 14, 7]);
  assert.deepEqual(result.data.slice(56, 64), [10, 20, 22, 20, 22, 20, 22, 11]);
  for (const method of ['matrix', 'scatter', 'padded_direct']) {
    assert.deepEqual(result.methods[method], result.data, `${method} equals the fast result`);
  }
  assertResult(result, [1, 1, 8, 8], referenceConvTranspose2d(corner).data, 'the corner question vs reference');

  assert.deepEqual(Object.keys(malformed), ['error']);
  assert.match(malformed.error, /JSON/);
  assert.deepEqual(Object.keys(badOutputPadding), ['error']);
  assert.match(badOutputPadding.error, /output_padding/);
  assert.match(badOutputPadding.error, /width/, 'the message names the axis');
  assert.deepEqual(explicitDefaults, result, 'explicit [h, w] parameters and defaults give the same result');
});

test('every line valid: exit status 0, PyTorch defaults for omitted fields, unbatched input', async () => {
  const minimal = {
    input: { shape: [1, 1, 2, 3], data: [1, 2, 3, 4, 5, 6] },
    weight: { shape: [1, 1, 2, 2], data: [1, 10, 100, 1000] },
  };
  const unbatched = { ...minimal, input: { shape: [1, 2, 3], data: minimal.input.data } };
  const { code, lines, stderr } = await runCli([JSON.stringify(minimal), JSON.stringify(unbatched)]);
  assert.equal(code, 0, stderr);
  assert.equal(lines.length, 2);
  // stride 1, padding 0: a 2×3 input and a 2×2 kernel give a 3×4 "full" output.
  assertResult(lines[0], [1, 1, 3, 4], [1, 12, 23, 30, 104, 1245, 2356, 3060, 400, 4500, 5600, 6000], 'defaults');
  assertResult(lines[1], [1, 3, 4], lines[0].data, 'unbatched');
});

test('bad fields get an error naming the parameter, and the tool goes on', async () => {
  const good = JSON.stringify(corner);
  const cases = [
    [{ ...corner, stride: '2' }, /stride/],
    [{ ...corner, stride: 0 }, /stride/],
    [{ ...corner, padding: [1, 2, 3] }, /padding/],
    [{ ...corner, padding: -1 }, /padding/],
    [{ ...corner, dilation: 1.5 }, /dilation/],
    [{ ...corner, groups: 2 }, /groups/],
    [{ ...corner, weight: undefined }, /weight/],
    [{ ...corner, input: { shape: [1, 1, 4, 4], data: [1, 2, 3] } }, /input/],
    [{ ...corner, input: { shape: [1, 1, 4, 4], data: Array(16).fill('1') } }, /input/],
    [{ ...corner, weight: { shape: [2, 1, 4, 4], data: range(32) } }, /weight/],
    [[1, 2, 3], /object/],
    [null, /object/],
  ];
  const input = [];
  for (const [config] of cases) input.push(JSON.stringify(config), good);
  const { code, lines } = await runCli(input);
  assert.equal(code, 1);
  assert.equal(lines.length, cases.length * 2);
  cases.forEach(([config, pattern], i) => {
    const line = lines[2 * i];
    assert.equal(typeof line.error, 'string', `case ${i} (${JSON.stringify(config).slice(0, 80)}) gives an error`);
    assert.match(line.error, pattern, `case ${i}`);
    assert.deepEqual(lines[2 * i + 1].shape, [1, 1, 8, 8], `the valid line after case ${i} is still computed`);
  });
});

test('random configurations agree with a plain-JS reference (every parameter, non-square, groups, N > 1)', async () => {
  const next = random(20240601);
  const pick = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const configs = [];
  while (configs.length < 60) {
    const groups = pick(1, 3);
    const Cin = groups * pick(1, 2);
    const CoutPerGroup = pick(1, 2);
    const kernel = [pick(1, 4), pick(1, 4)];
    const stride = [pick(1, 3), pick(1, 3)];
    const dilation = [pick(1, 3), pick(1, 2)];
    const padding = [pick(0, 4), pick(0, 3)];
    const outputPadding = [0, 1].map((axis) => pick(0, Math.max(stride[axis], dilation[axis]) - 1));
    const inputShape = [pick(1, 2), Cin, pick(1, 5), pick(1, 5)];
    const weightShape = [Cin, CoutPerGroup, ...kernel];
    const config = {
      input: { shape: inputShape, data: range(product(inputShape)).map(() => Math.round((next() * 4 - 2) * 8) / 8) },
      weight: { shape: weightShape, data: range(product(weightShape)).map(() => Math.round((next() * 4 - 2) * 8) / 8) },
      // Mix the accepted spellings: a number when both axes agree, else an [h, w] pair; sometimes omitted.
      stride: stride[0] === stride[1] ? stride[0] : stride,
      padding,
      output_padding: outputPadding,
      dilation: dilation[0] === dilation[1] && next() < 0.5 ? undefined : dilation,
      groups,
    };
    if (config.dilation === undefined) {
      delete config.dilation;
      config.output_padding = outputPadding.map((v, axis) => Math.min(v, stride[axis] - 1));
    }
    const reference = referenceConvTranspose2d(config);
    if (reference.data === null) continue; // padding cropped everything away: an invalid configuration
    configs.push({ config, reference });
  }
  const { code, lines, stderr } = await runCli(configs.map(({ config }) => JSON.stringify(config)));
  assert.equal(code, 0, stderr);
  assert.equal(lines.length, configs.length);
  configs.forEach(({ config, reference }, i) => {
    assertResult(lines[i], reference.shape, reference.data, `random case ${i} ${JSON.stringify({ ...config, input: config.input.shape, weight: config.weight.shape })}`);
  });
});

test('a long line (a 512×512 input, several MB of JSON) is read whole', async () => {
  const next = random(7);
  const input = { shape: [1, 1, 512, 512], data: range(512 * 512).map(() => next()) };
  const config = { input, weight: { shape: [1, 1, 2, 2], data: [0.5, -1, 2, 0.25] }, stride: 1 };
  const text = JSON.stringify(config);
  assert.ok(text.length > 4e6, `line is ${text.length} characters`);
  const { code, lines, stderr } = await runCli([text]);
  assert.equal(code, 0, stderr);
  const reference = referenceConvTranspose2d(config);
  assertResult(lines[0], reference.shape, reference.data, 'long line');
});

test('every PyTorch fixture case: data and all three methods match to 1e-4 relative', async () => {
  const cases = readFixture('conv_transpose2d.json');
  const input = cases.map((c) => JSON.stringify({
    input: c.input,
    weight: c.weight,
    stride: c.stride,
    padding: c.padding,
    output_padding: c.output_padding,
    dilation: c.dilation,
    groups: c.groups,
  }));
  const { code, lines, stderr } = await runCli(input);
  assert.equal(lines.length, cases.length, 'one output line per fixture case');
  cases.forEach((c, i) => {
    assertResult(lines[i], c.output.shape, c.output.data, `fixture ${c.name ?? i}`);
  });
  assert.equal(code, 0, stderr);
});

test('every invalid fixture case (rejected by PyTorch) gets an error line', async () => {
  const cases = readFixture('invalid.json');
  const input = cases.map((c) => {
    const params = c.params ?? c;
    const tensor = (shape) => ({ shape, data: Array(Math.max(0, product(shape))).fill(1) });
    const config = { input: tensor(c.input_shape), weight: tensor(c.weight_shape) };
    for (const name of ['stride', 'padding', 'output_padding', 'dilation', 'groups']) {
      if (params[name] !== undefined) config[name] = params[name];
    }
    return JSON.stringify(config);
  });
  const { code, lines } = await runCli(input);
  assert.equal(code, 1);
  assert.equal(lines.length, cases.length, 'one output line per fixture case');
  cases.forEach((c, i) => {
    const what = `invalid fixture ${c.name ?? i} (PyTorch: ${c.torch_error})`;
    assert.deepEqual(Object.keys(lines[i]), ['error'], `${what}: got ${JSON.stringify(lines[i]).slice(0, 120)}`);
    assert.ok(lines[i].error.length > 10, `${what}: message "${lines[i].error}" is too short to be clear`);
    // The fixture records which parameter (and axis) is to blame; the message must name them.
    if (c.parameter) assert.ok(lines[i].error.includes(c.parameter), `${what}: "${lines[i].error}" names ${c.parameter}`);
    if (c.axis) assert.ok(lines[i].error.includes(c.axis), `${what}: "${lines[i].error}" names the ${c.axis} axis`);
  });
});

test('every field error of the issue gets its own message, in the rank\'s own terms, and the next line is answered', async () => {
  const x1 = { shape: [1, 1, 4], data: [1, 2, 3, 4] };
  const w1 = { shape: [1, 2, 3], data: [1, 1, 1, 2, 2, 2] };
  const line1 = { input: x1, weight: w1, stride: 2 };
  const cases = [
    [{ ...corner, outputpadding: 1 }, /^unknown field "outputpadding" \(did you mean output_padding\?\); the known fields are input, weight, bias, stride, padding, output_padding, output_size, dilation, groups$/],
    [{ ...corner, kernel_shape: [4, 4] }, /^unknown field "kernel_shape" \(did you mean the weight's shape/],
    [{ ...corner, pads: [1, 1, 1, 1] }, /^unknown field "pads" \(did you mean padding as one \[before, after\] pair per axis/],
    [{ ...corner, auto_pad: 'SAME_UPPER' }, /^unknown field "auto_pad" \(did you mean padding: "same"/],
    [{ ...corner, output_shape: [8, 8] }, /^unknown field "output_shape" \(did you mean output_size/],
    [{ ...corner, input: { ...corner.input, dtype: 'float32' } }, /^input has an unknown field "dtype"/],
    [{ ...line1, padding: [1, 0] }, /^padding is \[1, 0\], but a 1-D padding is one number or one \[before, after\] pair: write \[\[1, 0\]\]/],
    [{ ...line1, output_padding: 2 }, /^output_padding \(length\) is 2 but must be smaller than stride 2 or dilation 1$/],
    [{ ...line1, output_size: [12] }, /^output_size \(length\) is 12, but with input 4, stride 2, padding 0 and kernel 3 only 9 or 10 are reachable$/],
    [{ ...line1, output_size: [10], output_padding: 0 }, /^output_size \(length\) is 10, which needs output_padding 1, but output_padding \(length\) is 0/],
    [{ ...line1, output_size: [1, 3, 10] }, /^output_size\[1\] is 3 but the output has 2 channels$/],
    [{ ...line1, output_size: [1, 10] }, /^output_size has 2 entries but must have 1 \(one per spatial axis\) or 3 \(the whole batched output shape\) or 2 \(unbatched\)$/],
    [{ ...line1, output_size: 10 }, /^output_size is 10 but must be a list/],
    [{ ...line1, padding: 'same_upper_ish' }, /^padding is "same_upper_ish" but must be a number, a list, or one of "same", "same_lower", "valid"$/],
    [{ ...line1, padding: [[1, 2, 3]] }, /^padding \(length\) is \[1, 2, 3\] but must be a number or a \[before, after\] pair$/],
    [{ ...line1, padding: [[9, 9]] }, /^output length is \(4-1\)\*2 - 9 - 9|^output length is \(4-1\)\*2 - 2\*9/],
    [{ ...line1, stride: [2, 2] }, /^stride is \[2, 2\] but must be a number or a list of 1 number \(\[length\]\)$/],
    [{ ...line1, bias: [1, 2, 3] }, /^bias has 3 values but must have one per output channel \(Cout = 2\)$/],
    [{ ...line1, bias: { shape: [2, 1], data: [1, 2] } }, /^bias shape is \[2, 1\] but must be \[Cout\]$/],
    [{ ...line1, bias: null }, /^bias is null; leave it out for no bias$/],
    [{ ...line1, weight: { shape: [1, 2, 3, 3, 3, 3], data: [] } }, /weight shape/],
    [{ ...line1, input: { shape: [1, 1, 4, 4], data: Array(16).fill(0) } }, /^input shape has 4 dimensions but a 1-D weight needs \[N, Cin, L\] or unbatched \[Cin, L\]$/],
    [{ ...line1, input: { shape: [-1, 1, 4], data: [] } }, /^input batch size \(N\) is -1 but must be at least 0$/],
  ];
  const input = [];
  for (const [config] of cases) input.push(JSON.stringify(config), JSON.stringify(line1));
  const { code, lines } = await runCli(input);
  assert.equal(code, 1);
  assert.equal(lines.length, cases.length * 2);
  cases.forEach(([config, pattern], i) => {
    const line = lines[2 * i];
    assert.deepEqual(Object.keys(line), ['error'], `case ${i} ${JSON.stringify(config).slice(0, 90)}`);
    assert.match(line.error, pattern, `case ${i}`);
    if (config.weight?.shape?.length === 3 && config.input?.shape?.length === 3) {
      assert.doesNotMatch(line.error, /height|width|\bH\b|\bW\b/, `a 1-D line never hears of H and W: ${line.error}`);
    }
    assert.deepEqual(lines[2 * i + 1].shape, [1, 2, 9], `the valid line after case ${i} is still answered`);
  });
});

test('bias, padding "same" and a 1-D line, as the README shows them', async () => {
  const { code, lines, stderr } = await runCli([
    JSON.stringify({ input: { shape: [1, 1, 3], data: [0, 1, 2] }, weight: { shape: [1, 2, 3], data: [1, 1, 1, 1, 1, 1] }, bias: [10, 20], stride: 2, padding: 'same' }),
    JSON.stringify({ input: { shape: [1, 3], data: [0, 1, 2] }, weight: { shape: [1, 1, 3], data: [1, 1, 1] }, padding: [[0, 2]] }),
  ]);
  assert.equal(code, 0, stderr);
  assertResult(lines[0], [1, 2, 6], [10, 10, 11, 11, 13, 12, 20, 20, 21, 21, 23, 22], '"same" with bias');
  assertResult(lines[1], [1, 3], [0, 1, 3], 'unbatched 1-D, per-side padding');
});

test("other frameworks' own test vectors (ONNX's published ConvTranspose cases) and every new form, through the CLI", async () => {
  const cases = readFixture('conv_transpose_nd.json');
  const input = cases.map((c) => JSON.stringify({ input: c.input, weight: c.weight, ...(c.bias ? { bias: c.bias } : {}), ...c.options }));
  const { code, lines, stderr } = await runCli(input);
  assert.equal(lines.length, cases.length);
  assert.ok(cases.filter((c) => c.source.startsWith("ONNX's published")).length >= 8);
  cases.forEach((c, i) => assertResult(lines[i], c.output.shape, c.output.data, `${c.name} (${c.source})`));
  assert.equal(code, 0, stderr);
});
