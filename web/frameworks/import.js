// "Import your layer": a small, strict parser of one transposed-convolution call as people write it in PyTorch,
// Keras / TensorFlow or ONNX, turned into the page's configuration. The call syntax is read by
// web/frameworks/call-syntax.js (a strict parser of Python call syntax); nothing is ever evaluated. Every problem is
// a message naming the argument, its value and the rule; importLayer never throws.
//
//   importLayer(text) -> {framework, call, config, notes} | {error}
//
// config holds only what the call says, in layerFromParts' terms: rank, cin, cout, groups, kernel, stride,
// dilation, padding (r [before, after] pairs, or 'same' | 'same_lower' | 'valid'), outputPadding, outputSize, bias
// (true/false), and for some calls batch and in. The rest (e.g. the input channels of a Keras layer) is the page's
// current state; notes say what was interpreted.
import { axisNames, effectiveKernel, kerasAxis } from './layer.js';
import { ImportError, fail, clip, tokenize, parser, reader, bind, MAX_IMPORT_LENGTH } from './call-syntax.js';

export { MAX_IMPORT_LENGTH };

// ------------------------------------------------------------------ the calls

const PYTORCH_MODULE = ['in_channels', 'out_channels', 'kernel_size', 'stride', 'padding', 'output_padding', 'groups', 'bias', 'dilation', 'padding_mode', 'device', 'dtype'];
const PYTORCH_FUNCTION = ['input', 'weight', 'bias', 'stride', 'padding', 'output_padding', 'groups', 'dilation'];
const KERAS = ['filters', 'kernel_size', 'strides', 'padding', 'output_padding', 'data_format', 'dilation_rate', 'activation', 'use_bias',
  'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'];
const KERAS_EXTRA = ['name', 'trainable', 'dtype', 'input_shape', 'batch_input_shape', 'batch_size'];
const TF_NN = ['input', 'filters', 'output_shape', 'strides', 'padding', 'data_format', 'dilations', 'name'];
const ONNX_ATTRIBUTES = ['kernel_shape', 'strides', 'pads', 'auto_pad', 'output_padding', 'output_shape', 'dilations', 'group'];

const CALLS = [
  { kind: 'pytorch-module', re: /^(?:(?:torch\.)?nn\.)?ConvTranspose([123])d$/ },
  { kind: 'pytorch-function', re: /^(?:torch\.nn\.functional\.|nn\.functional\.|F\.|torch\.)?conv_transpose([123])d$/ },
  { kind: 'keras', re: /^(?:(?:(?:tf|tensorflow)\.)?keras\.)?(?:layers\.)?Conv(?:olution)?([123])DTranspose$/ },
  { kind: 'tf-nn', re: /^(?:(?:tf|tensorflow)\.)?(?:compat\.v[12]\.)?nn\.conv([123])d_transpose$/ },
  { kind: 'onnx-node', re: /^(?:(?:onnx\.)?helper\.)?make_node$/ },
];
const ACCEPTED = 'nn.ConvTranspose1d/2d/3d, F.conv_transpose1d/2d/3d, layers.Conv1DTranspose/Conv2DTranspose/Conv3DTranspose, '
  + 'tf.nn.conv1d_transpose/conv2d_transpose/conv3d_transpose, or ONNX ConvTranspose attributes (name=value pairs, a dict or helper.make_node)';

function checkOutputPadding(config, names) {
  if (!config.outputPadding) return;
  config.outputPadding.forEach((o, a) => {
    const s = config.stride?.[a] ?? 1, d = config.dilation?.[a] ?? 1;
    if (o >= Math.max(s, d)) fail(`output_padding (${names[a]}) is ${o} but must be smaller than max(stride ${s}, dilation ${d}) = ${Math.max(s, d)}`);
  });
}

function pytorchModule(call, rank, args, R) {
  const b = bind(call, args, PYTORCH_MODULE);
  for (const key of ['in_channels', 'out_channels', 'kernel_size']) if (!b[key]) fail(`${call} needs in_channels, out_channels and kernel_size; ${key} is missing`);
  const names = axisNames(rank);
  const config = { rank };
  config.cin = R.int(b.in_channels, 'in_channels', 1);
  config.cout = R.int(b.out_channels, 'out_channels', 1);
  config.kernel = R.perAxis(b.kernel_size, 'kernel_size', rank, 1);
  config.stride = b.stride ? R.perAxis(b.stride, 'stride', rank, 1) : new Array(rank).fill(1);
  if (b.padding?.type === 'str') fail(`padding is ${R.text(b.padding)} but ${call} takes a number or ${rank} numbers (PyTorch has no 'same' for transposed convolutions; that is Keras' or ONNX's)`);
  const p = b.padding ? R.perAxis(b.padding, 'padding', rank, 0) : new Array(rank).fill(0);
  config.padding = p.map((v) => [v, v]);
  config.outputPadding = b.output_padding ? R.perAxis(b.output_padding, 'output_padding', rank, 0) : new Array(rank).fill(0);
  config.groups = b.groups ? R.int(b.groups, 'groups', 1) : 1;
  config.dilation = b.dilation ? R.perAxis(b.dilation, 'dilation', rank, 1) : new Array(rank).fill(1);
  config.bias = b.bias ? R.bool(b.bias, 'bias') : true;
  if (config.cin % config.groups) fail(`groups is ${config.groups} but must divide in_channels ${config.cin}`);
  if (config.cout % config.groups) fail(`groups is ${config.groups} but must divide out_channels ${config.cout}`);
  if (b.padding_mode && R.str(b.padding_mode, 'padding_mode') !== 'zeros') fail(`padding_mode is ${R.text(b.padding_mode)} but ${call} supports only 'zeros'`);
  checkOutputPadding(config, names);
  const notes = [];
  if (b.bias === undefined) notes.push('bias=True is the default of nn.ConvTranspose: the layer has a bias');
  if (b.device || b.dtype) notes.push('device and dtype do not change the numbers shown (the page computes in float32)');
  return { framework: 'pytorch', config, notes };
}

function pytorchFunction(call, rank, args, R) {
  const b = bind(call, args, PYTORCH_FUNCTION);
  if (!b.input || !b.weight) fail(`${call} needs the input and the weight (e.g. ${call}(x, w, stride=2))`);
  const names = axisNames(rank);
  const config = { rank };
  for (const [key, what] of [['input', 'input'], ['weight', 'weight']]) {
    if (b[key].type !== 'name' && b[key].type !== 'call') fail(`${key} is ${R.text(b[key])} but must be the ${what} tensor (a name such as ${key === 'input' ? 'x' : 'w'})`);
  }
  if (b.stride) config.stride = R.perAxis(b.stride, 'stride', rank, 1);
  if (b.padding) {
    if (b.padding.type === 'str') fail(`padding is ${R.text(b.padding)} but ${call} takes a number or ${rank} numbers`);
    config.padding = R.perAxis(b.padding, 'padding', rank, 0).map((v) => [v, v]);
  }
  if (b.output_padding) config.outputPadding = R.perAxis(b.output_padding, 'output_padding', rank, 0);
  if (b.groups) config.groups = R.int(b.groups, 'groups', 1);
  if (b.dilation) config.dilation = R.perAxis(b.dilation, 'dilation', rank, 1);
  config.bias = Boolean(b.bias) && b.bias.type !== 'none';
  if (b.bias && !['name', 'call', 'none'].includes(b.bias.type)) fail(`bias is ${R.text(b.bias)} but must be a tensor (a name such as b) or None`);
  checkOutputPadding(config, names);
  return { framework: 'pytorch', config, notes: ['the kernel size and the channels come from the weight, which the call does not show: the current ones are kept'] };
}

function keras(call, rank, args, R) {
  const b = bind(call, args, KERAS, { extra: KERAS_EXTRA });
  if (!b.filters || !b.kernel_size) fail(`${call} needs filters and kernel_size (e.g. ${call}(8, 3, strides=2))`);
  const names = axisNames(rank);
  const notes = [];
  const config = { rank, groups: 1 };
  config.cout = R.int(b.filters, 'filters', 1);
  config.kernel = R.perAxis(b.kernel_size, 'kernel_size', rank, 1);
  config.stride = b.strides ? R.perAxis(b.strides, 'strides', rank, 1) : new Array(rank).fill(1);
  config.dilation = b.dilation_rate ? R.perAxis(b.dilation_rate, 'dilation_rate', rank, 1) : new Array(rank).fill(1);
  const padding = b.padding ? R.str(b.padding, 'padding').toLowerCase() : 'valid';
  if (padding !== 'valid' && padding !== 'same') fail(`padding is ${R.text(b.padding)} but ${call} takes 'valid' or 'same'`);
  let o = null;
  if (b.output_padding && b.output_padding.type !== 'none') {
    o = R.perAxis(b.output_padding, 'output_padding', rank, 0);
    o.forEach((v, a) => {
      if (v >= config.stride[a]) fail(`output_padding (${names[a]}) is ${v} but Keras needs it smaller than the stride ${config.stride[a]}`);
    });
  }
  config.bias = b.use_bias ? R.bool(b.use_bias, 'use_bias') : true;
  let dataFormat = 'channels_last';
  if (b.data_format && b.data_format.type !== 'none') {
    dataFormat = R.str(b.data_format, 'data_format');
    if (dataFormat !== 'channels_last' && dataFormat !== 'channels_first') fail(`data_format is ${R.text(b.data_format)} but must be 'channels_last' or 'channels_first'`);
  }
  const shapeArg = b.input_shape ?? b.batch_input_shape;
  if (shapeArg) {
    const key = b.input_shape ? 'input_shape' : 'batch_input_shape';
    if (shapeArg.type !== 'tuple' && shapeArg.type !== 'list') fail(`${key} is ${R.text(shapeArg)} but must be a tuple`);
    let items = shapeArg.items;
    if (key === 'batch_input_shape') items = items.slice(1);
    if (items.length !== rank + 1) fail(`${key} is ${R.text(shapeArg)} but a ${rank}-D layer's input has ${rank} sizes and the channels`);
    const sizes = items.map((v, i) => (v.type === 'none' ? null : R.int(v, `${key}[${i}]`, 1)));
    const c = dataFormat === 'channels_last' ? sizes[rank] : sizes[0];
    const spatial = dataFormat === 'channels_last' ? sizes.slice(0, rank) : sizes.slice(1);
    if (c !== null) config.cin = c;
    if (spatial.every((v) => v !== null)) config.in = spatial;
  }
  if (config.cin === undefined) notes.push(`filters ${config.cout} is the number of output channels; the input channels are not part of a Keras layer (they come from its input), so the current ones are kept`);

  // Keras' padding in the page's terms: per axis, what it crops from the full result (kerasAxis in layer.js).
  const geo = config.kernel.map((k, a) => ({ n: 1, s: config.stride[a], kEff: effectiveKernel(k, config.dilation[a]) }));
  if (padding === 'same' && o === null) {
    config.padding = 'same';
    config.outputPadding = new Array(rank).fill(0);
  } else if (padding === 'same') {
    config.outputPadding = o;
    config.padding = geo.map((x, a) => {
      const k = kerasAxis('same', o[a], x);
      if (!k.accepted) fail(`output_padding (${names[a]}) is 0 with padding='same' and an even kernel span ${x.kEff}: Keras then asks for (in − 1)·stride cells, which TensorFlow refuses (its forward 'SAME' convolution maps that size to in − 1)`);
      return k.pair;
    });
    notes.push(`Keras padding='same' with output_padding ${o.length === 1 ? o[0] : `(${o.join(', ')})`} is its own rule: length (in − 1)·stride + k − 2·⌊k/2⌋ + output_padding, cropped the way TensorFlow's 'SAME' convolution pads: ${config.padding.map((p, a) => `${names[a]} [${p.join(', ')}]`).join(', ')} of the full result`);
  } else {
    config.padding = 'valid';
    config.outputPadding = o ?? geo.map((x) => Math.max(x.s - x.kEff, 0));
    if (!o && config.outputPadding.some((v) => v > 0)) notes.push(`Keras padding='valid' makes the output in·stride long when the kernel is shorter than the stride: the ${config.outputPadding.join(', ')} extra cells at the end are output_padding`);
  }
  if (b.activation && !(b.activation.type === 'none' || (b.activation.type === 'str' && b.activation.value === 'linear'))) {
    notes.push(`activation ${R.text(b.activation)} is applied after the layer; the playground shows the transposed convolution before it`);
  }
  const ignored = ['kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint', 'name', 'trainable', 'dtype', 'batch_size']
    .filter((k) => b[k] !== undefined);
  if (ignored.length) notes.push(`${ignored.join(', ')} ${ignored.length === 1 ? 'does' : 'do'} not change what the layer computes: ignored`);
  if (dataFormat === 'channels_first') notes.push("data_format='channels_first' only changes the layout; the page shows PyTorch's [N, C, ...]");
  return { framework: 'keras', config, notes };
}

function tfNn(call, rank, args, R) {
  // TF 1's names (value, filter) are accepted too.
  const renamed = { ...args, keywords: args.keywords.map((k) => ({ ...k, name: k.name === 'value' ? 'input' : k.name === 'filter' ? 'filters' : k.name })) };
  const b = bind(call, renamed, TF_NN);
  const names = axisNames(rank);
  const notes = ['filters is a tensor the call does not show ([k…, C_out, C_in] in TensorFlow): the kernel size and input channels stay as they are; tf.nn has no bias'];
  const config = { rank, groups: 1, bias: false };
  if (!b.strides) fail(`${call} needs strides (e.g. strides=2)`);
  const spatialList = (v, name, min) => {
    // an int, or 1, r or r+2 numbers (the batch and channel entries must be 1)
    if (v.type === 'int') return new Array(rank).fill(R.int(v, name, min));
    const all = R.ints(v, name, min);
    if (all.length === 1) return new Array(rank).fill(all[0]);
    if (all.length === rank) return all;
    if (all.length === rank + 2) {
      if (all[0] !== 1 || all[rank + 1] !== 1) fail(`${name} is ${R.text(v)} but its batch and channel entries must be 1`);
      return all.slice(1, rank + 1);
    }
    fail(`${name} is ${R.text(v)} but must have 1, ${rank} or ${rank + 2} entries`);
  };
  config.stride = spatialList(b.strides, 'strides', 1);
  if (b.dilations && b.dilations.type !== 'none') config.dilation = spatialList(b.dilations, 'dilations', 1);
  const channelsFirst = b.data_format && b.data_format.type === 'str' && b.data_format.value.startsWith('NC');
  const pad = b.padding ?? { type: 'str', value: 'SAME', start: 0, end: 0 };
  if (pad.type === 'str') {
    if (pad.value !== 'SAME' && pad.value !== 'VALID') fail(`padding is ${R.text(pad)} but ${call} takes 'SAME' or 'VALID' (upper case)${rank === 2 ? ' or explicit pads' : ''}`);
    config.padding = pad.value === 'SAME' ? 'same' : 'valid';
  } else if (rank === 2 && (pad.type === 'list' || pad.type === 'tuple')) {
    if (pad.items.length !== 4) fail(`padding is ${R.text(pad)} but explicit padding lists 4 [before, after] pairs (batch, ${channelsFirst ? 'channels, height, width' : 'height, width, channels'})`);
    const pairs = pad.items.map((item, i) => {
      const v = R.ints(item, `padding[${i}]`, 0);
      if (v.length !== 2) fail(`padding[${i}] is ${R.text(item)} but must be a [before, after] pair`);
      return v;
    });
    const spatial = channelsFirst ? pairs.slice(2) : pairs.slice(1, 3);
    const other = channelsFirst ? pairs.slice(0, 2) : [pairs[0], pairs[3]];
    if (other.flat().some((v) => v !== 0)) fail(`padding is ${R.text(pad)} but the batch and channel pairs must be [0, 0]`);
    config.padding = spatial;
  } else {
    fail(`padding is ${R.text(pad)} but ${call} takes 'SAME' or 'VALID'${rank === 2 ? ' or 4 explicit [before, after] pairs' : ''}`);
  }
  if (b.output_shape && (b.output_shape.type === 'list' || b.output_shape.type === 'tuple')) {
    const shape = R.ints(b.output_shape, 'output_shape', 1);
    if (shape.length !== rank + 2) fail(`output_shape is ${R.text(b.output_shape)} but must have ${rank + 2} entries (${channelsFirst ? 'N, C, ' : 'N, '}${names.join(', ')}${channelsFirst ? '' : ', C'})`);
    config.batch = shape[0];
    config.cout = channelsFirst ? shape[1] : shape[rank + 1];
    config.outputSize = channelsFirst ? shape.slice(2) : shape.slice(1, rank + 1);
    notes.push(`output_shape sets the output size ${config.outputSize.join(' × ')} and ${config.cout} output channels; TensorFlow crops the way its forward ${typeof config.padding === 'string' ? `'${config.padding.toUpperCase()}'` : 'explicitly padded'} convolution pads`);
  } else if (b.output_shape) {
    notes.push(`output_shape ${R.text(b.output_shape)} is not a list of numbers: the output size follows from the padding`);
  } else {
    fail(`${call} needs output_shape (e.g. output_shape=[1, 8, 8, 4])`);
  }
  return { framework: 'tensorflow', config, notes };
}

function onnx(call, args, R) {
  // helper.make_node('ConvTranspose', ['X', 'W', 'B'], ['Y'], name=..., strides=[2, 2], ...)
  const notes = [];
  let attributes = args.keywords;
  let bias;
  if (call !== null) {
    const b = bind(call, { positional: args.positional, keywords: [] }, ['op_type', 'inputs', 'outputs', 'name', 'doc_string', 'domain']);
    const named = {};
    attributes = [];
    for (const k of args.keywords) {
      if (['op_type', 'inputs', 'outputs', 'name', 'doc_string', 'domain'].includes(k.name)) {
        if (b[k.name]) fail(`${call}: ${k.name} is given twice (by position and by name)`);
        named[k.name] = k.value;
      } else {
        attributes.push(k);
      }
    }
    Object.assign(b, named);
    if (!b.op_type) fail(`${call} needs the operator name 'ConvTranspose' first`);
    const op = R.str(b.op_type, 'op_type');
    if (op !== 'ConvTranspose') fail(`op_type is ${R.text(b.op_type)} but the import box takes 'ConvTranspose'`);
    if (b.inputs) {
      if (b.inputs.type !== 'list' && b.inputs.type !== 'tuple') fail(`inputs is ${R.text(b.inputs)} but must be a list of names`);
      const n = b.inputs.items.length;
      if (n < 2 || n > 3) fail(`inputs is ${R.text(b.inputs)} but ConvTranspose takes X, W and an optional B`);
      bias = n === 3 && !(b.inputs.items[2].type === 'str' && b.inputs.items[2].value === '');
    }
  }
  const values = {};
  for (const k of attributes) {
    if (!ONNX_ATTRIBUTES.includes(k.name)) fail(`ConvTranspose has no attribute ${k.name} (its attributes: ${ONNX_ATTRIBUTES.join(', ')})`);
    values[k.name] = k.value;
  }
  const lists = {};
  for (const key of ['kernel_shape', 'strides', 'dilations', 'output_padding', 'output_shape', 'pads']) {
    if (values[key]) lists[key] = R.ints(values[key], key, key === 'pads' || key === 'output_padding' ? 0 : 1);
  }
  const ranks = Object.entries(lists).map(([key, v]) => [key, key === 'pads' ? v.length / 2 : v.length]);
  const rank = ranks.length ? ranks[0][1] : null;
  for (const [key, r] of ranks) {
    if (![1, 2, 3].includes(r)) fail(`${key} is ${R.text(values[key])} but must have ${key === 'pads' ? '2, 4 or 6' : '1, 2 or 3'} entries (${key === 'pads' ? 'a start and an end per axis' : 'one per axis'})`);
    if (r !== rank) fail(`${key} is ${R.text(values[key])}, which is ${r}-D, but ${ranks[0][0]} is ${rank}-D`);
  }
  const config = {};
  if (rank !== null) config.rank = rank;
  else notes.push('no attribute gives the number of axes: the current rank is kept');
  const names = axisNames(rank ?? 2);
  if (lists.kernel_shape) config.kernel = lists.kernel_shape;
  if (lists.strides) config.stride = lists.strides;
  if (lists.dilations) config.dilation = lists.dilations;
  if (lists.output_padding) config.outputPadding = lists.output_padding;
  if (values.group) config.groups = R.int(values.group, 'group', 1);
  const autoPad = values.auto_pad ? R.str(values.auto_pad, 'auto_pad') : 'NOTSET';
  if (!['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'].includes(autoPad)) fail(`auto_pad is ${R.text(values.auto_pad)} but must be NOTSET, SAME_UPPER, SAME_LOWER or VALID`);
  if (lists.pads && autoPad !== 'NOTSET') fail(`pads and auto_pad ${autoPad} are both given, which ONNX refuses (pads is only for auto_pad NOTSET)`);
  if (lists.output_shape) {
    config.outputSize = lists.output_shape;
    // output_shape takes precedence: ONNX computes the pads (⌊total/2⌋ at the start for SAME_UPPER, the larger
    // half otherwise), ignoring pads.
    config.padding = autoPad === 'SAME_UPPER' ? 'same' : 'same_lower';
    notes.push(`output_shape ${lists.output_shape.join(' × ')} takes precedence over pads: ONNX computes the crop from it, total = full − output_shape, with ${autoPad === 'SAME_UPPER' ? '⌊total/2⌋' : 'the larger half'} at the start (auto_pad ${autoPad})`);
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    config.padding = autoPad === 'SAME_UPPER' ? 'same' : 'same_lower';
  } else if (autoPad === 'VALID') {
    config.padding = 'valid';
  } else if (lists.pads) {
    const r = lists.pads.length / 2;
    config.padding = Array.from({ length: r }, (_, a) => [lists.pads[a], lists.pads[a + r]]);
    notes.push(`pads lists every axis's start, then every axis's end: ${config.padding.map((p, a) => `${axisNames(r)[a]} [${p.join(', ')}]`).join(', ')}`);
  }
  if (bias !== undefined) config.bias = bias;
  notes.push('the channels come from the weight W, which the attributes do not show: the current ones are kept');
  checkOutputPadding(config, names);
  return { framework: 'onnx', config, notes };
}

/** text -> {framework, call, config, notes} | {error}. Never throws, never evaluates. */
export function importLayer(text) {
  try {
    if (typeof text !== 'string') return { error: `the import text must be a string, not ${text === null ? 'null' : typeof text}` };
    if (text.length > MAX_IMPORT_LENGTH) return { error: `the text is ${text.length} characters long; a layer call fits in ${MAX_IMPORT_LENGTH}` };
    const { top, src } = parser(text, tokenize(text));
    const parsed = top();
    const R = reader(src);
    const match = parsed.kind === 'call' ? CALLS.map((c) => ({ ...c, m: c.re.exec(parsed.name) })).find((c) => c.m) : null;
    if (parsed.kind === 'call' && !match) return { error: `${clip(parsed.name)} is not a transposed convolution; the import box takes ${ACCEPTED}` };
    if (parsed.trailing) return { error: parsed.trailing };
    if (parsed.kind === 'keywords') return { call: 'ConvTranspose', ...onnx(null, parsed.value, R) };
    if (parsed.kind === 'dict') {
      const keywords = parsed.value.entries.map(([key, value]) => {
        if (key.type !== 'str') fail(`the dict key ${R.text(key)} must be a string naming a ConvTranspose attribute`);
        return { name: key.value, value };
      });
      return { call: 'ConvTranspose', ...onnx(null, { positional: [], keywords }, R) };
    }
    const rank = match.m[1] ? Number(match.m[1]) : null;
    const handlers = {
      'pytorch-module': () => pytorchModule(parsed.name, rank, parsed.args, R),
      'pytorch-function': () => pytorchFunction(parsed.name, rank, parsed.args, R),
      keras: () => keras(parsed.name, rank, parsed.args, R),
      'tf-nn': () => tfNn(parsed.name, rank, parsed.args, R),
      'onnx-node': () => onnx(parsed.name, parsed.args, R),
    };
    const result = handlers[match.kind]();
    return { call: match.kind === 'onnx-node' ? 'ConvTranspose' : parsed.name, ...result };
  } catch (e) {
    if (e instanceof ImportError) return { error: e.message };
    return { error: `the text could not be read (${e?.message ?? e})` };
  }
}
