// The attainable single-thread wasm SIMD128 multiply-add rate of this machine, for scripts/bench.mjs: twelve
// independent f32x4 multiply-then-add chains (wasm has no fused multiply-add, and neither does the fast method's
// micro-kernel), so the loop is bound by the SIMD units, not by latency or memory. Built by CMake as a standalone
// module with no imports.
#include <wasm_simd128.h>

extern "C" {

/// Runs `iterations` rounds of 12 × 4 multiply-adds (96 floating-point operations) and returns a lane of the sum, so
/// that the work cannot be optimised away. GFLOP/s = 96 · iterations / seconds / 1e9.
__attribute__((used, visibility("default"))) float peak(int iterations) {
    const v128_t m = wasm_f32x4_splat(0.9999999f), c = wasm_f32x4_splat(1e-7f);
    v128_t a0 = wasm_f32x4_splat(0.1f), a1 = wasm_f32x4_splat(0.2f), a2 = wasm_f32x4_splat(0.3f);
    v128_t a3 = wasm_f32x4_splat(0.4f), a4 = wasm_f32x4_splat(0.5f), a5 = wasm_f32x4_splat(0.6f);
    v128_t a6 = wasm_f32x4_splat(0.7f), a7 = wasm_f32x4_splat(0.8f), a8 = wasm_f32x4_splat(0.9f);
    v128_t a9 = wasm_f32x4_splat(1.0f), a10 = wasm_f32x4_splat(1.1f), a11 = wasm_f32x4_splat(1.2f);
    for (int i = 0; i < iterations; ++i) {
        a0 = wasm_f32x4_add(wasm_f32x4_mul(a0, m), c);
        a1 = wasm_f32x4_add(wasm_f32x4_mul(a1, m), c);
        a2 = wasm_f32x4_add(wasm_f32x4_mul(a2, m), c);
        a3 = wasm_f32x4_add(wasm_f32x4_mul(a3, m), c);
        a4 = wasm_f32x4_add(wasm_f32x4_mul(a4, m), c);
        a5 = wasm_f32x4_add(wasm_f32x4_mul(a5, m), c);
        a6 = wasm_f32x4_add(wasm_f32x4_mul(a6, m), c);
        a7 = wasm_f32x4_add(wasm_f32x4_mul(a7, m), c);
        a8 = wasm_f32x4_add(wasm_f32x4_mul(a8, m), c);
        a9 = wasm_f32x4_add(wasm_f32x4_mul(a9, m), c);
        a10 = wasm_f32x4_add(wasm_f32x4_mul(a10, m), c);
        a11 = wasm_f32x4_add(wasm_f32x4_mul(a11, m), c);
    }
    const v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)),
                                                   wasm_f32x4_add(wasm_f32x4_add(a4, a5), wasm_f32x4_add(a6, a7))),
                                    wasm_f32x4_add(wasm_f32x4_add(a8, a9), wasm_f32x4_add(a10, a11)));
    return wasm_f32x4_extract_lane(s, 0);
}
}
