// TensorFlow: Keras' layers.Conv{1,2,3}DTranspose and tf.nn.conv{1,2,3}d_transpose, channels last.
//
// Layouts: the input [N, C_in, ...] becomes [N, ..., C_in]; the weight PyTorch [C_in, C_out/groups, k...] becomes
// TensorFlow's [k..., C_out/groups, C_in] (a transpose, no flip: both compute the same transposed convolution).
// What TensorFlow cannot say directly, the code says another way that gives the same numbers:
//   - groups: neither has a groups argument, so one call per group on its slice of channels, then a concat;
//   - dilation: written into the kernel (zeros between taps), since TensorFlow refuses dilation > 1 with stride > 1
//     and its CPU kernel has no dilation at all;
//   - a crop that Keras' 'valid'/'same' (and tf.nn's output_shape with 'SAME'/'VALID', or explicit pads in 2-D)
//     cannot make: 'valid' with a large enough output, then a slice (and zeros at the end, the bias after them).
// Keras computes its own output length (kerasAxis in layer.js), then calls tf.nn's op with it; TensorFlow crops
// the way its forward convolution pads and refuses an output_shape its forward convolution would not map back.
import { assertLayer, axes, axisNames, axisLetters, effectiveKernel, kerasAxis, tfAxis } from './layer.js';
import { header, layerTensors, printLines, pyAxes, pyList, pyTuple, pySlice } from './python.js';

const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));

/** Does Keras' (padding, output_padding per axis or null) give this layer's crop exactly? */
function kerasExact(ax, padding) {
  // The layer's own output_padding first (an imported Keras call comes back as written), then none, then any.
  const own = ax.map((x) => x.op);
  const ownFirst = own.some((o) => o > 0);
  if (ownFirst && ax.every((x, a) => matches(kerasAxis(padding, own[a], x), x))) return { padding, outputPadding: own };
  if (ax.every((x) => matches(kerasAxis(padding, null, x), x))) return { padding, outputPadding: null };
  const o = ax.map((x) => range(x.s, (i) => i).find((v) => matches(kerasAxis(padding, v, x), x)));
  return o.every((v) => v !== undefined) ? { padding, outputPadding: o } : null;
}
const matches = (k, x) => k.accepted && k.before === x.before && k.length === x.out;

/** 'valid' with the output long enough to hold the crop: (start, size) slices and zeros at the end. */
function viaValid(ax, lengthOf) {
  const o = ax.map((x) => Math.min(Math.max(x.before + x.out - x.full0, 0), x.s - 1));
  const length = ax.map((x, a) => lengthOf(x, o[a]));
  const padEnd = ax.map((x, a) => Math.max(0, x.before + x.out - length[a]));
  const post = [];
  if (padEnd.some((e) => e > 0)) post.push({ op: 'pad', end: padEnd });
  if (ax.some((x, a) => x.before !== 0 || x.out !== length[a] + padEnd[a])) post.push({ op: 'slice', start: ax.map((x) => x.before), size: ax.map((x) => x.out) });
  return { o, length, post };
}

export function plan(layer) {
  assertLayer(layer);
  const r = layer.rank;
  const names = axisNames(r);
  const ax = axes(layer);
  const G = layer.groups;
  const Cin = layer.inputShape[1], Cog = layer.weightShape[1];
  const N = layer.inputShape[0];
  const warnings = [];
  const notes = [];
  const kEff = ax.map((x) => effectiveKernel(x.k, x.d));
  const dilated = layer.dilation.some((d) => d > 1);
  const cropText = ax.map((x, a) => `${names[a]} [${x.before}, ${x.after}]`).join(', ');

  if (G > 1) warnings.push(`groups ${G}: Keras' Conv${r}DTranspose and tf.nn.conv${r}d_transpose have no groups argument, so the code runs one per group (${Cin / G} input channels → ${Cog} output channels each) and concatenates them`);
  if (dilated) {
    const text = `dilation ${pyAxes(layer.dilation)} is written into the kernel (its taps ${layer.dilation.join('/')} apart, zeros between, size ${pyAxes(kEff)})`;
    if (layer.stride.some((s) => s > 1)) warnings.push(`dilation ${pyAxes(layer.dilation)} with stride ${pyAxes(layer.stride)}: TensorFlow refuses dilation > 1 together with stride > 1 (and its CPU kernel has no dilation), so the ${text}, which gives the same numbers`);
    else notes.push(`The ${text}: the same numbers, and it runs on every TensorFlow backend`);
  }

  // ---- Keras
  const order = layer.paddingMode === 'same' ? ['same', 'valid'] : ['valid', 'same'];
  let keras = order.map((pad) => kerasExact(ax, pad)).find(Boolean);
  let kerasPost = [];
  if (keras) {
    keras.length = ax.map((x, a) => kerasAxis(keras.padding, keras.outputPadding ? keras.outputPadding[a] : null, x).length);
  } else {
    const v = viaValid(ax, (x, o) => x.full0 + o);
    const none = ax.every((x, a) => v.o[a] === 0 && x.kEff >= x.s);
    keras = { padding: 'valid', outputPadding: none ? null : v.o, length: v.length };
    kerasPost = v.post;
    const same = ax.map((x) => kerasAxis('same', null, x));
    const sameOp = layer.outputPadding.some((o) => o > 0) && ax.every((x) => x.op < x.s)
      ? ax.map((x) => kerasAxis('same', x.op, x)) : null;
    let why = `Keras has only padding='valid' (no crop) and 'same' (here ${same.map((k) => `[${k.pair.join(', ')}]`).join(', ')}`;
    if (sameOp) {
      why += `; with output_padding ${pyAxes(layer.outputPadding)} 'same' follows its own rule: length (in − 1)·stride + k − 2·⌊k/2⌋ + output_padding = ${sameOp.map((k) => k.length).join(' × ')}, cropped by TensorFlow's SAME: ${sameOp.map((k) => k.accepted ? `[${k.pair.join(', ')}]` : 'refused').join(', ')}`;
    }
    why += ')';
    const how = [`padding='valid'${keras.outputPadding ? `, output_padding=${pyAxes(keras.outputPadding)}` : ''}`];
    if (kerasPost.some((s) => s.op === 'pad')) how.push('zeros at the end, the bias added after them');
    if (kerasPost.some((s) => s.op === 'slice')) how.push('a slice');
    warnings.push(`crop ${cropText}: ${why}, so the layer uses ${how.join(', then ')}`);
  }
  const kerasBias = Boolean(layer.bias) && !kerasPost.some((s) => s.op === 'pad');
  if (layer.bias && !kerasBias) kerasPost.push({ op: 'bias' });

  // ---- tf.nn
  const nnOrder = layer.paddingMode === 'same' ? ['SAME', 'VALID'] : ['VALID', 'SAME'];
  let nnPadding = nnOrder.find((pad) => ax.every((x) => {
    const t = tfAxis(pad, x.out, x);
    return t.accepted && t.before === x.before;
  }));
  let nnLength = ax.map((x) => x.out);
  let nnPost = [];
  if (!nnPadding && r === 2) {
    const pads = ax.map((x) => [x.before, Math.max(0, x.after - x.op)]);
    if (ax.every((x, a) => tfAxis(pads[a], x.out, x).accepted)) nnPadding = [[0, 0], ...pads, [0, 0]];
  }
  if (!nnPadding) {
    const v = viaValid(ax, (x, o) => x.full0 + o);
    nnPadding = 'VALID';
    nnLength = v.length;
    nnPost = v.post;
    warnings.push(`crop ${cropText}: tf.nn.conv${r}d_transpose's output_shape with 'SAME' or 'VALID'${r === 2 ? ' or explicit pads' : ' (it takes no explicit pads in ' + r + '-D)'} cannot make it, so it computes 'VALID' with output_shape ${pyList(nnLength)}${nnPost.some((s) => s.op === 'pad') ? ', zeros at the end' : ''}${nnPost.some((s) => s.op === 'slice') ? ' and a slice' : ''}`);
  }
  if (layer.bias) nnPost.push({ op: 'bias' });

  return {
    layouts: {
      input: [0, ...range(r, (i) => i + 2), 1], // [N, C, ...] -> [N, ..., C]
      weight: [...range(r, (i) => i + 2), 1, 0], // [C_in, C_out/groups, k...] -> [k..., C_out/groups, C_in]
      output: [0, r + 1, ...range(r, (i) => i + 1)], // [N, ..., C] -> [N, C, ...]
    },
    kernelDilation: dilated ? layer.dilation.slice() : null,
    kernelSize: kEff,
    groups: G,
    groupChannels: { in: Cin / G, out: Cog },
    keras: {
      layer: `Conv${r}DTranspose`,
      filters: Cog,
      kernel_size: kEff,
      strides: layer.stride.slice(),
      padding: keras.padding,
      output_padding: keras.outputPadding,
      use_bias: kerasBias,
      length: keras.length,
      post: kerasPost,
    },
    nn: {
      function: `conv${r}d_transpose`,
      output_shape: [N, ...nnLength, Cog],
      strides: layer.stride.slice(),
      padding: nnPadding,
      post: nnPost,
    },
    notes,
    warnings,
  };
}

const pyPadding = (p) => (typeof p === 'string' ? `'${p}'` : pyList(p.map(pyList)));

/** Python lines applying post-steps to a channels-last numpy array `v`. */
function postLines(v, post) {
  const lines = [];
  for (const step of post) {
    if (step.op === 'pad') {
      lines.push(`${v} = np.pad(${v}, [(0, 0), ${step.end.map((e) => `(0, ${e})`).join(', ')}, (0, 0)])  # zeros at the end`);
    } else if (step.op === 'slice') {
      lines.push(`${v} = ${v}[:, ${step.start.map((s, i) => pySlice(s, step.size[i])).join(', ')}, :]  # the crop, start:end per axis`);
    } else if (step.op === 'bias') {
      lines.push(`${v} = ${v} + b  # the bias lands on every output cell (channels last)`);
    }
  }
  return lines;
}

export function translate(layer, { link = '' } = {}) {
  const p = plan(layer);
  const r = layer.rank;
  const L = axisLetters(r);
  const t = layerTensors(layer, 'np');
  const { keras: k, nn } = p;
  const G = p.groups, cig = p.groupChannels.in, cog = p.groupChannels.out;
  const lines = [header(layer, 'TensorFlow / Keras', link)];
  for (const w of p.warnings) lines.push(`# Note: ${w}.`);
  lines.push('import numpy as np', 'import tensorflow as tf', '');
  if (t.randDef) lines.push('', t.randDef, '', '');
  lines.push(...t.lines, '');
  const cl = `[N, ${L.join(', ')}, C_in]`;
  lines.push(`x_tf = x.transpose(${p.layouts.input.join(', ')})  # TensorFlow is channels last: ${cl}`);
  let kernelSource = 'w';
  if (p.kernelDilation) {
    lines.push(
      ...(p.notes.length ? p.notes.map((n) => `# ${n}.`) : [`# Dilation ${pyAxes(p.kernelDilation)}, written into the kernel: its taps ${p.kernelDilation.join('/')} apart, zeros between (see the note above).`]),
      `w_dilated = np.zeros((${layer.weightShape[0]}, ${layer.weightShape[1]}, ${p.kernelSize.join(', ')}), dtype=np.float32)`,
      `w_dilated[:, :, ${p.kernelDilation.map((d) => `::${d}`).join(', ')}] = w`,
    );
    kernelSource = 'w_dilated';
  }
  lines.push(
    `# The kernel: PyTorch's [C_in, C_out/groups, ${L.map((l) => `k${l}`).join(', ')}] -> TensorFlow's [${L.map((l) => `k${l}`).join(', ')}, C_out/groups, C_in]; no flip`,
    `kernel = ${kernelSource}.transpose(${p.layouts.weight.join(', ')})`,
    '',
  );
  const kerasArgs = `${k.filters}, ${pyAxes(k.kernel_size)}, strides=${pyAxes(k.strides)}, padding='${k.padding}'`
    + `${k.output_padding ? `, output_padding=${pyAxes(k.output_padding)}` : ''}, use_bias=${k.use_bias ? 'True' : 'False'}`;
  const explainKeras = `# Keras computes the output length ${pyList(k.length)} itself, then calls tf.nn.conv${r}d_transpose with it.`;
  const inShape = (c) => pyTuple([layer.inputShape[0], ...layer.inputShape.slice(2), c]);
  const nnCall = (xExpr, kExpr) => `tf.nn.conv${r}d_transpose(${xExpr}, ${kExpr}, output_shape=${pyList(nn.output_shape)}, strides=${pyList(nn.strides)}, padding=${pyPadding(nn.padding)}).numpy()`;
  if (G === 1) {
    lines.push(
      '# 1. The Keras layer',
      explainKeras,
      `layer = tf.keras.layers.${k.layer}(${kerasArgs})`,
      `layer.build(${inShape(layer.inputShape[1])})`,
      `layer.set_weights([kernel${k.use_bias ? ', b' : ''}])`,
      'y_keras = layer(x_tf).numpy()',
    );
  } else {
    lines.push(
      `# 1. The Keras layer, once per group: group g maps input channels g*${cig}…g*${cig}+${cig - 1} to output channels g*${cog}…g*${cog}+${cog - 1}`,
      explainKeras,
      'parts = []',
      `for g in range(${G}):`,
      `    layer = tf.keras.layers.${k.layer}(${kerasArgs})`,
      `    layer.build(${inShape(cig)})`,
      `    layer.set_weights([kernel[..., g * ${cig}:(g + 1) * ${cig}]${k.use_bias ? `, b[g * ${cog}:(g + 1) * ${cog}]` : ''}])`,
      `    parts.append(layer(x_tf[..., g * ${cig}:(g + 1) * ${cig}]).numpy())`,
      'y_keras = np.concatenate(parts, axis=-1)',
    );
  }
  lines.push(...postLines('y_keras', k.post), '');
  if (G === 1) {
    lines.push('# 2. The same with tf.nn (no bias argument: added after)', `y_nn = ${nnCall('x_tf', 'kernel')}`);
  } else {
    lines.push(
      '# 2. The same with tf.nn, once per group (no bias argument: added after)',
      `y_nn = np.concatenate([${nnCall(`x_tf[..., g * ${cig}:(g + 1) * ${cig}]`, `kernel[..., g * ${cig}:(g + 1) * ${cig}]`)}`,
      `                       for g in range(${G})], axis=-1)`,
    );
  }
  lines.push(
    ...postLines('y_nn', nn.post),
    'np.testing.assert_allclose(y_keras, y_nn, rtol=1e-5, atol=1e-4)',
    '',
    `y = y_keras.transpose(${p.layouts.output.join(', ')})  # back to PyTorch's [N, C_out, ${L.join(', ')}]`,
    ...printLines(layer),
    '',
  );
  return { code: lines.join('\n'), plan: p, warnings: p.warnings };
}
