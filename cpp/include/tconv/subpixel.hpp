// The sub-pixel (phase) decomposition that the fast method plans, as an artifact the page can draw (Shi et al.
// 2016): the outputs whose position has the same residue modulo the stride on every axis form a phase; a phase is a
// dense stride-1 correlation of the input with the few taps that reach it, and interleaving the phases' small
// outputs gives the output exactly. Tap counts that differ between phases are what a checkerboard is made of
// (kernel 3, stride 2: phases get 2 and 1 taps per axis, so 4, 2, 2 and 1 in 2-D).
#pragma once

#include "fast.hpp"
#include "params.hpp"

#include <cstdint>
#include <vector>

namespace tconv {

/// One phase along one axis: its outputs first_output + t·stride for t < count, and its taps.
struct SubpixelAxis {
    std::int64_t residue = 0;               ///< (first_output + before) mod stride
    std::int64_t first_output = 0;          ///< its first output index
    std::int64_t count = 0;                 ///< how many outputs it owns
    std::vector<std::int64_t> taps;         ///< kernel indices k that reach it, ascending
    std::vector<std::int64_t> input_start;  ///< the input index tap j reads for the phase's first output
};

/// One phase of the whole problem.
struct SubpixelPhase {
    std::array<SubpixelAxis, 3> axes;  ///< canonical [depth, height, width]
    Shape5 kernel_shape{};             ///< [Cin, Cout/groups, taps per axis]
    std::vector<float> kernel;         ///< the sub-kernel: w at the phase's taps
    Shape5 output_shape{};             ///< [N, Cout, count per axis]
    /// y_phase[n, co, t] = Σ_{ci in co's group, taps j} x[n, ci, t + input_start_j] · kernel[ci, co_local, j] + b[co]
    /// (reads outside the input are skipped), which is y[n, co, first_output + t·stride].
    std::vector<float> output;
};

/// The phases of a valid geometry that own outputs, depth phase slowest, with their sub-kernels and outputs.
/// x: input5, w: weight5, b: [Cout] or null.
inline std::vector<SubpixelPhase> subpixel(const Geometry& g, const float* x, const float* w, const float* b) {
    detail::AxisPlan plans[3];
    for (int a = 0; a < 3; ++a) detail::plan_axis(plans[a], g.axes[a]);
    const Shape5 in = g.input5(), k = g.weight5(), is = strides_of(in), ks = strides_of(k);
    const std::int64_t ipg = g.in_per_group(), opg = g.out_per_group;
    std::vector<SubpixelPhase> phases;
    for (const auto& p0 : plans[0].phases)
        for (const auto& p1 : plans[1].phases)
            for (const auto& p2 : plans[2].phases) {
                SubpixelPhase phase;
                const detail::AxisPhase* own[3] = {&p0, &p1, &p2};
                for (int a = 0; a < 3; ++a) {
                    SubpixelAxis& axis = phase.axes[a];
                    axis.residue = own[a]->residue;
                    axis.first_output = own[a]->first_output;
                    axis.count = own[a]->count;
                    for (std::int64_t j = 0; j < own[a]->tap_count; ++j) {
                        axis.taps.push_back(plans[a].taps[own[a]->first_tap + j]);
                        axis.input_start.push_back(plans[a].input_start[own[a]->first_tap + j]);
                    }
                }
                const auto& A = phase.axes;
                const std::int64_t t0 = static_cast<std::int64_t>(A[0].taps.size()),
                                   t1 = static_cast<std::int64_t>(A[1].taps.size()),
                                   t2 = static_cast<std::int64_t>(A[2].taps.size());
                phase.kernel_shape = {k[0], k[1], t0, t1, t2};
                phase.kernel.reserve(static_cast<std::size_t>(volume(phase.kernel_shape)));
                for (std::int64_t ci = 0; ci < k[0]; ++ci)
                    for (std::int64_t col = 0; col < k[1]; ++col)
                        for (std::int64_t j0 = 0; j0 < t0; ++j0)
                            for (std::int64_t j1 = 0; j1 < t1; ++j1)
                                for (std::int64_t j2 = 0; j2 < t2; ++j2)
                                    phase.kernel.push_back(w[ci * ks[0] + col * ks[1] + A[0].taps[j0] * ks[2] +
                                                             A[1].taps[j1] * ks[3] + A[2].taps[j2]]);
                phase.output_shape = {g.batch, g.out_channels(), A[0].count, A[1].count, A[2].count};
                phase.output.reserve(static_cast<std::size_t>(volume(phase.output_shape)));
                const Shape5 kk = strides_of(phase.kernel_shape);
                for (std::int64_t n = 0; n < g.batch; ++n)
                    for (std::int64_t co = 0; co < g.out_channels(); ++co) {
                        const std::int64_t group = co / opg, col = co % opg;
                        for (std::int64_t u0 = 0; u0 < A[0].count; ++u0)
                            for (std::int64_t u1 = 0; u1 < A[1].count; ++u1)
                                for (std::int64_t u2 = 0; u2 < A[2].count; ++u2) {
                                    float sum = 0.0f;
                                    for (std::int64_t ci = group * ipg; ci < (group + 1) * ipg; ++ci)
                                        for (std::int64_t j0 = 0; j0 < t0; ++j0) {
                                            const std::int64_t i0 = u0 + A[0].input_start[j0];
                                            if (i0 < 0 || i0 >= in[2]) continue;
                                            for (std::int64_t j1 = 0; j1 < t1; ++j1) {
                                                const std::int64_t i1 = u1 + A[1].input_start[j1];
                                                if (i1 < 0 || i1 >= in[3]) continue;
                                                for (std::int64_t j2 = 0; j2 < t2; ++j2) {
                                                    const std::int64_t i2 = u2 + A[2].input_start[j2];
                                                    if (i2 < 0 || i2 >= in[4]) continue;
                                                    sum += x[n * is[0] + ci * is[1] + i0 * is[2] + i1 * is[3] + i2] *
                                                           phase.kernel[ci * kk[0] + col * kk[1] + j0 * kk[2] +
                                                                        j1 * kk[3] + j2];
                                                }
                                            }
                                        }
                                    phase.output.push_back(b ? sum + b[co] : sum);
                                }
                    }
                phases.push_back(std::move(phase));
            }
    return phases;
}

}  // namespace tconv
