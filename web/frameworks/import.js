// "Import your layer": a small, strict parser of one transposed-convolution call as people write it in PyTorch,
// Keras / TensorFlow or ONNX, turned into the page's configuration. A tokenizer and a recursive-descent parser of
// Python call syntax (names, numbers, strings, tuples, lists, dicts, True/False/None, keyword arguments); nothing
// is ever evaluated. Every problem is a message naming the argument, its value and the rule; importLayer never
// throws.
//
//   importLayer(text) -> {framework, call, config, notes} | {error}
//
// config holds only what the call says, in layerFromParts' terms: rank, cin, cout, groups, kernel, stride,
// dilation, padding (r [before, after] pairs, or 'same' | 'same_lower' | 'valid'), outputPadding, outputSize, bias
// (true/false), and for some calls batch and in. The rest (e.g. the input channels of a Keras layer) is the page's
// current state; notes say what was interpreted.
import { axisNames, effectiveKernel, kerasAxis } from './layer.js';

export const MAX_IMPORT_LENGTH = 2000;
const MAX_DEPTH = 8;
const MAX_TOKENS = 600;

class ImportError extends Error {}
const fail = (message) => {
  throw new ImportError(message);
};

/** A value echoed in a message, clipped so that pasted junk cannot flood the page. */
function clip(text) {
  const t = String(text).replace(/\s+/g, ' ').trim();
  return t.length > 40 ? `${t.slice(0, 30)}… (${t.length} characters)` : t;
}

// ------------------------------------------------------------------ tokenizer

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', '=', ':', '.', '-', '+']);

function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\\') { i++; continue; }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (tokens.length >= MAX_TOKENS) fail(`the text has more than ${MAX_TOKENS} tokens; paste one layer call`);
    const start = i;
    if (/[bBrR]/.test(c) && (text[i + 1] === '"' || text[i + 1] === "'")) { i++; continue; } // b'SAME_UPPER', r'...'
    if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /\w/.test(text[i])) i++;
      tokens.push({ type: 'name', value: text.slice(start, i), start, end: i });
      continue;
    }
    const num = /^(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/.exec(text.slice(i, i + 40));
    if (/[\d.]/.test(c) && num && num[0] !== '.') {
      i += num[0].length;
      if (i < text.length && /[A-Za-z_]/.test(text[i])) fail(`${JSON.stringify(clip(text.slice(start, i + 1)))} at character ${start + 1} is not a number`);
      const raw = num[0].replace(/_/g, '');
      tokens.push({ type: 'number', value: Number(raw), integer: /^\d+$/.test(raw), start, end: i });
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length || text[i] === '\n') fail(`the string starting at character ${start + 1} is not closed`);
        if (text[i] === c) { i++; break; }
        if (text[i] === '\\' && i + 1 < text.length) { value += text[i + 1]; i += 2; continue; }
        value += text[i++];
      }
      tokens.push({ type: 'string', value, start, end: i });
      continue;
    }
    if (PUNCT.has(c)) {
      tokens.push({ type: c, start, end: i + 1 });
      i++;
      continue;
    }
    if (c === ';' && text.slice(i + 1).trim() === '') { i++; continue; } // a trailing semicolon
    fail(`the character ${JSON.stringify(c)} at character ${start + 1} is not part of a layer call`);
  }
  return tokens;
}

// ------------------------------------------------------------------ parser

const CLOSE = { '(': ')', '[': ']', '{': '}' };

function parser(text, tokens) {
  let pos = 0;
  const peek = (k = 0) => tokens[pos + k];
  const src = (a, b) => text.slice(a, b);
  const where = (t) => (t ? `${JSON.stringify(src(t.start, t.end))} at character ${t.start + 1}` : 'the end of the text');
  const expect = (type, opener) => {
    const t = peek();
    if (!t) fail(opener ? `the text ends before '${type}' closes the '${opener.type}' at character ${opener.start + 1}` : `the text ends where '${type}' was expected`);
    if (t.type !== type) fail(`expected '${type}' but found ${where(t)}${opener ? ` (to close the '${opener.type}' at character ${opener.start + 1})` : ''}`);
    pos++;
    return t;
  };
  const dotted = () => {
    const first = expect('name');
    let name = first.value;
    while (peek()?.type === '.' && peek(1)?.type === 'name') {
      pos++;
      name += `.${tokens[pos++].value}`;
    }
    if (peek()?.type === '.') fail(`expected a name after the '.' at character ${peek().start + 1}`);
    return { name, start: first.start, end: tokens[pos - 1].end };
  };

  function value(depth) {
    if (depth > MAX_DEPTH) fail(`the brackets are nested more than ${MAX_DEPTH} deep`);
    const t = peek();
    if (!t) fail('the text ends where a value was expected');
    if (t.type === 'number') { pos++; return { type: t.integer ? 'int' : 'float', value: t.value, start: t.start, end: t.end }; }
    if ((t.type === '-' || t.type === '+') && peek(1)?.type === 'number') {
      pos += 2;
      const n = tokens[pos - 1];
      return { type: n.integer ? 'int' : 'float', value: t.type === '-' ? -n.value : n.value, start: t.start, end: n.end };
    }
    if (t.type === 'string') {
      pos++;
      // Python joins adjacent string literals
      let v = t.value, end = t.end;
      while (peek()?.type === 'string') { v += peek().value; end = tokens[pos++].end; }
      return { type: 'str', value: v, start: t.start, end };
    }
    if (t.type === 'name') {
      const d = dotted();
      if (d.name === 'True' || d.name === 'False') return { type: 'bool', value: d.name === 'True', start: d.start, end: d.end };
      if (d.name === 'None') return { type: 'none', value: null, start: d.start, end: d.end };
      if (peek()?.type === '(') {
        const args = callArgs(depth + 1);
        return { type: 'call', name: d.name, args, start: d.start, end: tokens[pos - 1].end };
      }
      return { type: 'name', value: d.name, start: d.start, end: d.end };
    }
    if (t.type === '(' || t.type === '[') {
      pos++;
      const items = [];
      let comma = false;
      while (peek() && peek().type !== CLOSE[t.type]) {
        items.push(value(depth + 1));
        if (peek()?.type === ',') { pos++; comma = true; } else break;
      }
      expect(CLOSE[t.type], t);
      const end = tokens[pos - 1].end;
      // (3) is a parenthesized number, (3,) a tuple
      if (t.type === '(' && items.length === 1 && !comma) return { ...items[0], start: t.start, end };
      return { type: t.type === '(' ? 'tuple' : 'list', items, start: t.start, end };
    }
    if (t.type === '{') {
      pos++;
      const entries = [];
      while (peek() && peek().type !== '}') {
        const key = value(depth + 1);
        expect(':');
        entries.push([key, value(depth + 1)]);
        if (peek()?.type === ',') pos++; else break;
      }
      expect('}', t);
      return { type: 'dict', entries, start: t.start, end: tokens[pos - 1].end };
    }
    fail(`expected a value but found ${where(t)}`);
  }

  function callArgs(depth) {
    const open = expect('(');
    const positional = [], keywords = [];
    while (peek() && peek().type !== ')') {
      if (peek().type === 'name' && peek(1)?.type === '=') {
        const key = tokens[pos];
        pos += 2;
        if (keywords.some(([k]) => k.value === key.value)) fail(`the argument ${key.value} is given twice`);
        keywords.push([key, value(depth)]);
      } else {
        if (keywords.length) fail(`a positional argument (${where(peek())}) follows keyword arguments`);
        positional.push(value(depth));
      }
      if (peek()?.type === ',') pos++; else break;
    }
    expect(')', open);
    return { positional, keywords: keywords.map(([k, v]) => ({ name: k.value, value: v, start: k.start })) };
  }

  /** The whole text: a call (optionally assigned: `up = nn.ConvTranspose2d(...)`), keyword pairs, or a dict. */
  function top() {
    if (!tokens.length) fail('the text is empty: paste a layer call such as nn.ConvTranspose2d(16, 8, 4, stride=2)');
    let result;
    const t = peek();
    if (t.type === '{') {
      result = { kind: 'dict', value: value(0) };
    } else if (t.type === 'name') {
      // `target = call(...)`: skip the target
      let k = 1;
      while (peek(k)?.type === '.' && peek(k + 1)?.type === 'name') k += 2;
      const afterTarget = peek(k);
      if (afterTarget?.type === '=' && peek(k + 1)?.type === 'name') {
        let j = k + 2;
        while (peek(j)?.type === '.' && peek(j + 1)?.type === 'name') j += 2;
        if (peek(j)?.type === '(') pos += k + 1;
      }
      if (peek().type === 'name' && peek(1)?.type === '=') {
        result = { kind: 'keywords', value: callArgsBare() };
      } else {
        const d = dotted();
        if (peek()?.type !== '(') fail(`${JSON.stringify(d.name)} is not a call: paste the whole call, e.g. ${d.name}(...)`);
        result = { kind: 'call', name: d.name, args: callArgs(0), start: d.start };
      }
    } else {
      fail(`the text starts with ${where(t)}; paste a layer call such as nn.ConvTranspose2d(16, 8, 4, stride=2)`);
    }
    if (pos < tokens.length) result.trailing = `unexpected ${where(peek())} after the ${result.kind === 'call' ? 'call' : 'attributes'}: paste one call`;
    return result;
  }

  /** name=value pairs without parentheses (an ONNX attribute list), separated by commas or new lines. */
  function callArgsBare() {
    const keywords = [];
    while (peek()) {
      const key = expect('name');
      expect('=');
      if (keywords.some((k) => k.name === key.value)) fail(`the attribute ${key.value} is given twice`);
      keywords.push({ name: key.value, value: value(0), start: key.start });
      if (peek()?.type === ',') pos++;
    }
    return { positional: [], keywords };
  }

  return { top, src };
}

// ------------------------------------------------------------------ reading values

function reader(src) {
  const text = (v) => clip(src(v.start, v.end));
  const int = (v, name, min) => {
    if (v.type !== 'int') fail(`${name} is ${text(v)} but must be a whole number`);
    if (v.value < min) fail(`${name} is ${text(v)} but must be at least ${min}`);
    if (v.value > 4096) fail(`${name} is ${text(v)} but must be at most 4096`);
    return v.value;
  };
  /** An int (every axis) or a tuple/list of r ints. */
  const perAxis = (v, name, rank, min) => {
    if (v.type === 'int') return new Array(rank).fill(int(v, name, min));
    if (v.type === 'tuple' || v.type === 'list') {
      if (v.items.length !== rank) fail(`${name} is ${text(v)} but must be one number or ${rank} (${axisNames(rank).join(', ')})`);
      return v.items.map((item, a) => int(item, `${name} (${axisNames(rank)[a]})`, min));
    }
    fail(`${name} is ${text(v)} but must be a whole number or ${rank} of them`);
  };
  const ints = (v, name, min) => {
    if (v.type !== 'tuple' && v.type !== 'list') fail(`${name} is ${text(v)} but must be a list of whole numbers`);
    return v.items.map((item, i) => int(item, `${name}[${i}]`, min));
  };
  const bool = (v, name) => {
    if (v.type !== 'bool') fail(`${name} is ${text(v)} but must be True or False`);
    return v.value;
  };
  const str = (v, name) => {
    if (v.type !== 'str') fail(`${name} is ${text(v)} but must be a string`);
    return v.value;
  };
  return { text, int, perAxis, ints, bool, str };
}

/** Binds positional and keyword arguments to a signature; unknown or repeated arguments are errors. */
function bind(call, args, signature, { maxPositional = signature.length, extra = [] } = {}) {
  const bound = {};
  if (args.positional.length > maxPositional) {
    fail(`${call} takes at most ${maxPositional} positional arguments (${signature.slice(0, maxPositional).join(', ')}) but was given ${args.positional.length}`);
  }
  args.positional.forEach((v, i) => { bound[signature[i]] = v; });
  for (const { name, value } of args.keywords) {
    if (!signature.includes(name) && !extra.includes(name)) {
      fail(`${call} has no argument ${name} (its arguments: ${[...signature, ...extra].join(', ')})`);
    }
    if (bound[name] !== undefined) fail(`${call}: ${name} is given twice (by position and by name)`);
    bound[name] = value;
  }
  return bound;
}

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
