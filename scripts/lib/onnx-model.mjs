// A minimal ONNX model writer: one ConvTranspose node with its weight as an initializer, for scripts/bench.mjs and
// tests/web/frameworks.test.mjs (which runs onnxruntime-web on it). Only the protobuf fields that model needs.

function varint(value) {
  const bytes = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Uint8Array.from(bytes);
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const pb = {
  /** varint field (wire type 0) */
  int: (field, value) => concat([varint(field * 8), varint(value)]),
  /** length-delimited field (wire type 2) */
  bytes: (field, bytes) => concat([varint(field * 8 + 2), varint(bytes.length), bytes]),
  string: (field, text) => pb.bytes(field, new TextEncoder().encode(text)),
  message: (field, parts) => pb.bytes(field, concat(parts)),
};

const ONNX_FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTRIBUTE_INT = 2; // AttributeProto.AttributeType
const ATTRIBUTE_INTS = 7;

function intAttribute(name, value) {
  // AttributeProto: name = 1, i = 3, type = 20
  return pb.message(5, [pb.string(1, name), pb.int(3, value), pb.int(20, ATTRIBUTE_INT)]);
}

function stringAttribute(name, text) {
  // AttributeProto: name = 1, s = 4, type = 20 (STRING = 3)
  return pb.message(5, [pb.string(1, name), pb.string(4, text), pb.int(20, 3)]);
}

function intsAttribute(name, values) {
  // AttributeProto: name = 1, ints = 8, type = 20
  return pb.message(5, [pb.string(1, name), ...values.map((v) => pb.int(8, v)), pb.int(20, ATTRIBUTE_INTS)]);
}

function valueInfo(field, name, shape) {
  // ValueInfoProto{name = 1, type = 2: TypeProto{tensor_type = 1: {elem_type = 1, shape = 2: {dim = 1: {dim_value = 1}}}}}
  // A null shape is left out, so that the runtime infers it (and nothing it declares can disagree).
  const tensorType = [pb.int(1, ONNX_FLOAT)];
  if (shape) tensorType.push(pb.message(2, shape.map((d) => pb.message(1, [pb.int(1, d)]))));
  return pb.message(field, [pb.string(1, name), pb.message(2, [pb.message(1, tensorType)])]);
}

/**
 * ModelProto bytes of y = ConvTranspose(x, w) with w stored as an initializer (so ORT may pre-pack it). attributes:
 * {kernel_shape, strides, pads, dilations, output_padding, output_shape: int lists; group: int; auto_pad: string}.
 */
export function convTransposeModel({ inputShape, weight, outputShape, attributes }) {
  const node = [pb.string(1, 'x'), pb.string(1, 'w'), pb.string(2, 'y'), pb.string(3, 'conv_transpose'), pb.string(4, 'ConvTranspose')];
  for (const [name, value] of Object.entries(attributes)) {
    if (Array.isArray(value)) node.push(intsAttribute(name, value));
    else if (typeof value === 'string') node.push(stringAttribute(name, value));
    else node.push(intAttribute(name, value));
  }
  // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian float32)
  const initializer = [
    ...weight.shape.map((d) => pb.int(1, d)),
    pb.int(2, ONNX_FLOAT),
    pb.string(8, 'w'),
    pb.bytes(9, new Uint8Array(weight.data.buffer, weight.data.byteOffset, weight.data.byteLength)),
  ];
  const graph = [
    pb.message(1, node),
    pb.string(2, 'conv_transpose'),
    pb.message(5, initializer),
    valueInfo(11, 'x', inputShape),
    valueInfo(12, 'y', outputShape),
  ];
  // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 (OperatorSetIdProto: version = 2)
  return concat([pb.int(1, 8), pb.string(2, 'tconv'), pb.message(7, graph), pb.message(8, [pb.int(2, 17)])]);
}
