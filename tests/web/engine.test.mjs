// Tests of the WebAssembly build through dist/engine.js (run ./scripts/build first), against the PyTorch fixtures in
// tests/fixtures/ (written by scripts/make-fixtures.py). Node 18+: node --test tests/web/engine.test.mjs
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { createEngine } from '../../dist/engine.js';
import createTconvModule from '../../dist/tconv_wasm.js';

const fixturesDir = new URL('../fixtures/', import.meta.url);
const load = async (name) => JSON.parse(await readFile(new URL(name, fixturesDir), 'utf8'));

const METHODS = ['matrix', 'scatter', 'padded_direct', 'fast'];
// The tolerance: 1e-4 relative, with a 1e-4 absolute margin for outputs that cancel to about zero.
const RELATIVE = 1e-4;
const MARGIN = 1e-4;
const close = (actual, expected) => Math.abs(actual - expected) <= Math.max(MARGIN, RELATIVE * Math.abs(expected));

/** '' when actual ({shape, data}) equals expected ({shape, data}) within tolerance, else the first difference. */
function mismatch(actual, expected) {
  if (JSON.stringify(Array.from(actual.shape)) !== JSON.stringify(expected.shape)) {
    return `shape [${actual.shape}] but expected [${expected.shape}]`;
  }
  if (actual.data.length !== expected.data.length) return `${actual.data.length} values, expected ${expected.data.length}`;
  for (let i = 0; i < expected.data.length; i += 1) {
    if (!close(actual.data[i], expected.data[i])) return `element ${i} is ${actual.data[i]}, expected ${expected.data[i]}`;
  }
  return '';
}

/** Fixture case → engine options (the engine's camelCase outputPadding). */
const optionsOf = (c, method) => ({
  stride: c.stride,
  padding: c.padding,
  outputPadding: c.output_padding,
  dilation: c.dilation,
  groups: c.groups,
  ...(method ? { method } : {}),
});

const zeros = (shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

/** Runs fn, which must throw an Error; returns it. */
function thrown(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail('expected an Error, but the call returned');
}

let engine;
let transposed;
let gradient;
let invalid;
const corner = {
  input: { shape: [1, 1, 4, 4], data: new Array(16).fill(1) },
  weight: { shape: [1, 1, 4, 4], data: Array.from({ length: 16 }, (_, i) => i + 1) },
  options: { stride: 2, padding: 1 },
};

before(async () => {
  engine = await createEngine();
  [transposed, gradient, invalid] = await Promise.all([
    load('conv_transpose2d.json'),
    load('conv2d_gradient.json'),
    load('invalid.json'),
  ]);
});

describe('fixtures from PyTorch', () => {
  test('fixture files are present and large enough', () => {
    assert.ok(transposed.cases.length >= 150, `${transposed.cases.length} transposed cases`);
    assert.ok(gradient.cases.length >= 10);
    assert.ok(invalid.cases.length >= 30);
  });

  for (const method of METHODS) {
    test(`${method}: every fixture case matches PyTorch`, () => {
      const failures = [];
      for (const c of transposed.cases) {
        const y = engine.convTranspose2d(c.input, c.weight, optionsOf(c, method));
        assert.ok(y.data instanceof Float32Array, 'output data is a Float32Array');
        const problem = mismatch(y, c.output);
        if (problem) failures.push(`${c.name}: ${problem}`);
      }
      assert.deepEqual(failures, []);
    });
  }

  test('the default method is fast and gives the same numbers', () => {
    for (const c of transposed.cases.slice(0, 40)) {
      assert.equal(mismatch(engine.convTranspose2d(c.input, c.weight, optionsOf(c)), c.output), '', c.name);
    }
  });

  test('outputShape agrees with every fixture', () => {
    for (const c of transposed.cases) {
      assert.deepEqual(Array.from(engine.outputShape(c.input.shape, c.weight.shape, optionsOf(c))), c.output.shape, c.name);
    }
  });

  test('Float32Array and plain-array inputs give identical results', () => {
    const c = transposed.cases.find((k) => k.groups > 1 && k.input.shape[0] > 1);
    const fromArrays = engine.convTranspose2d(c.input, c.weight, optionsOf(c));
    const fromTyped = engine.convTranspose2d(
      { shape: c.input.shape, data: Float32Array.from(c.input.data) },
      { shape: c.weight.shape, data: Float32Array.from(c.weight.data) },
      optionsOf(c),
    );
    assert.deepEqual(fromTyped.data, fromArrays.data);
  });
});

describe('the corner question: 4x4 ones, kernel 1..16, stride 2, padding 1', () => {
  test('output is the 8x8 of the post', () => {
    const y = engine.convTranspose2d(corner.input, corner.weight, corner.options);
    assert.deepEqual(y.shape, [1, 1, 8, 8]);
    assert.deepEqual(Array.from(y.data.slice(0, 8)), [6, 12, 14, 12, 14, 12, 14, 7]);
    assert.deepEqual(Array.from(y.data.slice(56)), [10, 20, 22, 20, 22, 20, 22, 11]);
  });

  test('explain (0, 1) = 1·5 + 1·7 with weight indices [0,0,1,0] then [0,0,1,2]', () => {
    const e = engine.explain(corner.input, corner.weight, corner.options, [0, 0, 0, 1]);
    assert.equal(e.value, 12);
    assert.equal(e.terms.length, 2);
    assert.deepEqual(Array.from(e.terms[0].weight), [0, 0, 1, 0]);
    assert.deepEqual(Array.from(e.terms[0].input), [0, 0, 0, 1]);
    assert.deepEqual([e.terms[0].x, e.terms[0].w, e.terms[0].product], [1, 5, 5]);
    assert.deepEqual(Array.from(e.terms[1].weight), [0, 0, 1, 2]);
    assert.deepEqual(Array.from(e.terms[1].input), [0, 0, 0, 0]);
    assert.deepEqual([e.terms[1].x, e.terms[1].w, e.terms[1].product], [1, 7, 7]);
  });

  test('matrix: C is 16 x 64 with 14·14 nonzeros; output cell (0, 1) gathers taps 6 and 4', () => {
    const m = engine.matrix(corner.input.shape, corner.weight.shape, corner.options);
    assert.equal(m.rows, 16);
    assert.equal(m.cols, 64);
    assert.ok(m.row instanceof Int32Array && m.col instanceof Int32Array && m.weightIndex instanceof Int32Array);
    assert.equal(m.row.length, 196);
    const cellOne = [];
    for (let e = 0; e < m.row.length; e += 1) if (m.col[e] === 1) cellOne.push([m.row[e], m.weightIndex[e]]);
    assert.deepEqual(cellOne, [[0, 6], [1, 4]]);
  });

  test('scatter: 10x10 canvas, window at (1, 1) of 8x8, overlap 1/2/4', () => {
    const s = engine.scatter(corner.input, corner.weight, corner.options);
    assert.deepEqual(Array.from(s.canvas.shape), [1, 1, 10, 10]);
    const { top, left, height, width, start, size } = s.window;
    assert.deepEqual({ top, left, height, width }, { top: 1, left: 1, height: 8, width: 8 });
    assert.deepEqual([start, size], [[1, 1], [8, 8]]);
    assert.equal(s.bias, null);
    assert.deepEqual(Array.from(s.overlap.shape), [10, 10]);
    assert.ok(s.overlap.data instanceof Int32Array);
    const count = (r, c) => s.overlap.data[r * 10 + c];
    assert.equal(count(1, 1), 1); // output (0, 0): one tap, 1·6
    assert.equal(count(1, 2), 2); // output (0, 1): two taps, 5 + 7
    assert.equal(count(4, 4), 4);
    assert.equal(count(0, 0), 1);
    // The canvas cropped to the window is the output.
    const y = engine.convTranspose2d(corner.input, corner.weight, corner.options);
    for (let r = 0; r < 8; r += 1) {
      for (let c = 0; c < 8; c += 1) assert.equal(s.canvas.data[(r + 1) * 10 + (c + 1)], y.data[r * 8 + c]);
    }
  });

  test('paddedDirect: 11x11 padded input, padding 2, sources, kernel rotated 180°', () => {
    const d = engine.paddedDirect(corner.input, corner.weight, corner.options);
    assert.deepEqual(Array.from(d.padded.shape), [1, 1, 11, 11]);
    const { top, bottom, left, right, before, after } = d.padding;
    assert.deepEqual({ top, bottom, left, right }, { top: 2, bottom: 2, left: 2, right: 2 });
    assert.deepEqual([before, after], [[2, 2], [2, 2]]);
    const sources = [-2, -2, 0, -1, 1, -1, 2, -1, 3, -2, -2];
    assert.deepEqual(Array.from(d.rowSource), sources);
    assert.deepEqual(Array.from(d.colSource), sources);
    assert.deepEqual(d.sources.map((a) => Array.from(a)), [sources, sources]);
    assert.deepEqual(Array.from(d.rotatedKernel.shape), [1, 1, 4, 4]);
    assert.deepEqual(Array.from(d.rotatedKernel.data), Array.from({ length: 16 }, (_, i) => 16 - i));
    for (let u = 0; u < 11; u += 1) {
      for (let v = 0; v < 11; v += 1) {
        const expected = d.rowSource[u] >= 0 && d.colSource[v] >= 0 ? 1 : 0;
        assert.equal(d.padded.data[u * 11 + v], expected, `padded (${u}, ${v})`);
      }
    }
  });
});

describe('artifacts agree with the outputs', () => {
  test('Cᵀ·vec(x) from engine.matrix equals the output (first 40 fixture cases, every batch item)', () => {
    for (const c of transposed.cases.slice(0, 40)) {
      const m = engine.matrix(c.input.shape, c.weight.shape, optionsOf(c));
      const [n] = c.input.shape;
      assert.equal(m.rows * n, c.input.data.length, c.name);
      const y = new Float64Array(m.cols * n);
      for (let b = 0; b < n; b += 1) {
        for (let e = 0; e < m.row.length; e += 1) {
          y[b * m.cols + m.col[e]] += c.weight.data[m.weightIndex[e]] * c.input.data[b * m.rows + m.row[e]];
        }
      }
      assert.equal(mismatch({ shape: c.output.shape, data: y }, c.output), '', c.name);
    }
  });

  test('scatter window and paddedDirect artifacts are consistent with the output (first 40 fixture cases)', () => {
    for (const c of transposed.cases.slice(0, 40)) {
      const options = optionsOf(c);
      const [N, Cout, Ho, Wo] = c.output.shape;
      const s = engine.scatter(c.input, c.weight, options);
      const { top, left, height, width } = s.window;
      assert.deepEqual({ top, left, height, width }, { top: c.padding[0], left: c.padding[1], height: Ho, width: Wo }, c.name);
      const [, , Hc, Wc] = s.canvas.shape;
      const cropped = new Float32Array(N * Cout * Ho * Wo);
      for (let p = 0; p < N * Cout; p += 1) {
        for (let r = 0; r < Ho; r += 1) {
          for (let q = 0; q < Wo; q += 1) cropped[(p * Ho + r) * Wo + q] = s.canvas.data[(p * Hc + r + c.padding[0]) * Wc + q + c.padding[1]];
        }
      }
      assert.equal(mismatch({ shape: c.output.shape, data: cropped }, c.output), '', `${c.name} scatter`);
      // padded direct: y[n, co, oy, ox] = Σ padded[n, ci, oy + a·dH, ox + b·dW] · rotated[co, ciLocal, a, b]
      const d = engine.paddedDirect(c.input, c.weight, options);
      const [, Cin, Hp, Wp] = d.padded.shape;
      const [, inPerGroup, kH, kW] = d.rotatedKernel.shape;
      const outPerGroup = Cout / c.groups;
      const y = new Float64Array(N * Cout * Ho * Wo);
      for (let n = 0; n < N; n += 1) {
        for (let co = 0; co < Cout; co += 1) {
          const firstCi = Math.floor(co / outPerGroup) * inPerGroup;
          for (let oy = 0; oy < Ho; oy += 1) {
            for (let ox = 0; ox < Wo; ox += 1) {
              let sum = 0;
              for (let k = 0; k < inPerGroup; k += 1) {
                for (let a = 0; a < kH; a += 1) {
                  for (let b = 0; b < kW; b += 1) {
                    sum += d.padded.data[((n * Cin + firstCi + k) * Hp + oy + a * c.dilation[0]) * Wp + ox + b * c.dilation[1]]
                      * d.rotatedKernel.data[((co * inPerGroup + k) * kH + a) * kW + b];
                  }
                }
              }
              y[((n * Cout + co) * Ho + oy) * Wo + ox] = sum;
            }
          }
        }
      }
      assert.equal(mismatch({ shape: c.output.shape, data: y }, c.output), '', `${c.name} direct`);
    }
  });

  test("explain's terms sum to each output cell (first 10 fixture cases, every cell)", () => {
    for (const c of transposed.cases.slice(0, 10)) {
      const [N, Cout, Ho, Wo] = c.output.shape;
      for (let n = 0; n < N; n += 1) {
        for (let co = 0; co < Cout; co += 1) {
          for (let r = 0; r < Ho; r += 1) {
            for (let q = 0; q < Wo; q += 1) {
              const e = engine.explain(c.input, c.weight, optionsOf(c), [n, co, r, q]);
              const sum = e.terms.reduce((acc, t) => acc + t.product, 0);
              const expected = c.output.data[((n * Cout + co) * Ho + r) * Wo + q];
              assert.ok(close(sum, expected) && close(e.value, expected), `${c.name} [${n},${co},${r},${q}]: ${sum} vs ${expected}`);
            }
          }
        }
      }
    }
  });
});

describe('conv2d and its input gradient', () => {
  test('conv2d and conv2dInputGrad match autograd on every gradient fixture', () => {
    const failures = [];
    for (const c of gradient.cases) {
      const options = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
      const y = mismatch(engine.conv2d(c.x, c.w, options), c.y);
      const grad = mismatch(engine.conv2dInputGrad(c.x.shape, c.w, c.g, options), c.x_grad);
      if (y) failures.push(`${c.name} conv2d: ${y}`);
      if (grad) failures.push(`${c.name} grad: ${grad}`);
    }
    assert.deepEqual(failures, []);
  });

  test('convTranspose2d(g, w) with the floor remainder as outputPadding is x.grad, by every method', () => {
    for (const c of gradient.cases) {
      for (const method of METHODS) {
        const options = {
          stride: c.stride,
          padding: c.padding,
          dilation: c.dilation,
          groups: c.groups,
          outputPadding: c.transposed_output_padding,
          method,
        };
        assert.equal(mismatch(engine.convTranspose2d(c.g, c.w, options), c.x_grad), '', `${c.name} ${method}`);
      }
    }
  });

  test('Cᵀ and the gradient: Cᵀ·y is not x.grad; Cᵀ·ones is', () => {
    const question = gradient.cases[0];
    const ctY = engine.convTranspose2d(question.y, question.w);
    assert.equal(mismatch(ctY, question.Ct_times_y), '');
    assert.notEqual(mismatch(ctY, question.x_grad), '');
    assert.equal(mismatch(engine.convTranspose2d(question.g, question.w), question.x_grad), '');
  });

  test('a gradient of the wrong shape is an Error naming both shapes', () => {
    const question = gradient.cases[0];
    const error = thrown(() => engine.conv2dInputGrad([1, 1, 4, 4], question.w, zeros([1, 1, 3, 3])));
    assert.ok(error instanceof Error);
    assert.match(error.message, /\[1, 1, 3, 3\]/);
    assert.match(error.message, /\[1, 1, 2, 2\]/);
  });
});

describe('invalid configurations', () => {
  test('every configuration torch rejects throws an Error with the right parameter and axis, by every method', () => {
    for (const c of invalid.cases) {
      for (const method of METHODS) {
        const error = thrown(() => engine.convTranspose2d(zeros(c.input_shape), zeros(c.weight_shape), optionsOf(c, method)));
        assert.ok(error instanceof Error, c.name);
        assert.equal(error.parameter, c.parameter, `${c.name}: ${error.message}`);
        assert.equal(error.axis, c.axis, `${c.name}: ${error.message}`);
        assert.ok(error.message.includes(c.parameter), `${c.name}: "${error.message}" does not name ${c.parameter}`);
      }
      const shapeError = thrown(() => engine.outputShape(c.input_shape, c.weight_shape, optionsOf(c)));
      assert.equal(shapeError.parameter, c.parameter, c.name);
      for (const call of [
        () => engine.scatter(zeros(c.input_shape), zeros(c.weight_shape), optionsOf(c)),
        () => engine.paddedDirect(zeros(c.input_shape), zeros(c.weight_shape), optionsOf(c)),
        () => engine.matrix(c.input_shape, c.weight_shape, optionsOf(c)),
        () => engine.explain(zeros(c.input_shape), zeros(c.weight_shape), optionsOf(c), [0, 0, 0, 0]),
      ]) {
        assert.equal(thrown(call).parameter, c.parameter, c.name);
      }
    }
  });

  test('the issue\'s example message', () => {
    const error = thrown(() => engine.convTranspose2d(zeros([1, 1, 3, 3]), zeros([1, 1, 3, 3]), { stride: 2, outputPadding: [2, 0] }));
    assert.equal(error.message, 'output_padding (height) is 2 but must be smaller than stride 2 or dilation 1');
  });

  test('data length must match the shape', () => {
    let error = thrown(() => engine.convTranspose2d({ shape: [1, 1, 4, 4], data: new Float32Array(15) }, corner.weight));
    assert.equal(error.parameter, 'input');
    assert.match(error.message, /15/);
    assert.match(error.message, /16/);
    error = thrown(() => engine.convTranspose2d(corner.input, { shape: [1, 1, 4, 4], data: [1, 2, 3] }));
    assert.equal(error.parameter, 'weight');
    assert.match(error.message, /3 values/);
  });

  test('NaN, fractional, string and malformed options give clear Errors', () => {
    const bad = [
      [{ stride: NaN }, 'stride', /NaN/],
      [{ stride: [2, NaN] }, 'stride', /NaN/],
      [{ stride: 1.5 }, 'stride', /1\.5/],
      [{ padding: '1' }, 'padding', /"1"/],
      [{ padding: [1, 2, 3] }, 'padding', /\[before, after\] pair/],
      [{ padding: [[1, 2, 3], 0] }, 'padding', /height/],
      [{ padding: 'SAMEISH' }, 'padding', /"same", "same_lower", "valid"/],
      [{ stride: [1, 2, 3] }, 'stride', /list of 2 numbers \(\[height, width\]\)/],
      [{ outputSize: 9 }, 'output_size', /list/],
      [{ outputpadding: 1 }, 'outputpadding', /not known/],
      [{ bias: [1, 2] }, 'bias', /one per output channel \(Cout = 1\)/],
      [{ dilation: Infinity }, 'dilation', /Infinity/],
      [{ outputPadding: -1 }, 'output_padding', /-1/],
      [{ groups: '2' }, 'groups', /"2"/],
      [{ groups: 0.5 }, 'groups', /0\.5/],
      [{ stride: 2 ** 60 }, 'stride', /./],
      [{ method: 'bogus' }, 'method', /bogus/],
      [{ method: 'Matrix' }, 'method', /Matrix/],
      [{ method: 'paddedDirect' }, 'method', /padded_direct/],
    ];
    for (const [options, parameter, pattern] of bad) {
      const error = thrown(() => engine.convTranspose2d(corner.input, corner.weight, options));
      assert.ok(error instanceof Error, JSON.stringify(options));
      assert.equal(error.parameter, parameter, `${String(options.stride ?? '')} ${error.message}`);
      assert.match(error.message, pattern);
    }
    for (const [input, parameter] of [
      [{ shape: [1, 1, 4], data: [] }, 'input'],
      [{ shape: [1, 1, 4, 4.5], data: [] }, 'input'],
      [{ shape: [1, 1, 2, 2], data: [1, 2, 'x', 4] }, 'input'],
      [{ shape: [1, 1, 2, 2], data: 'abcd' }, 'input'],
      [null, 'input'],
      [{ shape: [1, 1, -2, 2], data: [] }, 'input'],
      [{ shape: [-1, 1, 2, 2], data: [] }, 'input'],
    ]) {
      const error = thrown(() => engine.convTranspose2d(input, { shape: [1, 1, 2, 2], data: [1, 2, 3, 4] }));
      assert.ok(error instanceof Error);
      assert.equal(error.parameter, parameter, error.message);
    }
    const cellError = thrown(() => engine.explain(corner.input, corner.weight, corner.options, [0, 0, 8, 0]));
    assert.equal(cellError.parameter, 'cell');
    assert.equal(cellError.axis, 'height');
    assert.match(cellError.message, /8/);
    assert.equal(thrown(() => engine.explain(corner.input, corner.weight, corner.options, [0, 0, 0])).parameter, 'cell');
  });
});

describe('limits', () => {
  test('limits are exposed', () => {
    assert.deepEqual({ ...engine.limits }, {
      maxExtent: 4096,
      maxElements: 2 ** 22,
      maxMultiplyAdds: 2 ** 30,
      maxMatrixNonzeros: 2 ** 22,
    });
  });

  test('hostile configurations throw a limits Error (no abort), and the engine keeps working after each', () => {
    const small = { shape: [1, 1, 4, 4], data: new Float32Array(16) };
    const kernel2 = { shape: [1, 1, 2, 2], data: new Float32Array(4) };
    const hostile = [
      ['stride and dilation 4096', () => engine.convTranspose2d(small, kernel2, { stride: 4096, dilation: 4096 })],
      ['scatter of it', () => engine.scatter(small, kernel2, { stride: 4096, dilation: 4096 })],
      ['padded direct of it', () => engine.paddedDirect(small, kernel2, { stride: 4096, dilation: 4096 })],
      ['explain of it', () => engine.explain(small, kernel2, { stride: 4096, dilation: 4096 }, [0, 0, 0, 0])],
      ['4096 everywhere', () => engine.outputShape([4096, 4096, 4096, 4096], [4096, 4096, 4096, 4096], { stride: 4096, padding: 4096, dilation: 4096 })],
      ['matrix of 4096 everywhere', () => engine.matrix([4096, 4096, 4096, 4096], [4096, 4096, 4096, 4096], {})],
      ['1.3e9 multiply-adds', () => engine.matrix([1, 64, 64, 64], [64, 64, 8, 8], {})],
      ['67M matrix nonzeros', () => engine.matrix([1, 16, 64, 64], [16, 16, 8, 8], {})],
      ['dilation cropped by padding', () => engine.scatter(small, { shape: [1, 1, 3, 3], data: new Float32Array(9) }, { dilation: 4096, padding: 4096 })],
      ['conv2d of a huge input shape', () => engine.conv2dInputGrad([4096, 4096, 4096, 4096], { shape: [1, 4096, 1, 1], data: new Float32Array(4096) }, zeros([1, 1, 1, 1]))],
    ];
    for (const [what, call] of hostile) {
      const start = Date.now();
      const error = thrown(call);
      assert.ok(error instanceof Error, what);
      assert.equal(error.parameter, 'limits', `${what}: ${error.message}`);
      assert.match(error.message, /limit/, what);
      assert.ok(Date.now() - start < 1000, `${what} took ${Date.now() - start} ms to refuse`);
      // Still alive and still right.
      const y = engine.convTranspose2d(corner.input, corner.weight, corner.options);
      assert.deepEqual(Array.from(y.data.slice(0, 8)), [6, 12, 14, 12, 14, 12, 14, 7], `after ${what}`);
    }
    // Sizes beyond the extent cap are refused as the parameter they belong to, with the cap in the message.
    for (const [options, parameter] of [[{ stride: 4097 }, 'stride'], [{ padding: 1e9 }, 'padding'], [{ groups: 2 ** 40 }, 'groups']]) {
      const error = thrown(() => engine.convTranspose2d(corner.input, corner.weight, options));
      assert.equal(error.parameter, parameter);
      assert.match(error.message, /4096/);
    }
  });

  test('the largest allowed configuration runs (memory grows) and the engine stays usable', () => {
    // 2048 x 2048 = maxElements for input, output, canvas and padded input alike.
    const size = 2048;
    const input = { shape: [1, 1, size, size], data: new Float32Array(size * size) };
    for (let i = 0; i < input.data.length; i += 1) input.data[i] = (i % 7) - 3;
    const weight = { shape: [1, 1, 1, 1], data: [0.5] };
    for (const method of METHODS) {
      const y = engine.convTranspose2d(input, weight, { method });
      assert.deepEqual(Array.from(y.shape), [1, 1, size, size]);
      assert.equal(y.data[size * size - 1], input.data[size * size - 1] * 0.5, method);
      assert.equal(y.data[12345], input.data[12345] * 0.5, method);
    }
    const y = engine.convTranspose2d(corner.input, corner.weight, corner.options);
    assert.equal(y.data[1], 12);
  });
});

describe('the raw wasm module checks its own numbers (it is a public surface, not only engine.js\'s)', () => {
  let raw;
  before(async () => {
    // As engine.js loads it in Node: Emscripten 3.1.6's web loader cannot fetch a file path, so hand it the bytes.
    raw = await createTconvModule({ wasmBinary: await readFile(new URL('../../dist/tconv_wasm.wasm', import.meta.url)) });
  });

  const options = (changes = {}) => ({ stride: [2, 2], padding: [1, 1], outputPadding: [0, 0], dilation: [1, 1], groups: 1, ...changes });
  const tensor = (shape) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const x = tensor([1, 1, 4, 4]);
  const w = tensor([1, 1, 4, 4]);

  /** Every transposed entry point of the raw module with these arguments. */
  const transposedCalls = (input, weight, opts, cell = [0, 0, 0, 0]) => [
    ...METHODS.map((method) => [`convTranspose ${method}`, () => raw.convTranspose(input, weight, null, opts, method)]),
    ['scatter', () => raw.scatter(input, weight, null, opts)],
    ['paddedDirect', () => raw.paddedDirect(input, weight, null, opts)],
    ['subpixel', () => raw.subpixel(input, weight, null, opts)],
    ['explain', () => raw.explain(input, weight, null, opts, cell)],
  ];

  /** The call must return (not throw) {error, parameter, axis} with the message naming parameter, value and rule. */
  function refused(call, parameter, axis, pattern, what, named = parameter.split('_')[0]) {
    const result = call();
    assert.equal(typeof result.error, 'string', `${what}: returned ${JSON.stringify(result)}`);
    assert.equal(result.parameter, parameter, `${what}: ${result.error}`);
    assert.equal(result.axis, axis, `${what}: ${result.error}`);
    assert.match(result.error, pattern, what);
    assert.ok(result.error.includes(named), `${what}: "${result.error}" does not name ${named}`);
  }

  test('NaN, ±Infinity, fractions and values beyond int64 in options are refused, by every entry point', () => {
    const bad = [
      [{ stride: [NaN, 2] }, 'stride', 'height', /^stride \(height\) is NaN but must be a whole number$/],
      [{ stride: [2, Infinity] }, 'stride', 'width', /^stride \(width\) is Infinity but must be a whole number$/],
      [{ padding: [-Infinity, 0] }, 'padding', 'height', /^padding \(height\) is -Infinity but must be a whole number$/],
      [{ dilation: [1, 1.5] }, 'dilation', 'width', /^dilation \(width\) is 1\.5 but must be a whole number$/],
      [{ outputPadding: [2 ** 64, 0] }, 'output_padding', 'height', /^output_padding \(height\) is 18446744073709552000 but must be a whole number between -2\^63 and 2\^63 - 1$/],
      [{ groups: 2 ** 63 }, 'groups', '', /^groups is 9223372036854776000 but must be a whole number between/],
      [{ groups: -(2 ** 64) }, 'groups', '', /^groups is -18446744073709552000 but must be/],
      [{ groups: '1' }, 'groups', '', /^groups is "1" but must be a number$/],
      [{ groups: undefined }, 'groups', '', /^groups is undefined but must be a number$/],
      [{ stride: 2 }, 'stride', '', /^stride is 2 but must be a list of 2 whole numbers \(\[height, width\]\)$/],
      [{ padding: null }, 'padding', '', /^padding is null but must be a list of 2 entries, each a whole number or a \[before, after\] pair$/],
      [{ padding: [[1, NaN], 0] }, 'padding', 'height', /^padding \(height\) after is NaN but must be a whole number$/],
      [{ padding: 'SAME' }, 'padding', '', /^padding is "SAME" but must be "same", "same_lower", "valid" or a list$/],
      [{ outputSize: [1, Infinity] }, 'output_size', '', /^output_size\[1\] is Infinity but must be a whole number$/],
      [{ dilation: [1] }, 'dilation', '', /^dilation is \[1\] but must be a list of 2 whole numbers \(\[height, width\]\)$/],
    ];
    for (const [changes, parameter, axis, pattern] of bad) {
      const opts = options(changes);
      for (const [what, call] of transposedCalls(x, w, opts)) refused(call, parameter, axis, pattern, `${what} ${JSON.stringify(changes)}`);
      refused(() => raw.geometry(x.shape, w.shape, opts), parameter, axis, pattern, 'geometry');
      refused(() => raw.influence(x.shape, w.shape, opts, 'y', [0, 0, 0, 0]), parameter, axis, pattern, 'influence');
      refused(() => raw.matrix(x.shape, w.shape, opts), parameter, axis, pattern, 'matrix');
    }
    // The smallest int64 is a whole number in range, so it reaches validation, which names the rule it breaks.
    refused(() => raw.convTranspose(x, w, null, options({ groups: -(2 ** 63) }), 'fast'), 'groups', '', /^groups is -9223372036854775808 but must be at least 1$/, 'groups -2^63');
  });

  test('shapes, data lengths and cells are checked too', () => {
    const bad = [
      [{ shape: [1, 1, NaN, 4], data: new Float32Array(16) }, w, 'input', '', /^input shape\[2\] is NaN but must be a whole number$/],
      [{ shape: [1.5, 1, 4, 4], data: new Float32Array(16) }, w, 'input', '', /^input shape\[0\] is 1\.5/],
      [x, { shape: [1, 1, 4, 2 ** 70], data: new Float32Array(16) }, 'weight', '', /^weight shape\[3\] is 1\.1805916207174113e\+21 but must be a whole number between/],
      [x, { shape: [1, 1, 4, 4, 4, 4], data: new Float32Array(16) }, 'weight', '', /^weight shape is \[1, 1, 4, 4, 4, 4\] but must be a list of at most 5 whole numbers$/],
      [x, { shape: [1, 1], data: new Float32Array(1) }, 'weight', '', /^weight shape has 2 dimensions but must have 3, 4 or 5/],
      [{ shape: [1, 1, 4, 4] }, w, 'input', '', /^input data is undefined but must be a Float32Array or an array of numbers$/],
      [{ shape: [1, 1, 4, 4], data: { length: -Infinity } }, w, 'input', '', /^input data length is -Infinity but must be a whole number$/],
      [null, w, 'input', '', /^input is null but must be an object \{shape, data\}$/],
    ];
    for (const [input, weight, parameter, axis, pattern] of bad) {
      for (const [what, call] of transposedCalls(input, weight, options())) refused(call, parameter, axis, pattern, what);
    }
    const oneD = { stride: [1], padding: [0], dilation: [1], groups: 1 };
    refused(() => raw.convTranspose(x, { shape: [1, 1, 4], data: new Float32Array(4) }, null, oneD, 'fast'), 'input', '', /^input shape has 4 dimensions but a 1-D weight needs \[N, Cin, L\] or unbatched \[Cin, L\]$/, '1-D weight');
    refused(() => raw.explain(x, w, null, options(), [0, 0, Infinity, 0]), 'cell', '', /^cell\[2\] is Infinity but must be a whole number$/, 'explain cell');
    refused(() => raw.geometry([1, 1, 4, -Infinity], w.shape, options()), 'input', '', /^input shape\[3\] is -Infinity/, 'outputShape');
    refused(() => raw.matrix(x.shape, [1, NaN, 4, 4], options()), 'weight', '', /^weight shape\[1\] is NaN/, 'matrix');
    for (const call of [() => raw.convTranspose(x, w, null, undefined, 'fast'), () => raw.conv2d(x, w, null, null)]) {
      refused(call, '', '', /^options is (undefined|null) but must be an object$/, 'no options', 'options');
    }
  });

  test('conv2d and conv2dInputGrad check their numbers', () => {
    const conv = { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 };
    refused(() => raw.conv2d(x, w, null, { ...conv, stride: [NaN, 1] }), 'stride', 'height', /^stride \(height\) is NaN/, 'conv2d stride');
    refused(() => raw.conv2d(x, w, null, { ...conv, groups: 0.5 }), 'groups', '', /^groups is 0\.5/, 'conv2d groups');
    refused(() => raw.conv2d({ shape: [1, 1, Infinity, 4], data: x.data }, w, null, conv), 'input', '', /Infinity/, 'conv2d input');
    refused(() => raw.conv2dInputGrad([1, 1, 4, 2 ** 64], w, tensor([1, 1, 1, 1]), conv), 'input', '', /18446744073709552000/, 'grad input shape');
    refused(() => raw.conv2dInputGrad([1, 1, 4, 4], w, { shape: [1, 1, 1, NaN], data: [0] }, conv), 'input', '', /^upstream gradient shape\[3\] is NaN/, 'grad shape', 'upstream gradient');
    refused(() => raw.conv2dInputGrad([1, 1, 4, 4], w, tensor([1, 1, 1, 1]), { ...conv, dilation: [1, -Infinity] }), 'dilation', 'width', /-Infinity/, 'grad dilation');
  });

  test('after every refusal the module still computes', () => {
    const y = raw.convTranspose(
      { shape: [1, 1, 4, 4], data: new Float32Array(16).fill(1) },
      { shape: [1, 1, 4, 4], data: Float32Array.from({ length: 16 }, (_, i) => i + 1) },
      null,
      options(),
      'fast',
    );
    assert.deepEqual(Array.from(y.shape), [1, 1, 8, 8]);
    assert.deepEqual(Array.from(y.data.slice(0, 8)), [6, 12, 14, 12, 14, 12, 14, 7]);
  });
});

describe("the fast method's numeric entry point", () => {
  test('integers beyond int32 are refused with a message, never wrapped into small valid ones', () => {
    for (const [changes, parameter] of [
      [{ stride: 2 ** 32 + 2 }, 'stride'],
      [{ padding: [0, 2 ** 32] }, 'padding'],
      [{ groups: 2 ** 32 + 1 }, 'groups'],
      [{ dilation: -(2 ** 32) + 1 }, 'dilation'],
    ]) {
      const error = thrown(() => engine.convTranspose2d(corner.input, corner.weight, { ...corner.options, ...changes }));
      assert.equal(error.parameter, parameter, error.message);
      assert.match(error.message, /\d{10}/, error.message);
    }
    const shapeError = thrown(() => engine.convTranspose2d({ shape: [1, 1, 2 ** 32 + 4, 4], data: new Float32Array(16) }, corner.weight));
    assert.equal(shapeError.parameter, 'input');
  });

  test('results are fresh arrays: a later call (and memory growth) leaves earlier results alone', () => {
    const first = engine.convTranspose2d(corner.input, corner.weight, corner.options);
    const copy = Float32Array.from(first.data);
    const size = 1024; // grows the input buffer and the output
    engine.convTranspose2d({ shape: [1, 1, size, size], data: new Float32Array(size * size).fill(3) }, { shape: [1, 1, 2, 2], data: [1, 1, 1, 1] });
    engine.convTranspose2d(corner.input, { shape: [1, 1, 4, 4], data: new Float32Array(16) }, corner.options);
    assert.deepEqual(first.data, copy);
    assert.deepEqual(first.shape, [1, 1, 8, 8]);
  });

  test("Inf and NaN: fast gives PyTorch's classes at the edges, and the classes of scatter everywhere", () => {
    const cls = (v) => (Number.isNaN(v) ? 'n' : v === Infinity ? '+' : v === -Infinity ? '-' : '.');
    const rows = (y) => {
      const [, , h, wd] = y.shape;
      return Array.from({ length: h }, (_, r) => Array.from(y.data.slice(r * wd, (r + 1) * wd), cls).join(''));
    };
    // torch 1.13: conv_transpose2d(ones(1,1,3,3), ones(1,1,3,3) with w[0,0,0,0] = inf): the Inf reaches only the
    // outputs its products land on; the taps that would read outside the input must not give 0·Inf = NaN.
    const weight = { shape: [1, 1, 3, 3], data: [Infinity, 1, 1, 1, 1, 1, 1, 1, 1] };
    const ones = { shape: [1, 1, 3, 3], data: new Array(9).fill(1) };
    assert.deepEqual(rows(engine.convTranspose2d(ones, weight)), ['+++..', '+++..', '+++..', '.....', '.....']);
    assert.deepEqual(rows(engine.convTranspose2d(ones, weight, { stride: 2, padding: 1 })), ['.....', '.+.+.', '.....', '.+.+.', '.....']);
    // Random fixture configurations with ±Inf/NaN planted: same class as scatter at every output.
    const specials = [Infinity, -Infinity, NaN];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0);
    for (const c of transposed.cases.slice(0, 60)) {
      const input = { shape: c.input.shape, data: Float32Array.from(c.input.data) };
      const w = { shape: c.weight.shape, data: Float32Array.from(c.weight.data) };
      const target = next() % 2 ? w.data : input.data;
      target[next() % target.length] = specials[next() % 3];
      const fast = engine.convTranspose2d(input, w, optionsOf(c, 'fast'));
      const scatter = engine.convTranspose2d(input, w, optionsOf(c, 'scatter'));
      assert.deepEqual(Array.from(fast.data, cls), Array.from(scatter.data, cls), c.name);
    }
  });
});

describe("every framework's vocabulary: 1-D and 3-D, bias, per-side and 'same' padding, output_size, N = 0", () => {
  let nd;
  let influenceCases;
  before(async () => {
    [nd, influenceCases] = await Promise.all([load('conv_transpose_nd.json'), load('influence.json')]);
  });
  const optionsOfNd = (c, method) => ({ ...c.options, ...(c.bias ? { bias: c.bias } : {}), ...(method ? { method } : {}) });

  test('the fixture covers every rank, form and source', () => {
    const names = nd.cases.map((c) => c.name).join(' ');
    for (const word of ['1d', '3d', 'bias', 'unbatched', 'output_size', 'empty_batch', 'per_side', 'same', 'same_lower', 'valid', 'test_convtranspose_autopad_same', 'test_convtranspose_pads', 'test_convtranspose_3d']) {
      assert.ok(names.includes(word), word);
    }
  });

  for (const method of [...METHODS, 'direct']) {
    test(`${method}: every case matches its source (PyTorch, or ONNX's published numbers)`, () => {
      const failures = [];
      for (const c of nd.cases) {
        try {
          const problem = mismatch(engine.convTranspose(c.input, c.weight, optionsOfNd(c, method)), c.output);
          if (problem) failures.push(`${c.name}: ${problem}`);
        } catch (error) {
          failures.push(`${c.name}: ${error.message}`);
        }
      }
      assert.deepEqual(failures, []);
    });
  }

  test('outputShape and geometry resolve the crops and output_padding of every case', () => {
    for (const c of nd.cases) {
      assert.deepEqual(engine.outputShape(c.input.shape, c.weight.shape, c.options), c.output.shape, c.name);
      const g = engine.geometry(c.input.shape, c.weight.shape, c.options);
      assert.deepEqual(g.padding.before, c.resolved.padding.map((p) => p[0]), `${c.name} before`);
      assert.deepEqual(g.padding.after, c.resolved.padding.map((p) => p[1]), `${c.name} after`);
      assert.deepEqual(g.outputPadding, c.resolved.output_padding, `${c.name} output_padding`);
    }
  });

  test('artifacts of every case: the scatter window plus the bias, the padded direct sum, explain with its bias term', () => {
    for (const c of nd.cases.filter((k) => k.output.data.length > 0 && k.output.data.length < 600)) {
      const options = optionsOfNd(c);
      const rank = c.weight.shape.length - 2;
      const batched = c.input.shape.length === rank + 2;
      const s = engine.scatter(c.input, c.weight, options);
      assert.deepEqual(s.window.size, c.output.shape.slice(-rank), c.name);
      // The output is the canvas window (+ bias), read at start + o along every axis.
      const outShape = batched ? c.output.shape : [1, ...c.output.shape];
      const canvasShape = batched ? s.canvas.shape : [1, ...s.canvas.shape];
      const spatial = outShape.slice(2);
      const cSpatial = canvasShape.slice(2);
      const volume = spatial.reduce((a, b) => a * b, 1);
      const cVolume = cSpatial.reduce((a, b) => a * b, 1);
      const got = new Float32Array(c.output.data.length);
      for (let p = 0; p < outShape[0] * outShape[1]; p += 1) {
        const co = p % outShape[1];
        for (let q = 0; q < volume; q += 1) {
          let rest = q;
          let at = 0;
          const idx = [];
          for (let a = rank - 1; a >= 0; a -= 1) {
            idx[a] = rest % spatial[a];
            rest = Math.floor(rest / spatial[a]);
          }
          for (let a = 0; a < rank; a += 1) at = at * cSpatial[a] + idx[a] + s.window.start[a];
          got[p * volume + q] = s.canvas.data[p * cVolume + at] + (s.bias ? s.bias.data[co] : 0);
        }
      }
      assert.equal(mismatch({ shape: c.output.shape, data: got }, c.output), '', `${c.name} scatter`);
      const d = engine.paddedDirect(c.input, c.weight, options);
      assert.equal(d.sources.length, rank, c.name);
      d.sources.forEach((src, a) => assert.equal(src.length, d.padded.shape[d.padded.shape.length - rank + a], c.name));
      // explain: its terms and then the bias sum to the cell, for the first and the last cell.
      for (const flat of [0, c.output.data.length - 1]) {
        const cell = [];
        let rest = flat;
        for (let a = c.output.shape.length - 1; a >= 0; a -= 1) {
          cell[a] = rest % c.output.shape[a];
          rest = Math.floor(rest / c.output.shape[a]);
        }
        const e = engine.explain(c.input, c.weight, options, cell);
        const sum = e.terms.reduce((acc, t) => acc + t.product, 0) + (e.bias ? e.bias.value : 0);
        assert.ok(close(sum, c.output.data[flat]) && close(e.value, c.output.data[flat]), `${c.name} explain ${cell}`);
        assert.equal(Boolean(e.bias), Boolean(c.bias), c.name);
        if (e.bias) assert.deepEqual(e.bias.index, [cell[batched ? 1 : 0]]);
        for (const t of e.terms) assert.equal(t.input.length, c.input.shape.length, c.name);
      }
    }
  });

  test('the matrix of every case: Cᵀ·vec(x) + bias is the output', () => {
    for (const c of nd.cases.filter((k) => k.input.shape.length === k.weight.shape.length && k.input.shape[0] > 0)) {
      const m = engine.matrix(c.input.shape, c.weight.shape, c.options);
      const n = c.input.shape[0];
      const cout = c.output.shape[1];
      const y = new Float64Array(m.cols * n);
      for (let b = 0; b < n; b += 1) {
        for (let e = 0; e < m.row.length; e += 1) y[b * m.cols + m.col[e]] += c.weight.data[m.weightIndex[e]] * c.input.data[b * m.rows + m.row[e]];
        if (c.bias) for (let q = 0; q < m.cols; q += 1) y[b * m.cols + q] += c.bias.data[Math.floor(q / (m.cols / cout))];
      }
      assert.equal(mismatch({ shape: c.output.shape, data: y }, c.output), '', c.name);
    }
  });

  test('subpixel: interleaving the phases gives the output exactly, and k3 s2 phases get 2 and 1 taps per axis', () => {
    for (const c of nd.cases.filter((k) => k.output.data.length > 0)) {
      const sp = engine.subpixel(c.input, c.weight, optionsOfNd(c));
      const rank = c.weight.shape.length - 2;
      const outShape = c.output.shape.length === rank + 2 ? c.output.shape : [1, ...c.output.shape];
      const spatial = outShape.slice(2);
      const volume = spatial.reduce((a, b) => a * b, 1);
      const y = new Float32Array(c.output.data.length).fill(NaN);
      for (const phase of sp.phases) {
        const counts = phase.count;
        const pv = counts.reduce((a, b) => a * b, 1);
        for (let p = 0; p < outShape[0] * outShape[1]; p += 1) {
          for (let q = 0; q < pv; q += 1) {
            let rest = q;
            const t = [];
            for (let a = rank - 1; a >= 0; a -= 1) {
              t[a] = rest % counts[a];
              rest = Math.floor(rest / counts[a]);
            }
            let at = 0;
            for (let a = 0; a < rank; a += 1) at = at * spatial[a] + phase.first[a] + t[a] * sp.stride[a];
            y[p * volume + at] = phase.output.data[p * pv + q];
          }
        }
      }
      assert.equal(mismatch({ shape: c.output.shape, data: y }, c.output), '', c.name);
    }
    const ones = { shape: [1, 1, 4, 4], data: new Array(16).fill(1) };
    const k3 = { shape: [1, 1, 3, 3], data: new Array(9).fill(1) };
    const sp = engine.subpixel(ones, k3, { stride: 2 });
    assert.deepEqual(sp.phases.map((p) => p.tapCounts), [[2, 2], [2, 1], [1, 2], [1, 1]]);
    assert.deepEqual(sp.phases.map((p) => p.taps), [[[0, 2], [0, 2]], [[0, 2], [1]], [[1], [0, 2]], [[1], [1]]]);
  });

  test('influence matches the nonzero pattern of autograd, for outputs, inputs and taps', () => {
    const key = (list) => list.map((i) => i.join(',')).sort();
    const unique = (list) => [...new Set(key(list))].sort();
    for (const c of influenceCases.cases) {
      for (const q of c.queries) {
        const links = engine.influence(c.input_shape, c.weight_shape, c.options, { tensor: q.tensor, index: q.index });
        assert.equal(links.x.length, links.w.length);
        assert.equal(links.y.length, links.w.length);
        const what = `${c.name} ${q.tensor}${JSON.stringify(q.index)}`;
        if (q.tensor === 'y') {
          assert.deepEqual(unique(links.x), key(q.x), `${what} inputs`);
          assert.deepEqual(unique(links.w), key(q.w), `${what} taps`);
        } else {
          assert.deepEqual(unique(links.y), key(q.y), `${what} outputs`);
        }
      }
    }
    const error = thrown(() => engine.influence([1, 1, 4, 4], [1, 1, 4, 4], { stride: 2 }, { tensor: 'y', index: [0, 0, 10, 0] }));
    assert.equal(error.parameter, 'index');
    assert.equal(error.axis, 'height');
  });

  test('an empty batch gives [0, Cout, ...] and empty data by every method; artifacts are empty too', () => {
    for (const method of METHODS) {
      const y = engine.convTranspose({ shape: [0, 2, 5], data: [] }, { shape: [2, 3, 4], data: new Array(24).fill(1) }, { stride: 2, method });
      assert.deepEqual(y.shape, [0, 3, 12]);
      assert.equal(y.data.length, 0);
    }
    assert.deepEqual(engine.scatter({ shape: [0, 1, 2, 2], data: [] }, { shape: [1, 1, 2, 2], data: [1, 2, 3, 4] }, {}).canvas.shape, [0, 1, 3, 3]);
  });

  test('1-D and 3-D messages speak of their own axes only', () => {
    const x1 = { shape: [1, 1, 4], data: [1, 2, 3, 4] };
    const w1 = { shape: [1, 1, 3], data: [1, 1, 1] };
    for (const [options, parameter, pattern] of [
      [{ stride: 2, outputPadding: 2 }, 'output_padding', /^output_padding \(length\) is 2 but must be smaller than stride 2 or dilation 1$/],
      [{ padding: 5 }, 'padding', /^output length is .* padding \(length\) 5 crops more than the whole result$/],
      [{ padding: [1, 0] }, 'padding', /write \[\[1, 0\]\]/],
      [{ stride: 2, outputSize: [11] }, 'output_size', /^output_size \(length\) is 11, but with input 4, stride 2, padding 0 and kernel 3 only 9 or 10 are reachable$/],
      [{ stride: 2, outputSize: [10], outputPadding: 0 }, 'output_size', /needs output_padding 1, but output_padding \(length\) is 0/],
      [{ stride: 2, outputSize: [1, 2, 10] }, 'output_size', /^output_size\[1\] is 2 but the output has 1 channels$/],
      [{ outputSize: [1, 2] }, 'output_size', /^output_size has 2 entries but must have 1/],
    ]) {
      const error = thrown(() => engine.convTranspose(x1, w1, options));
      assert.equal(error.parameter, parameter, error.message);
      assert.match(error.message, pattern);
      assert.doesNotMatch(error.message, /height|width/);
    }
    const error = thrown(() => engine.convTranspose({ shape: [1, 1, 2, 2, 2], data: new Array(8).fill(0) }, { shape: [1, 1, 2, 2, 2], data: new Array(8).fill(0) }, { stride: [1, 1, 0] }));
    assert.equal(error.message, 'stride (width) is 0 but must be at least 1');
    assert.equal(error.axis, 'width');
    const depth = thrown(() => engine.convTranspose({ shape: [1, 1, 2, 2, 2], data: new Array(8).fill(0) }, { shape: [1, 1, 2, 2, 2], data: new Array(8).fill(0) }, { padding: [[0, 5], 0, 0] }));
    assert.equal(depth.axis, 'depth');
    assert.match(depth.message, /^output depth is/);
    const rank = thrown(() => engine.convTranspose({ shape: [1, 1, 4, 4], data: new Array(16).fill(0) }, w1, {}));
    assert.match(rank.message, /^input shape has 4 dimensions but a 1-D weight needs \[N, Cin, L\] or unbatched \[Cin, L\]$/);
  });

  test('bias on the output_padding strip, where it is the only thing that lands', () => {
    const y = engine.convTranspose({ shape: [1, 1, 2], data: [1, 1] }, { shape: [1, 2, 1], data: [1, 2] }, { stride: 3, outputPadding: 2, bias: [10, 20] });
    assert.deepEqual(Array.from(y.data), [11, 10, 10, 11, 10, 10, 22, 20, 20, 22, 20, 20]);
  });
});
