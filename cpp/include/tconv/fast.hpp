// The default method for library callers: the scatter computed straight into the output with every bound hoisted
// out of the inner loop, so nothing is multiplied that is later cropped and no inserted zero is ever touched.
// (Sub-pixel decomposition with SIMD is the planned next step; see the performance issue.)
#pragma once

#include "params.hpp"

#include <algorithm>
#include <cstdint>

namespace tconv {

namespace detail {

/// The input indices i in [0, in) whose tap lands inside [0, out): 0 ≤ i·s + offset < out. Returns [first, last).
inline std::pair<std::int64_t, std::int64_t> landing_range(std::int64_t in, std::int64_t out, std::int64_t stride,
                                                           std::int64_t offset) {
    // i ≥ ceil(−offset / s) and i ≤ floor((out − 1 − offset) / s)
    auto floor_div = [](std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
    const std::int64_t first = std::max<std::int64_t>(0, -floor_div(offset, stride));
    const std::int64_t last = std::min<std::int64_t>(in, floor_div(out - 1 - offset, stride) + 1);
    return {first, std::max(first, last)};
}

}  // namespace detail

/// Transposed convolution, fast path. x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW] → y: [N, Cout, H_out, W_out],
/// H_out = (H − 1)·sH − 2·pH + dH·(kH − 1) + opH + 1. Throws tconv::Error for an invalid configuration.
inline Tensor conv_transpose2d_fast(const Tensor& x, const Tensor& w, const ConvTransposeParams& params) {
    validate(x, w, params);
    const Shape4 in = shape_of(x), k = shape_of(w), out = output_shape(in, k, params);
    Tensor y = zeros(out);
    const std::int64_t in_per_group = in[1] / params.groups, out_per_group = k[1];
    const std::int64_t sh = params.stride.h, sw = params.stride.w;
    for (std::int64_t n = 0; n < in[0]; ++n)
        for (std::int64_t ci = 0; ci < in[1]; ++ci) {
            const std::int64_t group = ci / in_per_group;
            const float* x_plane = x.data() + (n * in[1] + ci) * in[2] * in[3];
            for (std::int64_t co_local = 0; co_local < out_per_group; ++co_local) {
                const std::int64_t co = group * out_per_group + co_local;
                float* y_plane = y.data() + (n * out[1] + co) * out[2] * out[3];
                const float* kernel = w.data() + (ci * out_per_group + co_local) * k[2] * k[3];
                for (std::int64_t kh = 0; kh < k[2]; ++kh) {
                    const std::int64_t row_offset = kh * params.dilation.h - params.padding.h;
                    const auto rows = detail::landing_range(in[2], out[2], sh, row_offset);
                    for (std::int64_t kw = 0; kw < k[3]; ++kw) {
                        const float tap = kernel[kh * k[3] + kw];
                        const std::int64_t col_offset = kw * params.dilation.w - params.padding.w;
                        const auto cols = detail::landing_range(in[3], out[3], sw, col_offset);
                        for (std::int64_t i = rows.first; i < rows.second; ++i) {
                            const float* x_row = x_plane + i * in[3];
                            float* y_row = y_plane + (i * sh + row_offset) * out[3] + col_offset;
                            for (std::int64_t j = cols.first; j < cols.second; ++j) y_row[j * sw] += x_row[j] * tap;
                        }
                    }
                }
            }
        }
    return y;
}

}  // namespace tconv
