// Python text shared by the translations: exact number literals, tuples, tensors written the way they were given
// (torch.ones(...), np.arange(...), the page's rand:SEED generator, or a literal), and the common header.
import { axes, axisLetters, channelsOut, outputShape, effectiveKernel } from './layer.js';
import { RANDOM_VALUES } from '../state.js';

/** A number as Python reads it back to the same double (JS prints the shortest round-trip form). */
export function pyNumber(v) {
  if (Number.isNaN(v)) return "float('nan')";
  if (v === Infinity) return "float('inf')";
  if (v === -Infinity) return "float('-inf')";
  if (Object.is(v, -0)) return '-0.0';
  return String(v);
}

/** (2, 3); a 1-tuple is (2,) */
export const pyTuple = (v) => (v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);
/** [2, 3] */
export const pyList = (v) => `[${v.join(', ')}]`;
/** A per-axis argument: a plain int in 1-D (PyTorch and Keras take either), a tuple otherwise. */
export const pyAxes = (v) => (v.length === 1 ? String(v[0]) : pyTuple(v));
/** 'same' */
export const pyString = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Nested Python list of a row-major tensor, one innermost row per line. */
export function pyNested(values, shape, indent) {
  if (shape.length === 0) return pyNumber(values[0]);
  const rec = (offset, dim, pad) => {
    if (dim === shape.length - 1) {
      const row = [];
      for (let i = 0; i < shape[dim]; i++) row.push(pyNumber(values[offset + i]));
      return `[${row.join(', ')}]`;
    }
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const parts = Array.from({ length: shape[dim] }, (_, i) => rec(offset + i * stride, dim + 1, `${pad} `));
    return `[${parts.join(`,\n${pad} `)}]`;
  };
  return rec(0, 0, indent);
}

/** The Python port of web/state.js's rand:SEED values (mulberry32 in 32-bit arithmetic), exact to the page's. */
export const PAGE_RAND_DEF = `def page_rand(seed, count):
    """The playground's rand:SEED values: mulberry32(seed) picks each value from ${pyList(RANDOM_VALUES)}, row-major."""
    values, a, m = [], seed & 0xFFFFFFFF, 0xFFFFFFFF
    for _ in range(count):
        a = (a + 0x6D2B79F5) & m
        t = ((a ^ (a >> 15)) * (a | 1)) & m
        t = ((t + (((t ^ (t >> 7)) * (t | 61)) & m)) & m) ^ t
        u = ((t ^ (t >> 14)) & m) / 4294967296
        values.append(${pyList(RANDOM_VALUES)}[int(u * ${RANDOM_VALUES.length})])
    return values`;

const range1 = (n) => Array.from({ length: n }, (_, i) => i + 1);

/** Random tensors up to this many values are printed literally (readable); larger ones use page_rand(). */
const LITERAL_RAND_MAX = 64;

/**
 * Lines defining `name` as a float32 tensor of `shape` for lib 'torch' | 'np', written the way it was given.
 * Returns {lines, usesRand}.
 */
export function tensorLines(name, values, shape, spec, lib, comment) {
  const n = shape.reduce((a, b) => a * b, 1);
  const dtype = `${lib}.float32`;
  const shapeText = pyTuple(shape);
  const kind = spec?.kind;
  if (kind === 'ones' || kind === 'zeros') return { lines: [`${name} = ${lib}.${kind}(${shapeText}, dtype=${dtype})  # ${comment}`], usesRand: false };
  if (kind === 'arange') {
    const which = n <= 4 ? range1(n).join(', ') : `1, 2, …, ${n}`;
    return { lines: [`${name} = ${lib}.arange(1, ${n + 1}, dtype=${dtype}).reshape(${shape.join(', ')})  # ${comment}: ${which}`], usesRand: false };
  }
  const make = lib === 'torch' ? 'torch.tensor' : 'np.array';
  if (kind === 'rand' && n > LITERAL_RAND_MAX) {
    return { lines: [`${name} = ${make}(page_rand(${spec.seed}, ${n}), dtype=${dtype}).reshape(${shape.join(', ')})  # ${comment}: the page's rand:${spec.seed}`], usesRand: true };
  }
  const origin = kind === 'rand' ? ` (the page's rand:${spec.seed})` : '';
  const head = `${name} = ${make}(`;
  return { lines: [`# ${comment}${origin}`, `${head}${pyNested(values, shape, ' '.repeat(head.length))}, dtype=${dtype})`], usesRand: false };
}

/** The x, w (and b) definitions of a layer for lib, and the page_rand helper when one of them needs it. */
export function layerTensors(layer, lib) {
  const L = axisLetters(layer.rank);
  const v = layer.values ?? {};
  const parts = [
    tensorLines('x', layer.input, layer.inputShape, v.x, lib, `input [N, C_in, ${L.join(', ')}]`),
    tensorLines('w', layer.weight, layer.weightShape, v.w, lib, `weight [C_in, C_out/groups, ${L.map((l) => `k${l}`).join(', ')}]`),
  ];
  if (layer.bias) parts.push(tensorLines('b', layer.bias, [layer.bias.length], v.b, lib, 'bias [C_out]'));
  const usesRand = parts.some((p) => p.usesRand);
  return { lines: parts.flatMap((p) => p.lines), randDef: usesRand ? PAGE_RAND_DEF : null };
}

const opName = (rank) => `conv_transpose${rank}d`;

/** The comment block every script starts with: what the layer is, in PyTorch's terms, and how to read the output. */
export function header(layer, title, link) {
  const r = layer.rank;
  const L = axisLetters(r);
  const ax = axes(layer);
  const out = outputShape(layer);
  const lines = [`# A transposed convolution (PyTorch's ${opName(r)}) in ${title}, exported from the playground.`];
  if (link) lines.push(`# State: ${String(link).replace(/[\r\n]/g, '')}`);
  const pairs = ax.map((x) => `[${x.before}, ${x.after}]`).join(', ');
  const kEff = ax.map((x) => effectiveKernel(x.k, x.d));
  lines.push(
    `# input x: [N, C_in, ${L.join(', ')}] = ${pyList(layer.inputShape)}; weight w: [C_in, C_out/groups, ${L.map((l) => `k${l}`).join(', ')}] = ${pyList(layer.weightShape)}${layer.bias ? `; bias b: [C_out] = [${channelsOut(layer)}]` : ''}`,
    `# stride ${pyAxes(layer.stride)}, dilation ${pyAxes(layer.dilation)}, output_padding ${pyAxes(layer.outputPadding)}, groups ${layer.groups}`,
    `# padding${layer.paddingMode === 'explicit' ? '' : ` '${layer.paddingMode}'`}: crop [before, after] per axis = ${pairs}${layer.outputSize ? `; output_size ${pyAxes(layer.outputSize)}` : ''}`
    + ` (of the full result ${ax.map((x) => x.full).join(' × ')} = (in − 1)·stride + ${kEff.some((k, a) => k !== ax[a].k) ? 'dilation·(kernel − 1) + 1' : 'kernel'} + output_padding)`,
    `# output y: [N, C_out, ${L.join(', ')}] = ${pyList(out)}; the last line printed is y as a nested list in that layout.`,
  );
  return lines.join('\n');
}

/** The two closing lines: the shape, then y (numpy or torch array in PyTorch's layout) as a nested list. */
export function printLines(layer, expr = 'y') {
  return [`print(list(${expr}.shape))  # ${pyList(outputShape(layer))}`, `print(${expr}.tolist())`];
}

/** Python slice text for one axis, e.g. 1:5 */
export const pySlice = (start, size) => `${start}:${start + size}`;
