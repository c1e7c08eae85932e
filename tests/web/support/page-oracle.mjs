// Shared by the browser tests and scripts/soak: an independent check of what the page shows, and Chromium's launch
// arguments (Debian's /usr/bin/chromium; nothing downloads a browser).
export { CHROMIUM_ARGS as LAUNCH_ARGS } from './browser.mjs';

/**
 * result() must equal a fresh engine's computation of state(), by another method (scatter) than the page (fast).
 * Returns the largest difference relative to the output's magnitude.
 */
export async function freshDifference(page) {
  return page.evaluate(async () => {
    const { createEngine } = await import(new URL('engine.js', location.href).href);
    const S = await import(new URL('state.js', location.href).href);
    const { inputShapeOf, weightShapeOf } = await import(new URL('sizes.js', location.href).href);
    window.__freshEngine = window.__freshEngine || await createEngine();
    const engine = window.__freshEngine;
    const st = window.tconv.state();
    const shown = window.tconv.result();
    if (st.cout % st.g !== 0 || st.cin % st.g !== 0) return { invalid: `groups ${st.g} does not divide the channels` };
    const inputShape = inputShapeOf(st);
    const weightShape = weightShapeOf(st);
    const count = (s) => s.reduce((a, b) => a * b, 1);
    const x = S.materialize(st.x, count(inputShape), 'x');
    const w = S.materialize(st.w, count(weightShape), 'w');
    const b = st.b ? S.materialize(st.b, st.cout, 'b') : null;
    if (x.message || w.message || (b && b.message)) return { invalid: `state() is not computable: ${x.message || w.message || b.message}` };
    // The link's layer in the engine's own terms: any rank, padding as given (numbers, per-side pairs or a mode),
    // output_size (the engine picks output_padding unless the state gives a nonzero one), the bias.
    const options = { stride: st.s, padding: st.p, dilation: st.d, groups: st.g, method: 'scatter' };
    if (!st.os || st.op.some((v) => v !== 0)) options.outputPadding = st.op;
    if (st.os) options.outputSize = st.os;
    if (b) options.bias = b.values;
    let fresh;
    try {
      fresh = engine.convTranspose({ shape: inputShape, data: x.values }, { shape: weightShape, data: w.values }, options);
    } catch (e) {
      return { invalid: `state() is invalid for a fresh engine: ${e.message}` };
    }
    if (!shown) return { error: 'result() is null' };
    if (JSON.stringify(shown.shape) !== JSON.stringify(fresh.shape)) return { error: `shape ${shown.shape} vs ${fresh.shape}` };
    let scale = 1;
    for (const v of fresh.data) scale = Math.max(scale, Math.abs(v));
    let diff = 0;
    for (let i = 0; i < fresh.data.length; i += 1) diff = Math.max(diff, Math.abs(fresh.data[i] - shown.data[i]));
    return { relative: diff / scale };
  });
}
