// ONNX: one ConvTranspose node. ONNX keeps PyTorch's layouts (X [N, C_in, ...], W [C_in, C_out/group, k...],
// no flip) and has group, output_padding and per-side pads, so most states are one node. The choices:
//   - output_size: ONNX's output_shape, when the runtime's own split of the crop gives this layer's pads
//     (output_shape takes precedence over pads: the pads are then computed, ⌊total/2⌋ at the start for SAME_UPPER,
//     the larger half for NOTSET and SAME_LOWER); otherwise explicit pads;
//   - 'same' / 'same_lower': auto_pad SAME_UPPER / SAME_LOWER, unless the kernel's span is shorter than the stride:
//     the spec (and TensorFlow) extend the output to in·stride there, onnxruntime does not, so pads + output_padding;
//   - 'valid': auto_pad VALID;
//   - pads cannot be negative: an extension at the end is output_padding when that stays below max(stride,
//     dilation) (onnxruntime's rule), else zeros after the node (the bias added after them).
import { assertLayer, axes, axisNames, axisLetters } from './layer.js';
import { header, layerTensors, printLines, pyList, pySlice, pyString } from './python.js';

export const OPSET = 17;

/** onnxruntime's crop at the start for a total crop (clamped at 0: a negative total extends the end). */
export function runtimeStart(total, autoPad) {
  const t = Math.max(0, total);
  return autoPad === 'SAME_UPPER' ? Math.floor(t / 2) : Math.ceil(t / 2);
}

export function plan(layer) {
  assertLayer(layer);
  const r = layer.rank;
  const names = axisNames(r);
  const ax = axes(layer);
  const warnings = [];
  const notes = [];
  const attributes = {
    kernel_shape: layer.weightShape.slice(2),
    strides: layer.stride.slice(),
    dilations: layer.dilation.slice(),
    group: layer.groups,
  };
  const autoPadOf = { same: 'SAME_UPPER', same_lower: 'SAME_LOWER' };
  // onnxruntime also checks that its forward convolution maps the output back to the input, which refuses an
  // output_padding at or above the stride even where it is below the dilation.
  const opBelowStride = ax.every((x) => x.op < x.s);
  const withOutputPadding = () => {
    if (layer.outputPadding.some((o) => o > 0)) attributes.output_padding = layer.outputPadding.slice();
  };
  const cropText = ax.map((x, a) => `${names[a]} [${x.before}, ${x.after}]`).join(', ');
  const post = [];
  let done = false;

  if (layer.outputSize && opBelowStride) {
    const autoPad = autoPadOf[layer.paddingMode] ?? 'NOTSET';
    if (ax.every((x, a) => runtimeStart(x.full - layer.outputSize[a], autoPad) === x.before)) {
      attributes.output_shape = layer.outputSize.slice();
      withOutputPadding();
      if (autoPad !== 'NOTSET') attributes.auto_pad = autoPad;
      notes.push(`output_shape ${pyList(layer.outputSize)} is given, so ONNX computes the pads from it (${autoPad === 'SAME_UPPER' ? 'the smaller half at the start' : 'the larger half at the start'}) and would ignore a pads attribute`);
      done = true;
    } else {
      const splits = ax.map((x, a) => {
        const start = runtimeStart(x.full - layer.outputSize[a], autoPad);
        return `[${start}, ${x.full - layer.outputSize[a] - start}]`;
      });
      warnings.push(`output_size ${pyList(layer.outputSize)}: ONNX's output_shape takes precedence over pads and splits the crop itself (auto_pad ${autoPad}: ${splits.join(', ')}), which is not this layer's ${cropText}, so the node gives explicit pads instead`);
    }
  }
  if (!done && !layer.outputSize && opBelowStride && autoPadOf[layer.paddingMode]) {
    const autoPad = autoPadOf[layer.paddingMode];
    const short = ax.map((x, a) => (x.full - x.n * x.s < 0 ? a : -1)).filter((a) => a >= 0);
    if (!short.length) {
      attributes.auto_pad = autoPad;
      withOutputPadding();
      done = true;
    } else {
      const which = short.map((a) => `${names[a]}: span ${ax[a].kEff + ax[a].op} < stride ${ax[a].s}`).join(', ');
      warnings.push(`padding '${layer.paddingMode}' with the kernel's span shorter than the stride (${which}): the ONNX spec and TensorFlow extend the output to in·stride, but onnxruntime gives the uncropped ${ax.map((x) => x.full).join(' × ')}, so the node writes the extension as output_padding instead of auto_pad=${autoPad}`);
    }
  }
  if (!done && opBelowStride && layer.paddingMode === 'valid' && ax.every((x) => x.before === 0 && x.after === 0)) {
    attributes.auto_pad = 'VALID';
    withOutputPadding();
    done = true;
  }
  if (!done) {
    // Per axis: output = full0[before : full0 + op − after] (zero-extended), written with pads ≥ 0 and an
    // output_padding below the stride; what is left is zeros after the node.
    const op = [], start = [], end = [], padEnd = [];
    for (const x of ax) {
      const ext = x.op - x.after; // cells past the last stamp (negative: cropped)
      if (x.after >= 0 && x.op < x.s) { op.push(x.op); end.push(x.after); padEnd.push(0); }
      else if (ext <= 0) { op.push(0); end.push(-ext); padEnd.push(0); }
      else if (ext < x.s) { op.push(ext); end.push(0); padEnd.push(0); }
      else { op.push(x.s - 1); end.push(0); padEnd.push(ext - (x.s - 1)); }
      start.push(x.before);
      const a = op.length - 1;
      if (x.full0 + op[a] - start[a] - end[a] < 1) {
        // The crop starts past the node's last cell (the output is only the extension): the node crops nothing
        // there, the zeros and the crop come after it.
        start[a] = 0; end[a] = 0; op[a] = 0; padEnd[a] = x.before + x.out - x.full0;
      }
    }
    // ONNX pads list every axis's start, then every axis's end.
    attributes.pads = [...start, ...end];
    if (op.some((o) => o > 0)) attributes.output_padding = op;
    const big = ax.map((x, a) => (x.op >= x.s ? a : -1)).filter((a) => a >= 0);
    if (big.length) {
      warnings.push(`output_padding ${big.map((a) => `${names[a]} ${ax[a].op}`).join(', ')} is not below the stride (${big.map((a) => ax[a].s).join(', ')}): onnxruntime refuses it, since its forward convolution would not map the output back to the input, so the node gives output_padding ${pyList(op)} with pads ${pyList(attributes.pads)}${padEnd.some((e) => e > 0) ? ' and the code adds the rest as zeros after it' : ''}`);
    } else if (op.some((o, a) => o !== ax[a].op)) {
      notes.push(`The extension at the end is written as output_padding ${pyList(op)} (pads cannot be negative): the same zeros, and the bias lands on them`);
    }
    if (padEnd.some((e) => e > 0)) {
      post.push({ op: 'pad', end: padEnd });
      if (ax.some((x, a) => start[a] !== x.before)) post.push({ op: 'slice', start: ax.map((x, a) => x.before - start[a]), size: ax.map((x) => x.out) });
      if (!big.length) warnings.push(`an extension of ${padEnd.join(', ')} at the end: ONNX pads cannot be negative and output_padding must stay below the stride, so the code pads zeros after the node and adds the bias after them`);
    }
  }
  const biasInNode = Boolean(layer.bias) && !post.length;
  if (layer.bias && !biasInNode) post.push({ op: 'bias' });
  return {
    opset: OPSET,
    op: 'ConvTranspose',
    inputs: biasInNode ? ['x', 'w', 'b'] : ['x', 'w'],
    inputShape: layer.inputShape.slice(),
    weightShape: layer.weightShape.slice(),
    attributes,
    post,
    notes,
    warnings,
  };
}

const ATTRIBUTE_ORDER = ['kernel_shape', 'strides', 'pads', 'auto_pad', 'output_padding', 'output_shape', 'dilations', 'group'];

/** The attribute list as Python keyword arguments, in a fixed order. */
export function attributeText(attributes) {
  return ATTRIBUTE_ORDER.filter((k) => attributes[k] !== undefined)
    .map((k) => `${k}=${typeof attributes[k] === 'string' ? pyString(attributes[k]) : Array.isArray(attributes[k]) ? pyList(attributes[k]) : attributes[k]}`)
    .join(', ');
}

export function translate(layer, { link = '' } = {}) {
  const p = plan(layer);
  const r = layer.rank;
  const L = axisLetters(r);
  const t = layerTensors(layer, 'np');
  const lines = [header(layer, 'ONNX', link)];
  for (const w of p.warnings) lines.push(`# Note: ${w}.`);
  lines.push('import numpy as np', 'import onnx', 'from onnx import TensorProto, helper, numpy_helper', 'import onnxruntime as ort', '');
  if (t.randDef) lines.push('', t.randDef, '', '');
  lines.push(...t.lines, '');
  for (const n of p.notes) lines.push(`# ${n}.`);
  lines.push(
    `# ONNX keeps PyTorch's layouts: X [N, C_in, ${L.join(', ')}], W [C_in, C_out/group, ${L.map((l) => `k${l}`).join(', ')}]; no permutation, no flip.`,
  );
  if (p.attributes.pads) lines.push(`# pads lists the crop at the start of every axis, then at the end: ${pyList(p.attributes.pads)}.`);
  lines.push(
    'node = helper.make_node(',
    `    'ConvTranspose', ${pyList(p.inputs.map((n) => `'${n}'`))}, ['y'],`,
    `    ${attributeText(p.attributes)})`,
    'graph = helper.make_graph(',
    "    [node], 'conv_transpose',",
    "    [helper.make_tensor_value_info('x', TensorProto.FLOAT, list(x.shape))],",
    "    [helper.make_tensor_value_info('y', TensorProto.FLOAT, None)],",
    `    initializer=[numpy_helper.from_array(w, 'w')${p.inputs.includes('b') ? ", numpy_helper.from_array(b, 'b')" : ''}])`,
    `model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', ${p.opset})])`,
    'model.ir_version = 8  # opset 17, readable by onnxruntime 1.14 and later',
    'onnx.checker.check_model(model)',
    "session = ort.InferenceSession(model.SerializeToString(), providers=['CPUExecutionProvider'])",
    "y = session.run(None, {'x': x})[0]",
  );
  for (const step of p.post) {
    if (step.op === 'pad') lines.push(`y = np.pad(y, [(0, 0), (0, 0), ${step.end.map((e) => `(0, ${e})`).join(', ')}])  # zeros at the end`);
    if (step.op === 'slice') lines.push(`y = y[:, :, ${step.start.map((b, a) => pySlice(b, step.size[a])).join(', ')}]  # the crop, start:end per axis`);
    if (step.op === 'bias') lines.push(`y = y + b.reshape(1, -1${', 1'.repeat(r)})  # the bias lands on every output cell`);
  }
  lines.push('', ...printLines(layer), '');
  return { code: lines.join('\n'), plan: p, warnings: p.warnings };
}
