// Method 2: the scatter view. Every input value stamps value × kernel onto a canvas at its stride offset; the
// stamps add where they overlap; the output is the canvas with `padding` cropped from every side.
#pragma once

#include "params.hpp"

#include <cstdint>

namespace tconv {

/// Where the output sits inside the uncropped canvas: rows [top, top + height), columns [left, left + width).
struct Window {
    std::int64_t top = 0;
    std::int64_t left = 0;
    std::int64_t height = 0;
    std::int64_t width = 0;
};

/// Shape of the uncropped canvas: [N, Cout, Hc, Wc] with Hc = (H − 1)·sH + dH·(kH − 1) + 1 + opH.
/// output_padding extends the canvas at the bottom and right, so that cropping `padding` from every side leaves
/// exactly H_out rows.
inline Shape4 scatter_canvas_shape(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params) {
    return {input[0], weight[1] * params.groups,
            scatter_canvas_size(input[2], weight[2], params.stride.h, params.output_padding.h, params.dilation.h),
            scatter_canvas_size(input[3], weight[3], params.stride.w, params.output_padding.w, params.dilation.w)};
}

/// The crop window: the canvas minus `padding` on every side. Its height is H_out and its width W_out.
inline Window scatter_crop_window(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params) {
    const Shape4 out = output_shape(input, weight, params);
    return {params.padding.h, params.padding.w, out[2], out[3]};
}

/// The uncropped canvas: canvas[n, co, i·sH + kh·dH, j·sW + kw·dW] += x[n, ci, i, j] · w[ci, co mod Cout/g, kh, kw]
/// for every ci in co's group. x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW] → [N, Cout, Hc, Wc].
/// Throws tconv::Error for an invalid configuration.
inline Tensor scatter_canvas(const Tensor& x, const Tensor& w, const ConvTransposeParams& params) {
    validate(x, w, params);
    const Shape4 in = shape_of(x), k = shape_of(w);
    Tensor canvas = zeros(scatter_canvas_shape(in, k, params));
    const std::int64_t in_per_group = in[1] / params.groups, out_per_group = k[1];
    for (std::int64_t n = 0; n < in[0]; ++n)
        for (std::int64_t ci = 0; ci < in[1]; ++ci) {
            const std::int64_t group = ci / in_per_group;
            for (std::int64_t i = 0; i < in[2]; ++i)
                for (std::int64_t j = 0; j < in[3]; ++j) {
                    const float value = x(n, ci, i, j);
                    // The stamp of input (i, j): value × kernel, its top-left corner at (i·sH, j·sW).
                    for (std::int64_t co_local = 0; co_local < out_per_group; ++co_local)
                        for (std::int64_t kh = 0; kh < k[2]; ++kh)
                            for (std::int64_t kw = 0; kw < k[3]; ++kw)
                                canvas(n, group * out_per_group + co_local,
                                       i * params.stride.h + kh * params.dilation.h,
                                       j * params.stride.w + kw * params.dilation.w) += value * w(ci, co_local, kh, kw);
                }
        }
    return canvas;
}

/// How many stamp taps land on each canvas cell (spatial only, for one input/output channel pair): the overlap
/// count behind checkerboard artifacts. Shape [Hc, Wc] as a row-major vector; the output cells are its crop window.
inline xt::xtensor<std::int32_t, 2> scatter_overlap_counts(const Shape4& input, const Shape4& weight,
                                                           const ConvTransposeParams& params) {
    const Shape4 canvas = scatter_canvas_shape(input, weight, params);
    xt::xtensor<std::int32_t, 2> counts = xt::xtensor<std::int32_t, 2>::from_shape(
        {static_cast<std::size_t>(canvas[2]), static_cast<std::size_t>(canvas[3])});
    counts.fill(0);
    for (std::int64_t i = 0; i < input[2]; ++i)
        for (std::int64_t j = 0; j < input[3]; ++j)
            for (std::int64_t kh = 0; kh < weight[2]; ++kh)
                for (std::int64_t kw = 0; kw < weight[3]; ++kw)
                    counts(i * params.stride.h + kh * params.dilation.h,
                           j * params.stride.w + kw * params.dilation.w) += 1;
    return counts;
}

/// Transposed convolution by scattering stamps, then cropping the window.
/// x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW] → y: [N, Cout, H_out, W_out],
/// H_out = (H − 1)·sH − 2·pH + dH·(kH − 1) + opH + 1. Throws tconv::Error for an invalid configuration.
inline Tensor conv_transpose2d_scatter(const Tensor& x, const Tensor& w, const ConvTransposeParams& params) {
    const Tensor canvas = scatter_canvas(x, w, params);
    const Window window = scatter_crop_window(shape_of(x), shape_of(w), params);
    const Shape4 out = output_shape(shape_of(x), shape_of(w), params);
    Tensor y = zeros(out);
    for (std::int64_t n = 0; n < out[0]; ++n)
        for (std::int64_t co = 0; co < out[1]; ++co)
            for (std::int64_t r = 0; r < window.height; ++r)
                for (std::int64_t c = 0; c < window.width; ++c)
                    y(n, co, r, c) = canvas(n, co, window.top + r, window.left + c);
    return y;
}

}  // namespace tconv
