// Method 3: the padded direct view. Insert stride − 1 zeros between input values, pad by dilation·(k − 1) − padding
// (crop where that is negative, pad output_padding more at the bottom/right), then slide the 180°-rotated kernel at
// stride 1, as an ordinary cross-correlation.
#pragma once

#include "params.hpp"

#include <cstdint>
#include <vector>

namespace tconv {

/// Zero padding added around the zero-inserted input; a negative amount is a crop.
/// top = dH·(kH − 1) − pH, bottom = top + opH; left/right likewise.
struct DirectPadding {
    std::int64_t top = 0;
    std::int64_t bottom = 0;
    std::int64_t left = 0;
    std::int64_t right = 0;
};

/// The padding of the direct method for this configuration.
inline DirectPadding direct_padding(const Shape4& weight, const ConvTransposeParams& params) {
    const std::int64_t top = params.dilation.h * (weight[2] - 1) - params.padding.h;
    const std::int64_t left = params.dilation.w * (weight[3] - 1) - params.padding.w;
    return {top, top + params.output_padding.h, left, left + params.output_padding.w};
}

/// Marks what each padded row (or column) holds.
enum DirectSource : std::int32_t { inserted_zero = -1, padding_zero = -2 };

/// For each of the `padded_size` rows (or columns) of the padded input along one axis: the input index it holds
/// (≥ 0), DirectSource::inserted_zero for a zero inserted between strided values, or DirectSource::padding_zero for
/// padding. `before` is the padding before the zero-inserted input (negative: that many are cropped).
inline std::vector<std::int32_t> direct_axis_sources(std::int64_t input_size, std::int64_t stride, std::int64_t before,
                                                     std::int64_t padded_size) {
    std::vector<std::int32_t> sources(static_cast<std::size_t>(padded_size));
    const std::int64_t inserted_size = (input_size - 1) * stride + 1;
    for (std::int64_t u = 0; u < padded_size; ++u) {
        const std::int64_t z = u - before;  // position in the zero-inserted input
        if (z < 0 || z >= inserted_size)
            sources[u] = padding_zero;
        else if (z % stride != 0)
            sources[u] = inserted_zero;
        else
            sources[u] = static_cast<std::int32_t>(z / stride);
    }
    return sources;
}

/// Shape of the zero-inserted, padded input: [N, Cin, H_out + dH·(kH − 1), W_out + dW·(kW − 1)].
inline Shape4 dilated_padded_shape(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params) {
    const Shape4 out = output_shape(input, weight, params);
    return {input[0], input[1], padded_input_size(out[2], weight[2], params.dilation.h),
            padded_input_size(out[3], weight[3], params.dilation.w)};
}

/// The zero-inserted, padded input that the rotated kernel slides over. x: [N, Cin, H, W] → [N, Cin, Hp, Wp].
/// Throws tconv::Error for an invalid configuration.
inline Tensor dilated_padded_input(const Tensor& x, const Shape4& weight, const ConvTransposeParams& params) {
    const Shape4 in = shape_of(x);
    if (auto e = validation_error(in, static_cast<std::int64_t>(x.size()), weight, element_count(weight), params))
        throw Error(*e);
    const Shape4 padded_shape = dilated_padded_shape(in, weight, params);
    const DirectPadding pad = direct_padding(weight, params);
    const auto rows = direct_axis_sources(in[2], params.stride.h, pad.top, padded_shape[2]);
    const auto cols = direct_axis_sources(in[3], params.stride.w, pad.left, padded_shape[3]);
    Tensor padded = zeros(padded_shape);
    for (std::int64_t n = 0; n < in[0]; ++n)
        for (std::int64_t ci = 0; ci < in[1]; ++ci)
            for (std::int64_t u = 0; u < padded_shape[2]; ++u) {
                if (rows[u] < 0) continue;
                for (std::int64_t v = 0; v < padded_shape[3]; ++v)
                    if (cols[v] >= 0) padded(n, ci, u, v) = x(n, ci, rows[u], cols[v]);
            }
    return padded;
}

/// The kernel of the equivalent direct convolution: rotated 180° and with its channel axes swapped, so that it is an
/// ordinary conv2d weight. w: [Cin, Cout/groups, kH, kW] → [Cout, Cin/groups, kH, kW] with
/// rotated[co, ci_local, a, b] = w[g·Cin/groups + ci_local, co mod Cout/groups, kH − 1 − a, kW − 1 − b],
/// g = co / (Cout/groups). Why rotated: the scatter puts tap (kh, kw) below and right of its input, so read from the
/// output's side, the same tap is found above and left, in reverse order.
inline Tensor rotated_kernel(const Tensor& w, std::int64_t groups) {
    const Shape4 k = shape_of(w);
    const std::int64_t out_per_group = k[1], in_per_group = k[0] / groups;
    Tensor rotated = zeros({out_per_group * groups, in_per_group, k[2], k[3]});
    for (std::int64_t co = 0; co < out_per_group * groups; ++co) {
        const std::int64_t group = co / out_per_group;
        for (std::int64_t ci_local = 0; ci_local < in_per_group; ++ci_local)
            for (std::int64_t a = 0; a < k[2]; ++a)
                for (std::int64_t b = 0; b < k[3]; ++b)
                    rotated(co, ci_local, a, b) =
                        w(group * in_per_group + ci_local, co % out_per_group, k[2] - 1 - a, k[3] - 1 - b);
    }
    return rotated;
}

/// Transposed convolution as a stride-1 cross-correlation of the rotated kernel over the zero-inserted padded input:
/// y[n, co, oy, ox] = Σ_{ci_local, a, b} padded[n, g·Cin/groups + ci_local, oy + a·dH, ox + b·dW] · rotated[co,
/// ci_local, a, b]. x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW] → y: [N, Cout, H_out, W_out], H_out = (H − 1)·sH −
/// 2·pH + dH·(kH − 1) + opH + 1. Throws tconv::Error for an invalid configuration.
inline Tensor conv_transpose2d_direct(const Tensor& x, const Tensor& w, const ConvTransposeParams& params) {
    validate(x, w, params);
    const Tensor padded = dilated_padded_input(x, shape_of(w), params);
    const Tensor rotated = rotated_kernel(w, params.groups);
    const Shape4 out = output_shape(shape_of(x), shape_of(w), params);
    const Shape4 k = shape_of(rotated);
    const std::int64_t out_per_group = w.shape()[1], in_per_group = k[1];
    // The inserted zeros and the padding hold no input value: a product with them is one PyTorch never forms, and
    // it is not always 0 (0·Inf is NaN), so those taps are skipped rather than multiplied.
    const DirectPadding pad = direct_padding(shape_of(w), params);
    const Shape4 padded_shape = shape_of(padded);
    const auto rows = direct_axis_sources(x.shape()[2], params.stride.h, pad.top, padded_shape[2]);
    const auto cols = direct_axis_sources(x.shape()[3], params.stride.w, pad.left, padded_shape[3]);
    Tensor y = zeros(out);
    for (std::int64_t n = 0; n < out[0]; ++n)
        for (std::int64_t co = 0; co < out[1]; ++co) {
            const std::int64_t first_ci = (co / out_per_group) * in_per_group;
            for (std::int64_t oy = 0; oy < out[2]; ++oy)
                for (std::int64_t ox = 0; ox < out[3]; ++ox) {
                    float sum = 0.0f;
                    for (std::int64_t ci_local = 0; ci_local < in_per_group; ++ci_local)
                        for (std::int64_t a = 0; a < k[2]; ++a) {
                            const std::int64_t u = oy + a * params.dilation.h;
                            if (rows[static_cast<std::size_t>(u)] < 0) continue;
                            for (std::int64_t b = 0; b < k[3]; ++b) {
                                const std::int64_t v = ox + b * params.dilation.w;
                                if (cols[static_cast<std::size_t>(v)] < 0) continue;
                                sum += padded(n, first_ci + ci_local, u, v) * rotated(co, ci_local, a, b);
                            }
                        }
                    y(n, co, oy, ox) = sum;
                }
        }
    return y;
}

}  // namespace tconv
