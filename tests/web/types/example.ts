// Type-checked by tests/web/package.test.mjs (tsc --noEmit) against the package's engine.d.ts: every call of the API
// with the option forms the README shows, plus calls that must not type-check (marked @ts-expect-error).
import { createEngine, EngineError, type Engine, type Tensor } from 'tconv';

async function main(): Promise<void> {
  const engine: Engine = await createEngine();
  const x = { shape: [1, 1, 4], data: [1, 2, 3, 4] };
  const w = { shape: [1, 2, 3], data: new Float32Array(6).fill(1) };
  const y: Tensor = engine.convTranspose(x, w, { stride: 2, padding: 'same', bias: [0.5, -0.5] });
  const pairs: Tensor = engine.convTranspose(x, w, { padding: [[1, 0]], outputSize: [8], method: 'padded_direct' });
  const shape: number[] = engine.outputShape([1, 1, 4], [1, 2, 3], { stride: 2, output_size: [9] });
  const g = engine.geometry([1, 1, 4], [1, 2, 3], { padding: 'same_lower', stride: 3 });
  const before: number = g.padding.before[0] + g.full[0];
  const e = engine.explain(x, w, { bias: [1, 2] }, [0, 1, 2]);
  const biasValue: number | undefined = e.bias?.value;
  const links = engine.influence([1, 1, 4], [1, 2, 3], {}, { tensor: 'y', index: [0, 0, 1] });
  const firstInput: number[] = links.x[0];
  const phases = engine.subpixel(x, w, { stride: 2 });
  const taps: number = phases.phases[0].tapCounts[0];
  const s = engine.scatter(x, w, {});
  const window: number[] = s.window.start;
  const d = engine.paddedDirect(x, w, {});
  const sources: Int32Array = d.sources[0];
  const m = engine.matrix([1, 1, 4], [1, 2, 3], {});
  const rows: number = m.rows;
  const two = engine.convTranspose2d({ shape: [1, 1, 2, 2], data: [1, 2, 3, 4] }, { shape: [1, 1, 2, 2], data: [1, 1, 1, 1] });
  const c = engine.conv2d(two, { shape: [1, 1, 2, 2], data: [1, 1, 1, 1] }, { stride: 1, bias: [1] });
  // @ts-expect-error: a method name that does not exist
  engine.convTranspose(x, w, { method: 'im2col' });
  // @ts-expect-error: padding strings are 'same', 'same_lower' or 'valid'
  engine.convTranspose(x, w, { padding: 'full' });
  try {
    engine.convTranspose(x, w, { stride: 0 });
  } catch (error) {
    if (error instanceof EngineError) console.log(error.parameter, error.axis);
  }
  console.log(y.shape, pairs.shape, shape, before, biasValue, firstInput, taps, window, sources, rows, c.shape);
}

void main();
