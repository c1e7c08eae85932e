// Method 3: the padded direct view. Insert stride − 1 zeros between input values, pad each side of each axis by its
// own amount (d·(k − 1) − before at the start, d·(k − 1) − after + output_padding at the end; a negative amount is
// a crop), then slide the 180°-rotated kernel at stride 1, as an ordinary cross-correlation (+ bias).
#pragma once

#include "params.hpp"

#include <cstdint>
#include <vector>

namespace tconv {

/// Marks what each padded row (or column) holds.
enum DirectSource : std::int32_t { inserted_zero = -1, padding_zero = -2 };

/// For each of the `padded_size` cells of the padded input along one axis: the input index it holds (≥ 0),
/// DirectSource::inserted_zero for a zero inserted between strided values, or DirectSource::padding_zero for padding.
/// `before` is the padding before the zero-inserted input (negative: that many are cropped).
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

/// The sources of canonical axis a of a geometry.
inline std::vector<std::int32_t> direct_sources(const Geometry& g, int a) {
    const AxisGeometry& axis = g.axes[a];
    return direct_axis_sources(axis.in, axis.stride, axis.direct_before(), axis.padded());
}

/// The zero-inserted, padded input [N, Cin, out + d·(k − 1) per axis]. padded: volume(g.padded5()) floats.
inline void padded_input(const Geometry& g, const float* x, float* padded) {
    const Shape5 in = g.input5(), p = g.padded5();
    const auto s0 = direct_sources(g, 0), s1 = direct_sources(g, 1), s2 = direct_sources(g, 2);
    const Shape5 is = strides_of(in);
    float* to = padded;
    for (std::int64_t n = 0; n < p[0]; ++n)
        for (std::int64_t c = 0; c < p[1]; ++c)
            for (std::int64_t u0 = 0; u0 < p[2]; ++u0)
                for (std::int64_t u1 = 0; u1 < p[3]; ++u1)
                    for (std::int64_t u2 = 0; u2 < p[4]; ++u2)
                        *to++ = s0[u0] >= 0 && s1[u1] >= 0 && s2[u2] >= 0
                                    ? x[n * is[0] + c * is[1] + s0[u0] * is[2] + s1[u1] * is[3] + s2[u2]]
                                    : 0.0f;
}

/// The kernel of the equivalent direct convolution: rotated 180° on every spatial axis and with its channel axes
/// swapped, so that it is an ordinary convolution weight. w: [Cin, Cout/groups, k...] → [Cout, Cin/groups, k...] with
/// rotated[co, ci_local, a] = w[g·Cin/groups + ci_local, co mod Cout/groups, k − 1 − a], g = co / (Cout/groups).
/// Why rotated: the scatter puts tap k after its input, so read from the output's side, the same tap is found
/// before it, in reverse order.
inline std::vector<float> rotated_kernel(const Geometry& g, const float* w) {
    const Shape5 k = g.weight5();
    const std::int64_t out_per_group = k[1], in_per_group = g.in_per_group();
    std::vector<float> rotated(static_cast<std::size_t>(volume(k)));
    const Shape5 ks = strides_of(k);
    float* to = rotated.data();
    for (std::int64_t co = 0; co < out_per_group * g.groups; ++co) {
        const std::int64_t group = co / out_per_group;
        for (std::int64_t cl = 0; cl < in_per_group; ++cl)
            for (std::int64_t a0 = 0; a0 < k[2]; ++a0)
                for (std::int64_t a1 = 0; a1 < k[3]; ++a1)
                    for (std::int64_t a2 = 0; a2 < k[4]; ++a2)
                        *to++ = w[(group * in_per_group + cl) * ks[0] + (co % out_per_group) * ks[1] +
                                  (k[2] - 1 - a0) * ks[2] + (k[3] - 1 - a1) * ks[3] + (k[4] - 1 - a2)];
    }
    return rotated;
}

/// Transposed convolution as a stride-1 cross-correlation of the rotated kernel over the zero-inserted padded input:
/// y[n, co, o] = Σ_{ci_local, a} padded[n, g·Cin/groups + ci_local, o + a·d] · rotated[co, ci_local, a] + b[co].
/// b: [Cout] or null; y: volume(g.output5()) floats.
inline void conv_transpose_padded_direct(const Geometry& g, const float* x, const float* w, const float* b, float* y) {
    const Shape5 p = g.padded5(), out = g.output5(), k = g.weight5();
    std::vector<float> padded(static_cast<std::size_t>(volume(p)));
    padded_input(g, x, padded.data());
    const std::vector<float> rotated = rotated_kernel(g, w);
    const std::int64_t out_per_group = g.out_per_group, in_per_group = g.in_per_group();
    // The inserted zeros and the padding hold no input value: a product with them is one PyTorch never forms, and
    // it is not always 0 (0·Inf is NaN), so those taps are skipped rather than multiplied.
    const auto s0 = direct_sources(g, 0), s1 = direct_sources(g, 1), s2 = direct_sources(g, 2);
    const auto& A = g.axes;
    const Shape5 ps = strides_of(p);
    const std::int64_t kernel_volume = k[2] * k[3] * k[4];
    float* to = y;
    for (std::int64_t n = 0; n < out[0]; ++n)
        for (std::int64_t co = 0; co < out[1]; ++co) {
            const std::int64_t first_ci = (co / out_per_group) * in_per_group;
            for (std::int64_t o0 = 0; o0 < out[2]; ++o0)
                for (std::int64_t o1 = 0; o1 < out[3]; ++o1)
                    for (std::int64_t o2 = 0; o2 < out[4]; ++o2) {
                        float sum = 0.0f;
                        for (std::int64_t cl = 0; cl < in_per_group; ++cl) {
                            const float* plane = padded.data() + n * ps[0] + (first_ci + cl) * ps[1];
                            const float* taps = rotated.data() + (co * in_per_group + cl) * kernel_volume;
                            for (std::int64_t a0 = 0; a0 < k[2]; ++a0) {
                                const std::int64_t u0 = o0 + a0 * A[0].dilation;
                                if (s0[static_cast<std::size_t>(u0)] < 0) continue;
                                for (std::int64_t a1 = 0; a1 < k[3]; ++a1) {
                                    const std::int64_t u1 = o1 + a1 * A[1].dilation;
                                    if (s1[static_cast<std::size_t>(u1)] < 0) continue;
                                    for (std::int64_t a2 = 0; a2 < k[4]; ++a2) {
                                        const std::int64_t u2 = o2 + a2 * A[2].dilation;
                                        if (s2[static_cast<std::size_t>(u2)] < 0) continue;
                                        sum += plane[u0 * ps[2] + u1 * ps[3] + u2] * taps[(a0 * k[3] + a1) * k[4] + a2];
                                    }
                                }
                            }
                        }
                        *to++ = b ? sum + b[co] : sum;
                    }
        }
}

// ---- 2-D convenience -----------------------------------------------------------------------------------------------

/// Zero padding added around the zero-inserted input; a negative amount is a crop.
/// top = dH·(kH − 1) − pH, bottom = top + opH; left/right likewise.
struct DirectPadding {
    std::int64_t top = 0;
    std::int64_t bottom = 0;
    std::int64_t left = 0;
    std::int64_t right = 0;
};

/// The padding of the direct method for a 2-D configuration.
inline DirectPadding direct_padding(const Shape4& weight, const ConvTransposeParams& params) {
    const Geometry g = geometry_of({1, weight[0], 1, 1}, weight, params);
    return {g.axes[1].direct_before(), g.axes[1].direct_after(), g.axes[2].direct_before(), g.axes[2].direct_after()};
}

/// Shape of the zero-inserted, padded input: [N, Cin, H_out + dH·(kH − 1), W_out + dW·(kW − 1)].
inline Shape4 dilated_padded_shape(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params) {
    const Shape5 p = geometry_of(input, weight, params).padded5();
    return {p[0], p[1], p[3], p[4]};
}

/// The zero-inserted, padded input. x: [N, Cin, H, W] → [N, Cin, Hp, Wp]. Throws tconv::Error for an invalid
/// configuration.
inline Tensor dilated_padded_input(const Tensor& x, const Shape4& weight, const ConvTransposeParams& params) {
    const Geometry g = resolve_or_throw(shape_vector(shape_of(x)), static_cast<std::int64_t>(x.size()),
                                        shape_vector(weight), element_count(weight), options_of(params));
    const Shape5 p = g.padded5();
    Tensor padded = zeros({p[0], p[1], p[3], p[4]});
    padded_input(g, x.data(), padded.data());
    return padded;
}

/// The rotated kernel of a 2-D weight. w: [Cin, Cout/groups, kH, kW] → [Cout, Cin/groups, kH, kW].
inline Tensor rotated_kernel(const Tensor& w, std::int64_t groups) {
    const Shape4 k = shape_of(w);
    ConvTransposeParams p;
    p.groups = groups;
    const Geometry g = geometry_of({1, k[0], 1, 1}, k, p);
    Tensor rotated = zeros({k[1] * groups, k[0] / groups, k[2], k[3]});
    const auto values = rotated_kernel(g, w.data());
    std::copy(values.begin(), values.end(), rotated.data());
    return rotated;
}

/// conv_transpose2d by the padded direct method. x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW] → y: [N, Cout,
/// H_out, W_out]. Throws tconv::Error for an invalid configuration.
inline Tensor conv_transpose2d_padded_direct(const Tensor& x, const Tensor& w, const ConvTransposeParams& params) {
    const Geometry g = validate(x, w, params);
    const Shape5 o = g.output5();
    Tensor y = zeros({o[0], o[1], o[3], o[4]});
    conv_transpose_padded_direct(g, x.data(), w.data(), nullptr, y.data());
    return y;
}

}  // namespace tconv
