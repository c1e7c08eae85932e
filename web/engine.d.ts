// Type declarations of web/engine.js, the JavaScript API of the tconv engine (transposed convolution in 1-D, 2-D and
// 3-D, exact to PyTorch, with the padding vocabulary of ONNX and TensorFlow).

/** A tensor: row-major data and its shape. On input, data may also be a plain array of numbers. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** What the API accepts as a tensor argument. */
export interface TensorInput {
  shape: number[];
  data: Float32Array | ArrayLike<number>;
}

/** One value for every spatial axis, or one per axis ([length], [height, width] or [depth, height, width]). */
export type PerAxis = number | number[];

/** One axis's crop of the full result: a number for both sides, or [before, after]. */
export type AxisPadding = number | [number, number];

/**
 * PyTorch's symmetric padding (a number or one per axis), ONNX's pads and TensorFlow's explicit padding (a
 * [before, after] pair per axis), or a mode: 'same' (ONNX SAME_UPPER, TensorFlow SAME), 'same_lower', 'valid'.
 */
export type Padding = AxisPadding | AxisPadding[] | 'same' | 'same_lower' | 'valid';

/** The four methods; 'direct' is still accepted as the old spelling of 'padded_direct'. */
export type Method = 'matrix' | 'scatter' | 'padded_direct' | 'fast';

export interface ConvTransposeOptions {
  stride?: PerAxis;
  padding?: Padding;
  outputPadding?: PerAxis;
  /** PyTorch's spelling of outputPadding. */
  output_padding?: PerAxis;
  /** r output sizes (one per spatial axis), or the whole output shape. */
  outputSize?: number[];
  /** PyTorch's spelling of outputSize. */
  output_size?: number[];
  dilation?: PerAxis;
  groups?: number;
  /** [Cout] values added to every output cell of their channel. */
  bias?: TensorInput | Float32Array | number[];
  method?: Method | 'direct';
}

export interface ConvOptions {
  stride?: PerAxis;
  padding?: PerAxis;
  dilation?: PerAxis;
  groups?: number;
  bias?: TensorInput | Float32Array | number[];
}

export interface Limits {
  maxExtent: number;
  maxElements: number;
  maxMultiplyAdds: number;
  maxMatrixNonzeros: number;
}

/** The resolved configuration, per spatial axis. */
export interface Geometry {
  shape: number[];
  rank: 1 | 2 | 3;
  /** Cells cropped from the start and the end of the full result; a negative `after` extends the output. */
  padding: { before: number[]; after: number[] };
  /** The output_padding in force (picked by output_size when that is given). */
  outputPadding: number[];
  /** (in − 1)·s + d·(k − 1) + 1 + output_padding: the uncropped scatter result. */
  full: number[];
}

export interface Term {
  x: number;
  w: number;
  product: number;
  /** Index into the input ([n, ci, spatial...]; without n when unbatched). */
  input: number[];
  /** Index into the weight [ci, coLocal, k...]. */
  weight: number[];
}

export interface Explanation {
  /** The sum of the products, plus the bias if one is given. */
  value: number;
  terms: Term[];
  bias?: { value: number; index: [number] };
}

export interface MatrixEntries {
  rows: number;
  cols: number;
  row: Int32Array;
  col: Int32Array;
  weightIndex: Int32Array;
}

export interface Scatter {
  /** The sum of the stamps, uncropped (no bias). */
  canvas: Tensor;
  /** Where the output sits in the canvas, per axis; top/left/height/width too in 2-D. */
  window: { start: number[]; size: number[]; top?: number; left?: number; height?: number; width?: number };
  /** Taps landing on each canvas cell (spatial shape only). */
  overlap: { shape: number[]; data: Int32Array };
  /** The bias [Cout], drawn as the last layer, or null. */
  bias: Tensor | null;
}

export interface PaddedDirect {
  padded: Tensor;
  rotatedKernel: Tensor;
  /** Zero padding per side of the zero-inserted input (negative: a crop); top/bottom/left/right too in 2-D. */
  padding: { before: number[]; after: number[]; top?: number; bottom?: number; left?: number; right?: number };
  /** Per axis, what each padded cell holds: an input index, −1 an inserted zero, −2 padding. */
  sources: Int32Array[];
  rowSource?: Int32Array;
  colSource?: Int32Array;
  bias: Tensor | null;
}

export interface InfluenceQuery {
  tensor: 'x' | 'w' | 'y';
  index: number[];
}

/** Connection j joins input x[j] and output y[j] through tap w[j]. */
export interface Influence {
  x: number[][];
  w: number[][];
  y: number[][];
}

export interface SubpixelPhase {
  residue: number[];
  /** The phase's first output index and its output count, per axis (outputs first + t·stride). */
  first: number[];
  count: number[];
  /** Kernel indices that reach the phase, per axis. */
  taps: number[][];
  /** The input index each tap reads for the phase's first output, per axis. */
  inputStart: number[][];
  tapCounts: number[];
  /** The sub-kernel [Cin, Cout/groups, taps per axis]. */
  kernel: Tensor;
  /** The phase's dense stride-1 output (bias included); interleaved, the phases are the output. */
  output: Tensor;
}

export interface Subpixel {
  stride: number[];
  phases: SubpixelPhase[];
  bias: Tensor | null;
}

/** A rejected input: message for people, parameter and axis for the control that should show it. */
export declare class EngineError extends Error {
  constructor(message: string, parameter?: string, axis?: string);
  readonly parameter: string;
  /** 'length' (1-D), 'depth', 'height', 'width' or ''. */
  readonly axis: string;
}

export declare const METHODS: readonly Method[];
export declare const OPTION_NAMES: readonly string[];
export declare function axisNames(rank: 1 | 2 | 3): string[];

export interface Engine {
  readonly limits: Limits;
  readonly methods: readonly Method[];
  outputShape(inputShape: number[], weightShape: number[], options?: ConvTransposeOptions): number[];
  geometry(inputShape: number[], weightShape: number[], options?: ConvTransposeOptions): Geometry;
  /** conv_transpose1d/2d/3d: weight [Cin, Cout/groups, k...], input [N, Cin, spatial...] or unbatched. */
  convTranspose(input: TensorInput, weight: TensorInput, options?: ConvTransposeOptions): Tensor;
  /** The 2-D name of convTranspose. */
  convTranspose2d(input: TensorInput, weight: TensorInput, options?: ConvTransposeOptions): Tensor;
  conv2d(input: TensorInput, weight: TensorInput, options?: ConvOptions): Tensor;
  conv2dInputGrad(inputShape: number[], weight: TensorInput, gradOutput: TensorInput, options?: ConvOptions): Tensor;
  explain(input: TensorInput, weight: TensorInput, options: ConvTransposeOptions | undefined, cell: number[]): Explanation;
  matrix(inputShape: number[], weightShape: number[], options?: ConvTransposeOptions): MatrixEntries;
  scatter(input: TensorInput, weight: TensorInput, options?: ConvTransposeOptions): Scatter;
  paddedDirect(input: TensorInput, weight: TensorInput, options?: ConvTransposeOptions): PaddedDirect;
  influence(inputShape: number[], weightShape: number[], options: ConvTransposeOptions | undefined, query: InfluenceQuery): Influence;
  subpixel(input: TensorInput, weight: TensorInput, options?: ConvTransposeOptions): Subpixel;
}

/** Loads the wasm (in Node, from the file beside engine.js) and returns the engine. */
export declare function createEngine(): Promise<Engine>;
export default createEngine;
