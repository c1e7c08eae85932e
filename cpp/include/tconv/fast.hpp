// The default method for library callers: sub-pixel ("subconvolution") decomposition, as in XNNPACK's
// deconvolution, computed by a register-blocked, SIMD micro-kernel over pre-packed weights. Rank 1, 2 and 3 run the
// same code: a lower rank has unit leading axes, which plan to one phase with one tap.
#pragma once

#include "params.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

/// @file
/// Sub-pixel decomposition (Shi et al. 2016, "Real-time single image and video super-resolution using an efficient
/// sub-pixel convolutional neural network"). Along one axis, output o receives the tap k of input i when
///
///     o = i·s + k·d − before.
///
/// Write o + before = q·s + r with 0 ≤ r < s (r is the output's *phase*). Then tap k contributes to o only if
/// k·d ≡ r (mod s), and it reads input i = q + (r − k·d)/s. So for a fixed phase the contributing taps are fixed,
/// and as q steps by one the input index steps by one: the outputs of one phase form a dense, stride-1
/// cross-correlation of the input with a small sub-kernel (the taps of that phase), with no inserted zeros:
///
///     y[n, co, o0_r + t·s] = Σ_{ci, k in taps(r)} x[n, ci, t + start_k] · w[ci, co, k]
///
/// where o0_r is the phase's first output and start_k the input index read by it. On every axis the phases
/// partition the output, so every output is written exactly once; a phase with no taps (stride larger than the
/// dilated kernel, or an output extended past the full result by "same" padding) is written as zeros. The
/// decomposition holds for every dilation, padding, output_padding and stride; only phases that own at least one
/// output are planned, so a huge stride costs nothing.
///
/// Each phase is computed as a small GEMM, C[co, pixel] = Σ_depth A[co, depth]·B[depth, pixel] with
/// depth = (ci, tap): A is the weights, packed per phase into blocks of 4 output channels; B is never formed
/// (no im2col) — the micro-kernel reads 8 consecutive pixels of the tap's input row straight from a copy of the input.
///
/// Borders: near the edges some taps of a phase read outside the input (t + start_k < 0 or ≥ in). The copy of the
/// input has a zero margin there, so such a tap adds w·0, which is exactly 0 for a finite weight: with finite
/// weights the SIMD tile runs over every tap, branch-free, and the sum is PyTorch's. But PyTorch never forms those
/// products, and for an Inf or NaN weight w·0 is NaN. So when a weight is not finite no outside tap is multiplied:
/// the taps inside the input for one output form a contiguous range (start_k falls as k rises); the phase's
/// interior rows and columns (every tap inside) still run the tile over all taps, edge rows run it over their depth
/// and row taps inside, and edge columns run a one-pixel kernel (vectorised over 4 output channels) over their
/// exact taps.

namespace tconv {

namespace detail {

/// Micro-kernel tile: this many output channels by this many consecutive pixels of one output row of a phase.
constexpr std::int64_t tile_channels = 4;
constexpr std::int64_t tile_pixels = 8;

/// One phase along one axis: the outputs o0, o0 + s, …, o0 + (count − 1)·s and the taps that reach them.
struct AxisPhase {
    std::int64_t first_output = 0;
    std::int64_t count = 0;
    std::int64_t residue = 0;    ///< r = (o0 + before) mod s
    std::int64_t first_tap = 0;  ///< index into AxisPlan::taps / input_start
    std::int64_t tap_count = 0;
    /// The phase's outputs t in [interior_begin, interior_end) read inside the input with every tap; the others
    /// are edge outputs, for which some taps fall outside and are skipped.
    std::int64_t interior_begin = 0;
    std::int64_t interior_end = 0;
};

/// The phases of one axis that own at least one output, and the input range [low, low + size) they read.
struct AxisPlan {
    std::vector<AxisPhase> phases;
    std::vector<std::int64_t> taps;         ///< kernel index k of each tap, grouped by phase, k ascending
    std::vector<std::int64_t> input_start;  ///< input index that tap reads for the phase's first output
    std::int64_t input_size = 0;            ///< the input's extent along this axis
    std::int64_t low = 0;                   ///< first input index of the padded copy (≤ 0)
    std::int64_t size = 0;                  ///< padded extent: every input index any phase reads for its outputs
    /// Scratch of the counting sort, kept so that planning again allocates nothing.
    std::vector<std::int64_t> bucket_end, by_phase;
};

/// A range [begin, end) of a phase's taps (relative to its first_tap).
struct TapSpan {
    std::int64_t begin = 0;
    std::int64_t end = 0;
};

inline std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
    const std::int64_t m = a % b;
    return m < 0 ? m + b : m;
}

/// Plans one axis into `plan` (reusing its storage): the phases that own outputs, their taps, their interiors,
/// and the input range [low, low + size) they read. `before` is the crop at the start (≥ 0); out may exceed the
/// full result (an extension), whose outputs read past the input and get zeros.
inline void plan_axis(AxisPlan& plan, const AxisGeometry& axis) {
    const std::int64_t in = axis.in, out = axis.out(), kernel = axis.kernel, stride = axis.stride,
                       padding = axis.before, dilation = axis.dilation;
    // Bucket the taps by the phase they feed: tap k feeds r = k·d mod s. Stable counting sort, O(s + k), so that a
    // stride of thousands does not cost stride × kernel work. After placing, bucket r is
    // [r == 0 ? 0 : bucket_end[r − 1], bucket_end[r]), with k ascending inside it.
    plan.bucket_end.assign(static_cast<std::size_t>(stride), 0);
    for (std::int64_t k = 0; k < kernel; ++k) ++plan.bucket_end[floor_mod(k * dilation, stride)];
    std::int64_t running = 0;
    for (std::int64_t r = 0; r < stride; ++r) {
        const std::int64_t count = plan.bucket_end[r];
        plan.bucket_end[r] = running;  // the bucket's start for now; each placement below advances it to its end
        running += count;
    }
    plan.by_phase.resize(static_cast<std::size_t>(kernel));
    for (std::int64_t k = 0; k < kernel; ++k) plan.by_phase[plan.bucket_end[floor_mod(k * dilation, stride)]++] = k;

    plan.phases.clear();
    plan.taps.clear();
    plan.input_start.clear();
    plan.input_size = in;
    std::int64_t low = 0, high = in - 1;
    // Only residues of outputs that exist: at most min(stride, out) phases.
    for (std::int64_t first_output = 0; first_output < std::min(stride, out); ++first_output) {
        const std::int64_t r = floor_mod(first_output + padding, stride);
        const std::int64_t q0 = (first_output + padding - r) / stride;  // exact, ≥ 0
        AxisPhase phase;
        phase.first_output = first_output;
        phase.residue = r;
        phase.count = (out - 1 - first_output) / stride + 1;
        phase.first_tap = static_cast<std::int64_t>(plan.taps.size());
        // Output t reads input t + start with each tap: inside for every tap when −start ≤ t < in − start.
        std::int64_t interior_begin = 0, interior_end = phase.count;
        for (std::int64_t b = r == 0 ? 0 : plan.bucket_end[r - 1]; b < plan.bucket_end[r]; ++b) {
            const std::int64_t k = plan.by_phase[b];
            const std::int64_t start = q0 + (r - k * dilation) / stride;  // exact division
            plan.taps.push_back(k);
            plan.input_start.push_back(start);
            low = std::min(low, start);
            high = std::max(high, start + phase.count - 1);
            interior_begin = std::max(interior_begin, -start);
            interior_end = std::min(interior_end, in - start);
        }
        phase.tap_count = static_cast<std::int64_t>(plan.taps.size()) - phase.first_tap;
        phase.interior_begin = std::min(interior_begin, phase.count);
        phase.interior_end = std::max(interior_end, phase.interior_begin);
        plan.phases.push_back(phase);
    }
    plan.low = low;
    plan.size = high - low + 1;
}

/// The taps of `phase` that read inside the input for its output t. Taps are stored with k ascending, so their
/// input index t + start falls as the tap index rises, and those inside [0, input_size) are one contiguous range.
inline TapSpan taps_inside(const AxisPlan& plan, const AxisPhase& phase, std::int64_t t) {
    if (t >= phase.interior_begin && t < phase.interior_end) return {0, phase.tap_count};
    const std::int64_t* start = plan.input_start.data() + phase.first_tap;
    TapSpan span;
    while (span.begin < phase.tap_count && t + start[span.begin] >= plan.input_size) ++span.begin;
    span.end = span.begin;
    while (span.end < phase.tap_count && t + start[span.end] >= 0) ++span.end;
    return span;
}

// Accumulators of the micro-kernels. TileAccumulator: 4 output channels × 8 consecutive pixels, adding
// weights[c] · in[p] per depth step. PixelAccumulator: 4 output channels × 1 pixel, adding in[0] · weights[c].

#ifdef __wasm_simd128__

/// 8 accumulators + 2 input vectors + 1 broadcast weight fit the 16 SIMD registers V8 has on x86-64.
struct TileAccumulator {
    v128_t a00 = wasm_f32x4_splat(0.0f), a01 = a00, a10 = a00, a11 = a00;
    v128_t a20 = a00, a21 = a00, a30 = a00, a31 = a00;

    void add(const float* in, const float* weights) {
        const v128_t x0 = wasm_v128_load(in), x1 = wasm_v128_load(in + 4);
        const v128_t w0 = wasm_v128_load32_splat(weights + 0);
        a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(w0, x0));
        a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(w0, x1));
        const v128_t w1 = wasm_v128_load32_splat(weights + 1);
        a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(w1, x0));
        a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(w1, x1));
        const v128_t w2 = wasm_v128_load32_splat(weights + 2);
        a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(w2, x0));
        a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(w2, x1));
        const v128_t w3 = wasm_v128_load32_splat(weights + 3);
        a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(w3, x0));
        a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(w3, x1));
    }
    void store(float* tile) const {
        wasm_v128_store(tile + 0, a00);
        wasm_v128_store(tile + 4, a01);
        wasm_v128_store(tile + 8, a10);
        wasm_v128_store(tile + 12, a11);
        wasm_v128_store(tile + 16, a20);
        wasm_v128_store(tile + 20, a21);
        wasm_v128_store(tile + 24, a30);
        wasm_v128_store(tile + 28, a31);
    }
};

struct PixelAccumulator {
    v128_t sum = wasm_f32x4_splat(0.0f);
    void add(const float* in, const float* weights) {
        sum = wasm_f32x4_add(sum, wasm_f32x4_mul(wasm_v128_load(weights), wasm_f32x4_splat(*in)));
    }
    void store(float* out) const { wasm_v128_store(out, sum); }
};

/// TileAccumulator's first channel alone (the same products, summed in the same order), for a block that holds a
/// single output channel: computing the three empty lanes too would quadruple the work of a one-channel layer.
struct ChannelAccumulator {
    v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0;
    void add(const float* in, const float* weights) {
        const v128_t w0 = wasm_v128_load32_splat(weights);
        a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(w0, wasm_v128_load(in)));
        a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(w0, wasm_v128_load(in + 4)));
    }
    void store(float* tile) const {
        wasm_v128_store(tile, a0);
        wasm_v128_store(tile + 4, a1);
    }
};

#elif defined(__GNUC__) && !defined(TCONV_SCALAR_KERNEL)

/// GCC and Clang: the same tile with generic 4-lane vectors (SSE, NEON, …), accumulators named so that they stay in
/// registers. Plain loops get vectorised across the depth loop instead, with gathers, several times slower.
typedef float lanes __attribute__((vector_size(16)));

struct TileAccumulator {
    lanes a00 = {}, a01 = {}, a10 = {}, a11 = {}, a20 = {}, a21 = {}, a30 = {}, a31 = {};

    void add(const float* in, const float* weights) {
        lanes x0, x1;
        std::memcpy(&x0, in, sizeof x0);  // unaligned loads
        std::memcpy(&x1, in + 4, sizeof x1);
        a00 += weights[0] * x0;
        a01 += weights[0] * x1;
        a10 += weights[1] * x0;
        a11 += weights[1] * x1;
        a20 += weights[2] * x0;
        a21 += weights[2] * x1;
        a30 += weights[3] * x0;
        a31 += weights[3] * x1;
    }
    void store(float* tile) const {
        const lanes all[] = {a00, a01, a10, a11, a20, a21, a30, a31};
        std::memcpy(tile, all, sizeof all);
    }
};

struct PixelAccumulator {
    lanes sum = {};
    void add(const float* in, const float* weights) {
        lanes w;
        std::memcpy(&w, weights, sizeof w);
        sum += w * *in;
    }
    void store(float* out) const { std::memcpy(out, &sum, sizeof sum); }
};

/// TileAccumulator's first channel alone, in the same order (see the wasm version).
struct ChannelAccumulator {
    lanes a0 = {}, a1 = {};
    void add(const float* in, const float* weights) {
        lanes x0, x1;
        std::memcpy(&x0, in, sizeof x0);
        std::memcpy(&x1, in + 4, sizeof x1);
        a0 += weights[0] * x0;
        a1 += weights[0] * x1;
    }
    void store(float* tile) const {
        const lanes all[] = {a0, a1};
        std::memcpy(tile, all, sizeof all);
    }
};

#else

/// Portable scalar version, for any compiler. Define TCONV_SCALAR_KERNEL to select it under GCC or Clang too (to
/// test it).
struct TileAccumulator {
    float acc[tile_channels][tile_pixels] = {};
    void add(const float* in, const float* weights) {
        for (std::int64_t c = 0; c < tile_channels; ++c)
            for (std::int64_t p = 0; p < tile_pixels; ++p) acc[c][p] += weights[c] * in[p];
    }
    void store(float* tile) const {
        for (std::int64_t c = 0; c < tile_channels; ++c)
            for (std::int64_t p = 0; p < tile_pixels; ++p) tile[c * tile_pixels + p] = acc[c][p];
    }
};

struct PixelAccumulator {
    float sum[tile_channels] = {};
    void add(const float* in, const float* weights) {
        for (std::int64_t c = 0; c < tile_channels; ++c) sum[c] += weights[c] * *in;
    }
    void store(float* out) const { std::copy_n(sum, tile_channels, out); }
};

/// TileAccumulator's first channel alone, in the same order.
struct ChannelAccumulator {
    float acc[tile_pixels] = {};
    void add(const float* in, const float* weights) {
        for (std::int64_t p = 0; p < tile_pixels; ++p) acc[p] += weights[0] * in[p];
    }
    void store(float* tile) const { std::copy_n(acc, tile_pixels, tile); }
};

#endif

/// tile[c·8 + p] = Σ_{e < depth} weights[e·4 + c] · x[offsets[e] + pixel + p]: every tap of the phase, in order.
/// Accumulator: TileAccumulator, or ChannelAccumulator for a block with one output channel (tile[p] only, the same
/// value TileAccumulator gives it).
template <class Accumulator>
inline void micro_kernel(const float* x, std::ptrdiff_t pixel, const std::ptrdiff_t* offsets, const float* weights,
                         std::int64_t depth, float* tile) {
    Accumulator acc;
    for (std::int64_t e = 0; e < depth; ++e) acc.add(x + (offsets[e] + pixel), weights + e * tile_channels);
    acc.store(tile);
}

/// The taps of one phase, laid out as packed: depth entry e = ((ci·taps[0] + t0)·taps[1] + t1)·taps[2] + t2.
struct PhaseTaps {
    std::int64_t channels = 0;  ///< input channels per group
    std::int64_t taps[3] = {0, 0, 0};
};

/// micro_kernel over the taps in spans[0] × spans[1] × spans[2] only (same order), for the phase's edge rows
/// (TileAccumulator) and edge pixels (PixelAccumulator: out[c] for the one pixel).
template <class Accumulator>
inline void kernel_in(const float* x, std::ptrdiff_t pixel, const std::ptrdiff_t* offsets, const float* weights,
                      const PhaseTaps& taps, const TapSpan* spans, float* out) {
    Accumulator acc;
    for (std::int64_t ci = 0; ci < taps.channels; ++ci)
        for (std::int64_t t0 = spans[0].begin; t0 < spans[0].end; ++t0)
            for (std::int64_t t1 = spans[1].begin; t1 < spans[1].end; ++t1) {
                const std::int64_t first = ((ci * taps.taps[0] + t0) * taps.taps[1] + t1) * taps.taps[2];
                for (std::int64_t e = first + spans[2].begin; e < first + spans[2].end; ++e)
                    acc.add(x + (offsets[e] + pixel), weights + e * tile_channels);
            }
    acc.store(out);
}

/// One phase of the whole problem: a phase on each axis.
struct Phase {
    std::int32_t axis_phase[3] = {0, 0, 0};
    std::int64_t depth = 0;  ///< in_per_group · Π tap counts
    std::int64_t first = 0;  ///< its first entry in PackedWeights::offsets (the same in every group)
};

}  // namespace detail

/// Weights re-laid out for the fast method, plus the phase plan of one input geometry. Pack once and reuse for every
/// call with the same weight, parameters and input channels and sizes (the batch size may differ).
struct PackedWeights {
    Geometry geometry;                  ///< the configuration it was planned for; the batch size is not binding
    detail::AxisPlan plans[3];          ///< per canonical axis
    std::vector<detail::Phase> phases;  ///< depth phase, then row phase, then column phase
    std::int64_t entries = 0;           ///< Σ depth over phases
    std::int64_t channel_blocks = 0;    ///< ceil(out_per_group / 4); missing channels are packed as zeros
    /// For each phase, in order, its depth entries: where that (ci, tap) reads, relative to the phase pixel, in the
    /// padded input copy of one group.
    std::vector<std::ptrdiff_t> offsets;
    /// For each group, phase and block of 4 output channels: depth × 4 weights, depth ordered like `offsets`.
    std::vector<float> data;
    /// Every weight is finite, so a tap on the input copy's zero margin adds exactly 0 and the edges need no care.
    bool finite = true;
};

/// Storage that repeated fast calls can share, so that a call allocates nothing once it has grown to the sizes
/// used: the packed weights and plan, and the copy of one batch item's input.
struct FastWorkspace {
    PackedWeights packed;
    std::vector<float> input_copy;
    /// The raw weights `packed` was made from, bit for bit: a call with the same weights and geometry (a page or a
    /// model calling again with new inputs) reuses the packing instead of redoing it.
    std::vector<float> packed_from;
    bool has_packed = false;
};

namespace detail {

/// Packs weight (g.weight5() floats) into `packed`, reusing its storage, for a configuration already validated.
inline void pack_validated(PackedWeights& packed, const float* weight, const Geometry& g) {
    packed.geometry = g;
    for (int a = 0; a < 3; ++a) plan_axis(packed.plans[a], g.axes[a]);
    const std::int64_t in_per_group = g.in_per_group(), out_per_group = g.out_per_group;
    packed.channel_blocks = (out_per_group + tile_channels - 1) / tile_channels;
    const AxisPlan* P = packed.plans;
    const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(P[2].size);
    const std::ptrdiff_t slab = static_cast<std::ptrdiff_t>(P[1].size) * row;
    const std::ptrdiff_t volume = static_cast<std::ptrdiff_t>(P[0].size) * slab;
    packed.phases.clear();
    std::int64_t entries = 0;
    for (std::size_t a = 0; a < P[0].phases.size(); ++a)
        for (std::size_t b = 0; b < P[1].phases.size(); ++b)
            for (std::size_t c = 0; c < P[2].phases.size(); ++c) {
                Phase phase;
                phase.axis_phase[0] = static_cast<std::int32_t>(a);
                phase.axis_phase[1] = static_cast<std::int32_t>(b);
                phase.axis_phase[2] = static_cast<std::int32_t>(c);
                phase.depth =
                    in_per_group * P[0].phases[a].tap_count * P[1].phases[b].tap_count * P[2].phases[c].tap_count;
                phase.first = entries;
                entries += phase.depth;
                packed.phases.push_back(phase);
            }
    packed.entries = entries;
    packed.offsets.resize(static_cast<std::size_t>(entries));
    const std::int64_t group_stride = entries * packed.channel_blocks * tile_channels;
    packed.data.assign(static_cast<std::size_t>(g.groups * group_stride), 0.0f);
    const Shape5 k = g.weight5(), ks = strides_of(k);
    const std::int64_t weight_count = tconv::volume(k);
    packed.finite = true;
    for (std::int64_t i = 0; i < weight_count; ++i)
        if (!std::isfinite(weight[i])) packed.finite = false;
    for (const Phase& phase : packed.phases) {
        const AxisPhase& p0 = P[0].phases[static_cast<std::size_t>(phase.axis_phase[0])];
        const AxisPhase& p1 = P[1].phases[static_cast<std::size_t>(phase.axis_phase[1])];
        const AxisPhase& p2 = P[2].phases[static_cast<std::size_t>(phase.axis_phase[2])];
        std::int64_t e = 0;
        for (std::int64_t ci = 0; ci < in_per_group; ++ci)
            for (std::int64_t t0 = 0; t0 < p0.tap_count; ++t0)
                for (std::int64_t t1 = 0; t1 < p1.tap_count; ++t1)
                    for (std::int64_t t2 = 0; t2 < p2.tap_count; ++t2, ++e) {
                        const std::int64_t j0 = p0.first_tap + t0, j1 = p1.first_tap + t1, j2 = p2.first_tap + t2;
                        packed.offsets[static_cast<std::size_t>(phase.first + e)] =
                            static_cast<std::ptrdiff_t>(ci) * volume +
                            static_cast<std::ptrdiff_t>(P[0].input_start[j0] - P[0].low) * slab +
                            static_cast<std::ptrdiff_t>(P[1].input_start[j1] - P[1].low) * row +
                            static_cast<std::ptrdiff_t>(P[2].input_start[j2] - P[2].low);
                        const std::int64_t tap = P[0].taps[j0] * ks[2] + P[1].taps[j1] * ks[3] + P[2].taps[j2];
                        for (std::int64_t grp = 0; grp < g.groups; ++grp) {
                            float* dst = packed.data.data() + grp * group_stride +
                                         phase.first * packed.channel_blocks * tile_channels;
                            for (std::int64_t co = 0; co < out_per_group; ++co) {
                                const std::int64_t block = co / tile_channels;
                                dst[(block * phase.depth + e) * tile_channels + co % tile_channels] =
                                    weight[(grp * in_per_group + ci) * ks[0] + co * ks[1] + tap];
                            }
                        }
                    }
    }
}

/// The computation, for an input x of g's input5() with batch size `batch`, into y (which holds the whole output).
/// input_copy is scratch, reused across calls.
inline void run_packed(const float* x, std::int64_t batch, const PackedWeights& packed, float* y,
                       std::vector<float>& input_copy) {
    const Geometry& g = packed.geometry;
    const AxisPlan* P = packed.plans;
    const Shape5 in = g.input5(), out = g.output5();
    const std::int64_t groups = g.groups, in_per_group = g.in_per_group(), out_per_group = g.out_per_group;
    const std::int64_t stride1 = g.axes[1].stride, stride0 = g.axes[0].stride, stride2 = g.axes[2].stride;
    const std::int64_t row = P[2].size, slab = P[1].size * row, volume = P[0].size * slab;
    const std::int64_t in_volume = in[2] * in[3] * in[4], out_volume = out[2] * out[3] * out[4];
    const std::int64_t group_stride = packed.entries * packed.channel_blocks * tile_channels;

    // One batch item's input, copied once per item into rows of P[2].size with a zero margin, so that every tap of
    // every output has an address (and reads 0 outside the input). The margin and the tile_pixels floats of slack at
    // the end are also read by the surplus lanes of a partial tile, which are computed but never stored.
    const std::int64_t left = -P[2].low, right = row - left - in[4];
    input_copy.resize(static_cast<std::size_t>(in[1] * volume + tile_pixels));
    std::fill_n(input_copy.data() + in[1] * volume, tile_pixels, 0.0f);
    alignas(16) float tile[tile_channels * tile_pixels];
    for (std::int64_t n = 0; n < batch; ++n) {
        for (std::int64_t ci = 0; ci < in[1]; ++ci) {
            float* to = input_copy.data() + ci * volume;
            const float* from = x + (n * in[1] + ci) * in_volume;
            for (std::int64_t z = 0; z < P[0].size; ++z) {
                const std::int64_t i0 = z + P[0].low;
                if (i0 < 0 || i0 >= in[2]) {
                    to = std::fill_n(to, slab, 0.0f);
                    continue;
                }
                for (std::int64_t u = 0; u < P[1].size; ++u) {
                    const std::int64_t i1 = u + P[1].low;
                    if (i1 < 0 || i1 >= in[3]) {
                        to = std::fill_n(to, row, 0.0f);
                        continue;
                    }
                    to = std::fill_n(to, left, 0.0f);
                    to = std::copy_n(from + (i0 * in[3] + i1) * in[4], in[4], to);
                    to = std::fill_n(to, right, 0.0f);
                }
            }
        }
        for (std::int64_t grp = 0; grp < groups; ++grp) {
            const float* x_group = input_copy.data() + grp * in_per_group * volume;
            for (const Phase& phase : packed.phases) {
                const AxisPhase& p0 = P[0].phases[static_cast<std::size_t>(phase.axis_phase[0])];
                const AxisPhase& p1 = P[1].phases[static_cast<std::size_t>(phase.axis_phase[1])];
                const AxisPhase& p2 = P[2].phases[static_cast<std::size_t>(phase.axis_phase[2])];
                const PhaseTaps taps{in_per_group, {p0.tap_count, p1.tap_count, p2.tap_count}};
                const std::int64_t depth = phase.depth;
                const std::ptrdiff_t* offsets = packed.offsets.data() + phase.first;
                const float* phase_weights =
                    packed.data.data() + grp * group_stride + phase.first * packed.channel_blocks * tile_channels;
                // With finite weights every output is "interior": outside taps add exact zeros.
                const std::int64_t interior_begin = packed.finite ? 0 : p2.interior_begin;
                const std::int64_t interior_end = packed.finite ? p2.count : p2.interior_end;
                for (std::int64_t t0 = 0; t0 < p0.count; ++t0) {
                    const std::int64_t o0 = p0.first_output + t0 * stride0;
                    for (std::int64_t t1 = 0; t1 < p1.count; ++t1) {
                        const std::int64_t o1 = p1.first_output + t1 * stride1;
                        TapSpan spans[3] = {packed.finite ? TapSpan{0, p0.tap_count} : taps_inside(P[0], p0, t0),
                                            packed.finite ? TapSpan{0, p1.tap_count} : taps_inside(P[1], p1, t1),
                                            {0, p2.tap_count}};
                        const bool every_row_tap = spans[0].begin == 0 && spans[0].end == p0.tap_count &&
                                                   spans[1].begin == 0 && spans[1].end == p1.tap_count;
                        const std::ptrdiff_t row_pixel = static_cast<std::ptrdiff_t>(t0 * slab + t1 * row);
                        for (std::int64_t block = 0; block < packed.channel_blocks; ++block) {
                            const float* block_weights = phase_weights + block * depth * tile_channels;
                            const std::int64_t channels =
                                std::min(tile_channels, out_per_group - block * tile_channels);
                            // The phase's pixels are stride2 apart in the output row; each is written once.
                            float* y_row = y + (n * out[1] + grp * out_per_group + block * tile_channels) * out_volume +
                                           (o0 * out[3] + o1) * out[4] + p2.first_output;
                            auto edge_pixel = [&](std::int64_t u) {
                                TapSpan edge[3] = {spans[0], spans[1], taps_inside(P[2], p2, u)};
                                kernel_in<PixelAccumulator>(x_group, row_pixel + static_cast<std::ptrdiff_t>(u),
                                                            offsets, block_weights, taps, edge, tile);
                                for (std::int64_t c = 0; c < channels; ++c)
                                    y_row[c * out_volume + u * stride2] = tile[c];
                            };
                            for (std::int64_t u = 0; u < interior_begin; ++u) edge_pixel(u);
                            for (std::int64_t u = interior_begin; u < interior_end; u += tile_pixels) {
                                const std::ptrdiff_t pixel = row_pixel + static_cast<std::ptrdiff_t>(u);
                                if (every_row_tap && channels == 1)
                                    micro_kernel<ChannelAccumulator>(x_group, pixel, offsets, block_weights, depth,
                                                                     tile);
                                else if (every_row_tap)
                                    micro_kernel<TileAccumulator>(x_group, pixel, offsets, block_weights, depth, tile);
                                else
                                    kernel_in<TileAccumulator>(x_group, pixel, offsets, block_weights, taps, spans,
                                                               tile);
                                const std::int64_t pixels = std::min(tile_pixels, interior_end - u);
                                for (std::int64_t c = 0; c < channels; ++c) {
                                    float* y_out = y_row + c * out_volume + u * stride2;
                                    const float* from = tile + c * tile_pixels;
                                    if (stride2 == 1)
                                        std::copy_n(from, pixels, y_out);
                                    else
                                        for (std::int64_t p = 0; p < pixels; ++p) y_out[p * stride2] = from[p];
                                }
                            }
                            for (std::int64_t u = interior_end; u < p2.count; ++u) edge_pixel(u);
                        }
                    }
                }
            }
        }
    }
}

/// Adds b[co] to every output cell of channel co.
inline void add_bias(const Geometry& g, const float* b, float* y) {
    const Shape5 out = g.output5();
    const std::int64_t plane = out[2] * out[3] * out[4];
    for (std::int64_t n = 0; n < out[0]; ++n)
        for (std::int64_t co = 0; co < out[1]; ++co) {
            float* p = y + (n * out[1] + co) * plane;
            const float v = b[co];
            for (std::int64_t i = 0; i < plane; ++i) p[i] += v;
        }
}

/// Two geometries pack alike when they differ at most in the batch size and whether a bias is given.
inline bool same_packing(const Geometry& a, const Geometry& b) {
    Geometry c = b;
    c.batch = a.batch;
    c.batched = a.batched;
    c.has_bias = a.has_bias;
    return a == c;
}

}  // namespace detail

/// The fast method on raw buffers (canonical layouts of g), into y, with storage reused from `workspace` (a caller
/// that keeps one workspace allocates nothing once it has grown). The weights are packed again only when they or
/// the geometry (apart from the batch size) differ from the last call's (weights compared bit for bit).
/// Precondition, not checked here: g comes from resolve(), x, w and b (null or [Cout]) hold its sizes, and y holds
/// volume(g.output5()) floats.
inline void conv_transpose_fast_into(const Geometry& g, const float* x, const float* w, const float* b, float* y,
                                     FastWorkspace& workspace) {
    const PackedWeights& last = workspace.packed;
    const std::size_t weight_count = static_cast<std::size_t>(volume(g.weight5()));
    const bool reusable =
        workspace.has_packed && detail::same_packing(last.geometry, g) &&
        workspace.packed_from.size() == weight_count &&
        (weight_count == 0 || std::memcmp(workspace.packed_from.data(), w, weight_count * sizeof(float)) == 0);
    if (!reusable) {
        workspace.has_packed = false;
        detail::pack_validated(workspace.packed, w, g);
        workspace.packed_from.assign(w, w + weight_count);
        workspace.has_packed = true;
    }
    detail::run_packed(x, g.batch, workspace.packed, y, workspace.input_copy);
    if (b) detail::add_bias(g, b, y);
}

/// The fast method on raw buffers with a fresh workspace.
inline void conv_transpose_fast(const Geometry& g, const float* x, const float* w, const float* b, float* y) {
    FastWorkspace workspace;
    conv_transpose_fast_into(g, x, w, b, y, workspace);
}

// ---- 2-D convenience -----------------------------------------------------------------------------------------------

namespace detail {
inline Tensor uninitialised(const Shape5& s) {
    return Tensor::from_shape({static_cast<std::size_t>(s[0]), static_cast<std::size_t>(s[1]),
                               static_cast<std::size_t>(s[3]), static_cast<std::size_t>(s[4])});
}
}  // namespace detail

/// Packs w ([Cin, Cout/groups, kH, kW], PyTorch's layout) for inputs of input_shape ([N, Cin, H, W]; N is not
/// binding). Throws tconv::Error for an invalid configuration.
inline PackedWeights pack_weights(const Tensor& w, const ConvTransposeParams& params, const Shape4& input_shape) {
    const Geometry g =
        resolve_or_throw(shape_vector(input_shape), element_count(input_shape), shape_vector(shape_of(w)),
                         static_cast<std::int64_t>(w.size()), options_of(params));
    PackedWeights packed;
    detail::pack_validated(packed, w.data(), g);
    return packed;
}

/// Transposed convolution with weights packed by pack_weights. x: [N, Cin, H, W] with Cin, H, W as packed, any N →
/// y: [N, Cout, H_out, W_out]. Throws tconv::Error if x does not match the packed geometry or exceeds the limits.
inline Tensor conv_transpose2d_fast(const Tensor& x, const PackedWeights& packed) {
    const Shape4 in = shape_of(x);
    const Shape5 packed_in = packed.geometry.input5();
    const Shape4 planned{packed_in[0], packed_in[1], packed_in[3], packed_in[4]};
    for (int i = 1; i < 4; ++i)
        if (in[i] != planned[i])
            throw Error({"input",
                         i == 2   ? "height"
                         : i == 3 ? "width"
                                  : "",
                         "input shape is " + detail::shape_text(in) + " but the weights were packed for " +
                             detail::shape_text(planned) + " (any batch size)"});
    // The batch size may differ from the packed one, so the limits are checked again for this one.
    Geometry g = packed.geometry;
    g.batch = in[0];
    const Shape5 k = g.weight5();
    ConvTransposeOptions o;
    for (int a = 0; a < 3; ++a) {
        o.stride[a] = g.axes[a].stride;
        o.dilation[a] = g.axes[a].dilation;
        o.output_padding[a] = g.axes[a].output_padding;
        o.padding_before[a] = g.axes[a].before;
        o.padding_after[a] = g.axes[a].after;
    }
    o.groups = g.groups;
    resolve_or_throw(shape_vector(in), static_cast<std::int64_t>(x.size()), {k[0], k[1], k[3], k[4]}, volume(k), o);
    // Uninitialised on purpose: the phases partition the output and every element is written exactly once.
    Tensor y = detail::uninitialised(g.output5());
    std::vector<float> input_copy;
    detail::run_packed(x.data(), g.batch, packed, y.data(), input_copy);
    return y;
}

/// The fast method on raw NCHW buffers of a 2-D configuration (see conv_transpose_fast_into). Precondition, not
/// checked here: validation_error accepts the configuration and the buffers hold its sizes.
inline void conv_transpose2d_fast_into(const float* x, const Shape4& input_shape, const float* w,
                                       const Shape4& weight_shape, const ConvTransposeParams& params, float* y,
                                       FastWorkspace& workspace) {
    conv_transpose_fast_into(geometry_of(input_shape, weight_shape, params), x, w, nullptr, y, workspace);
}

/// conv_transpose2d, fast path. x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW] → y: [N, Cout, H_out, W_out].
/// Throws tconv::Error for an invalid configuration.
inline Tensor conv_transpose2d_fast(const Tensor& x, const Tensor& w, const ConvTransposeParams& params) {
    const Geometry g = validate(x, w, params);
    Tensor y = detail::uninitialised(g.output5());
    conv_transpose_fast(g, x.data(), w.data(), nullptr, y.data());
    return y;
}

}  // namespace tconv
