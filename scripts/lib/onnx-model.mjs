// The one ONNX model builder of the project: a one-node model (any operator, here ConvTranspose) written as
// protobuf bytes that onnxruntime (node or web) loads. Only the fields such a model needs are written; the field
// numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto). Used by scripts/bench.mjs and the framework tests.
//
//   oneNodeModel({ op: 'ConvTranspose', inputs: [{name: 'x', shape}], initializers: [{name: 'w', shape, data}],
//                  outputs: [{name: 'y', shape: null}], attributes: {strides: [2, 2], group: 1, auto_pad: 'SAME_UPPER'} })
//   -> Uint8Array (a ModelProto)
//
// Attribute types follow the value: an integer -> INT, an array of integers -> INTS, a string -> STRING, a
// non-integer number -> FLOAT. A node's inputs are the graph inputs then the initializers, in the order given.

function varint(value) {
  if (!Number.isSafeInteger(value)) throw new Error(`protobuf varint: ${value} is not a safe integer`);
  // Negative int64 values are written as their 64-bit two's complement (10 bytes), as protobuf does.
  let v = value < 0 ? BigInt.asUintN(64, BigInt(value)) : BigInt(value);
  const bytes = [];
  while (v >= 0x80n) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
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
  /** 32-bit field (wire type 5), little-endian float */
  float: (field, value) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return concat([varint(field * 8 + 5), b]);
  },
  /** length-delimited field (wire type 2) */
  bytes: (field, bytes) => concat([varint(field * 8 + 2), varint(bytes.length), bytes]),
  string: (field, text) => pb.bytes(field, new TextEncoder().encode(text)),
  message: (field, parts) => pb.bytes(field, concat(parts)),
};

export const ONNX_FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTRIBUTE = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 }; // AttributeProto.AttributeType

function attribute(name, value) {
  // AttributeProto: name = 1, f = 2, i = 3, s = 4, ints = 8, type = 20
  const head = pb.string(1, name);
  if (typeof value === 'string') return pb.message(5, [head, pb.bytes(4, new TextEncoder().encode(value)), pb.int(20, ATTRIBUTE.STRING)]);
  if (Array.isArray(value)) {
    if (!value.every(Number.isInteger)) throw new Error(`attribute ${name}: only integer lists are written, got ${JSON.stringify(value)}`);
    return pb.message(5, [head, ...value.map((v) => pb.int(8, v)), pb.int(20, ATTRIBUTE.INTS)]);
  }
  if (Number.isInteger(value)) return pb.message(5, [head, pb.int(3, value), pb.int(20, ATTRIBUTE.INT)]);
  if (typeof value === 'number') return pb.message(5, [head, pb.float(2, value), pb.int(20, ATTRIBUTE.FLOAT)]);
  throw new Error(`attribute ${name}: cannot write ${JSON.stringify(value)}`);
}

function valueInfo(field, name, shape) {
  // ValueInfoProto{name = 1, type = 2: TypeProto{tensor_type = 1: {elem_type = 1, shape = 2: {dim = 1: {dim_value = 1}}}}}
  const tensorType = [pb.int(1, ONNX_FLOAT)];
  if (shape) tensorType.push(pb.message(2, shape.map((d) => pb.message(1, [pb.int(1, d)]))));
  return pb.message(field, [pb.string(1, name), pb.message(2, [pb.message(1, tensorType)])]);
}

function initializer({ name, shape, data }) {
  const values = Float32Array.from(data);
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`initializer ${name}: ${values.length} values for shape [${shape}]`);
  // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian float32)
  return pb.message(5, [
    ...shape.map((d) => pb.int(1, d)),
    pb.int(2, ONNX_FLOAT),
    pb.string(8, name),
    pb.bytes(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength)),
  ]);
}

/** ModelProto bytes of one node `op` (opset `opset`, IR version 8) reading the inputs and initializers in order. */
export function oneNodeModel({ op, inputs, initializers = [], outputs, attributes = {}, opset = 17, nodeInputs = null }) {
  const names = nodeInputs ?? [...inputs.map((i) => i.name), ...initializers.map((i) => i.name)];
  const node = [
    ...names.map((n) => pb.string(1, n)),
    ...outputs.map((o) => pb.string(2, o.name)),
    pb.string(3, `${op.toLowerCase()}_node`),
    pb.string(4, op),
    ...Object.entries(attributes).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => attribute(k, v)),
  ];
  const graph = [
    pb.message(1, node),
    pb.string(2, `one_${op}`),
    ...initializers.map(initializer),
    ...inputs.map((i) => valueInfo(11, i.name, i.shape)),
    ...outputs.map((o) => valueInfo(12, o.name, o.shape ?? null)),
  ];
  // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 (OperatorSetIdProto: version = 2)
  return concat([pb.int(1, 8), pb.string(2, 'tconv-tests'), pb.message(7, graph), pb.message(8, [pb.int(2, opset)])]);
}

/** The usual case: y = ConvTranspose(x, w[, b]) with the weight (and bias) stored as initializers. */
export function convTransposeModel({ inputShape, weight, bias = null, attributes, outputShape = null, opset = 17 }) {
  const initializers = [{ name: 'w', ...weight }];
  if (bias) initializers.push({ name: 'b', ...bias });
  return oneNodeModel({
    op: 'ConvTranspose',
    inputs: [{ name: 'x', shape: inputShape }],
    initializers,
    outputs: [{ name: 'y', shape: outputShape }],
    attributes,
    opset,
  });
}
