// Method 2: the scatter view. Every input value stamps value × kernel onto a canvas at its stride offset; the
// stamps add where they overlap; the output is the canvas window that remains after cropping `before` cells at the
// start and `after` at the end of each axis (plus the bias, which the page draws as a last layer).
#pragma once

#include "params.hpp"

#include <cstdint>
#include <vector>

namespace tconv {

/// Where the output sits inside the canvas, per canonical axis: cells [start, start + size).
struct WindowN {
    Dims start{0, 0, 0};
    Dims size{1, 1, 1};
};

/// The crop window: start = before, size = out, on each axis. The canvas holds the full result (every stamp) and,
/// where "same" padding extends the output past it, the extension cells, which no stamp reaches.
inline WindowN scatter_window(const Geometry& g) {
    WindowN w;
    for (int a = 0; a < 3; ++a) {
        w.start[a] = g.axes[a].before;
        w.size[a] = g.axes[a].out();
    }
    return w;
}

/// The canvas without bias: canvas[n, co, i·s + k·d (per axis)] += x[n, ci, i] · w[ci, co mod Cout/g, k] for every
/// ci in co's group. canvas must hold volume(g.canvas5()) zeros. x: input5, w: weight5.
inline void scatter_canvas(const Geometry& g, const float* x, const float* w, float* canvas) {
    const Shape5 in = g.input5(), k = g.weight5(), c = g.canvas5();
    const auto& A = g.axes;
    const std::int64_t in_per_group = g.in_per_group(), out_per_group = g.out_per_group;
    const Shape5 cs = strides_of(c), ks = strides_of(k), is = strides_of(in);
    for (std::int64_t n = 0; n < in[0]; ++n)
        for (std::int64_t ci = 0; ci < in[1]; ++ci) {
            const std::int64_t group = ci / in_per_group;
            for (std::int64_t i0 = 0; i0 < in[2]; ++i0)
                for (std::int64_t i1 = 0; i1 < in[3]; ++i1)
                    for (std::int64_t i2 = 0; i2 < in[4]; ++i2) {
                        const float value = x[n * is[0] + ci * is[1] + i0 * is[2] + i1 * is[3] + i2];
                        // The stamp of this input: value × kernel, its first corner at i·s.
                        for (std::int64_t col = 0; col < out_per_group; ++col) {
                            const std::int64_t co = group * out_per_group + col;
                            float* plane = canvas + n * cs[0] + co * cs[1];
                            const float* taps = w + ci * ks[0] + col * ks[1];
                            for (std::int64_t k0 = 0; k0 < k[2]; ++k0)
                                for (std::int64_t k1 = 0; k1 < k[3]; ++k1)
                                    for (std::int64_t k2 = 0; k2 < k[4]; ++k2)
                                        plane[(i0 * A[0].stride + k0 * A[0].dilation) * cs[2] +
                                              (i1 * A[1].stride + k1 * A[1].dilation) * cs[3] + i2 * A[2].stride +
                                              k2 * A[2].dilation] += value * taps[k0 * ks[2] + k1 * ks[3] + k2];
                        }
                    }
        }
}

/// How many stamp taps land on each canvas cell (spatial only, for one input/output channel pair): the overlap
/// count behind checkerboard artifacts. [cD, cH, cW] row-major; the output cells are its crop window.
inline std::vector<std::int32_t> scatter_overlap(const Geometry& g) {
    const Shape5 c = g.canvas5();
    const auto& A = g.axes;
    std::vector<std::int32_t> counts(static_cast<std::size_t>(c[2] * c[3] * c[4]), 0);
    for (std::int64_t i0 = 0; i0 < A[0].in; ++i0)
        for (std::int64_t i1 = 0; i1 < A[1].in; ++i1)
            for (std::int64_t i2 = 0; i2 < A[2].in; ++i2)
                for (std::int64_t k0 = 0; k0 < A[0].kernel; ++k0)
                    for (std::int64_t k1 = 0; k1 < A[1].kernel; ++k1)
                        for (std::int64_t k2 = 0; k2 < A[2].kernel; ++k2)
                            counts[static_cast<std::size_t>(((i0 * A[0].stride + k0 * A[0].dilation) * c[3] +
                                                             i1 * A[1].stride + k1 * A[1].dilation) *
                                                                c[4] +
                                                            i2 * A[2].stride + k2 * A[2].dilation)] += 1;
    return counts;
}

/// Transposed convolution by scattering stamps, then cropping the window and adding the bias (b: [Cout] or null).
/// y: volume(g.output5()) floats.
inline void conv_transpose_scatter(const Geometry& g, const float* x, const float* w, const float* b, float* y) {
    const Shape5 c = g.canvas5(), o = g.output5();
    std::vector<float> canvas(static_cast<std::size_t>(volume(c)), 0.0f);
    scatter_canvas(g, x, w, canvas.data());
    const WindowN win = scatter_window(g);
    const Shape5 cs = strides_of(c);
    float* out = y;
    for (std::int64_t n = 0; n < o[0]; ++n)
        for (std::int64_t co = 0; co < o[1]; ++co) {
            const float bias = b ? b[co] : 0.0f;
            for (std::int64_t r0 = 0; r0 < o[2]; ++r0)
                for (std::int64_t r1 = 0; r1 < o[3]; ++r1) {
                    const float* row = canvas.data() + n * cs[0] + co * cs[1] + (win.start[0] + r0) * cs[2] +
                                       (win.start[1] + r1) * cs[3] + win.start[2];
                    for (std::int64_t r2 = 0; r2 < o[4]; ++r2) *out++ = b ? row[r2] + bias : row[r2];
                }
        }
}

// ---- 2-D convenience -----------------------------------------------------------------------------------------------

/// Where the output sits inside the uncropped canvas: rows [top, top + height), columns [left, left + width).
struct Window {
    std::int64_t top = 0;
    std::int64_t left = 0;
    std::int64_t height = 0;
    std::int64_t width = 0;
};

/// Shape of the uncropped canvas: [N, Cout, Hc, Wc] with Hc = (H − 1)·sH + dH·(kH − 1) + 1 + opH.
inline Shape4 scatter_canvas_shape(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params) {
    const Shape5 c = geometry_of(input, weight, params).canvas5();
    return {c[0], c[1], c[3], c[4]};
}

/// The crop window: the canvas minus `padding` on every side. Its height is H_out and its width W_out.
inline Window scatter_crop_window(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params) {
    const WindowN w = scatter_window(geometry_of(input, weight, params));
    return {w.start[1], w.start[2], w.size[1], w.size[2]};
}

/// The uncropped canvas. x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW] → [N, Cout, Hc, Wc].
/// Throws tconv::Error for an invalid configuration.
inline Tensor scatter_canvas(const Tensor& x, const Tensor& w, const ConvTransposeParams& params) {
    const Geometry g = validate(x, w, params);
    const Shape5 c = g.canvas5();
    Tensor canvas = zeros({c[0], c[1], c[3], c[4]});
    scatter_canvas(g, x.data(), w.data(), canvas.data());
    return canvas;
}

/// The overlap counts [Hc, Wc] of a 2-D configuration.
inline xt::xtensor<std::int32_t, 2> scatter_overlap_counts(const Shape4& input, const Shape4& weight,
                                                           const ConvTransposeParams& params) {
    const Geometry g = geometry_of(input, weight, params);
    const Shape5 c = g.canvas5();
    const auto counts = scatter_overlap(g);
    xt::xtensor<std::int32_t, 2> t =
        xt::xtensor<std::int32_t, 2>::from_shape({static_cast<std::size_t>(c[3]), static_cast<std::size_t>(c[4])});
    std::copy(counts.begin(), counts.end(), t.data());
    return t;
}

/// conv_transpose2d by scattering stamps, then cropping the window. x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW]
/// → y: [N, Cout, H_out, W_out]. Throws tconv::Error for an invalid configuration.
inline Tensor conv_transpose2d_scatter(const Tensor& x, const Tensor& w, const ConvTransposeParams& params) {
    const Geometry g = validate(x, w, params);
    const Shape5 o = g.output5();
    Tensor y = zeros({o[0], o[1], o[3], o[4]});
    conv_transpose_scatter(g, x.data(), w.data(), nullptr, y.data());
    return y;
}

}  // namespace tconv
