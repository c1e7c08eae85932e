// Method 1: the matrix view. The forward convolution that maps the transposed convolution's output back to its
// input is a sparse matrix C; the transposed convolution is Cᵀ · vec(input), which is where its name comes from.
#pragma once

#include "params.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace tconv {

/// One nonzero of the forward-convolution matrix C (per batch item).
///   row: index into vec(input of the transposed conv),  (ci·H + i)·W + j,         0 ≤ row < Cin·H·W
///   col: index into vec(output of the transposed conv), (co·H_out + oy)·W_out + ox, 0 ≤ col < Cout·H_out·W_out
///   weight_index: flat index of the kernel tap in w [Cin, Cout/groups, kH, kW]; the entry's value is w[weight_index].
struct MatrixEntry {
    std::int32_t row;
    std::int32_t col;
    std::int32_t weight_index;
};

/// Calls visit(row, col, weight_index) for every nonzero of C, in increasing row order and, within a row, in
/// increasing column order. Row (ci, i, j) of C is the forward convolution's output pixel (i, j) of channel ci: it
/// reads the large tensor at (co, i·s − p + kh·d, j·s − p + kw·d) with weight w[ci, co mod Cout/g, kh, kw] for every
/// output channel co of ci's group and every tap that lands inside the large tensor.
/// Shapes: input [N, Cin, H, W], weight [Cin, Cout/groups, kH, kW]; the configuration must be valid.
template <class Visit>
void for_each_matrix_entry(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params,
                           Visit&& visit) {
    const Shape4 out = output_shape(input, weight, params);
    const std::int64_t channels_in = input[1], height = input[2], width = input[3];
    const std::int64_t out_per_group = weight[1], kernel_h = weight[2], kernel_w = weight[3];
    const std::int64_t in_per_group = channels_in / params.groups;
    const std::int64_t out_h = out[2], out_w = out[3];
    for (std::int64_t ci = 0; ci < channels_in; ++ci) {
        const std::int64_t group = ci / in_per_group;
        for (std::int64_t i = 0; i < height; ++i) {
            for (std::int64_t j = 0; j < width; ++j) {
                const std::int64_t row = (ci * height + i) * width + j;
                for (std::int64_t co_local = 0; co_local < out_per_group; ++co_local) {
                    const std::int64_t co = group * out_per_group + co_local;
                    for (std::int64_t kh = 0; kh < kernel_h; ++kh) {
                        const std::int64_t oy = i * params.stride.h - params.padding.h + kh * params.dilation.h;
                        if (oy < 0 || oy >= out_h) continue;
                        for (std::int64_t kw = 0; kw < kernel_w; ++kw) {
                            const std::int64_t ox = j * params.stride.w - params.padding.w + kw * params.dilation.w;
                            if (ox < 0 || ox >= out_w) continue;
                            const std::int64_t col = (co * out_h + oy) * out_w + ox;
                            const std::int64_t tap = ((ci * out_per_group + co_local) * kernel_h + kh) * kernel_w + kw;
                            visit(row, col, tap);
                        }
                    }
                }
            }
        }
    }
}

/// Number of nonzeros of C (per batch item), from the two axes separately: a tap lands or not by its row alone and
/// by its column alone, so the count is Cin · (Cout/groups) · (landing (i, kh) pairs) · (landing (j, kw) pairs).
inline std::int64_t matrix_nonzero_count(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params) {
    const Shape4 out = output_shape(input, weight, params);
    auto landing_pairs = [](std::int64_t in, std::int64_t k, std::int64_t s, std::int64_t p, std::int64_t d,
                            std::int64_t out_size) {
        std::int64_t pairs = 0;
        for (std::int64_t i = 0; i < in; ++i)
            for (std::int64_t t = 0; t < k; ++t) {
                const std::int64_t o = i * s - p + t * d;
                pairs += (o >= 0 && o < out_size) ? 1 : 0;
            }
        return pairs;
    };
    return saturating_product(
        {input[1], weight[1],
         landing_pairs(input[2], weight[2], params.stride.h, params.padding.h, params.dilation.h, out[2]),
         landing_pairs(input[3], weight[3], params.stride.w, params.padding.w, params.dilation.w, out[3])});
}

/// Refuses to list C when it has more than Limits::max_matrix_nonzeros nonzeros.
inline std::optional<ValidationError> matrix_listing_error(const Shape4& input, const Shape4& weight,
                                                           const ConvTransposeParams& params) {
    const std::int64_t count = matrix_nonzero_count(input, weight, params);
    if (count <= Limits::max_matrix_nonzeros) return std::nullopt;
    return ValidationError{"limits", "",
                           "the matrix C would have " + std::to_string(count) +
                               " nonzeros but the engine's limit for listing them is " +
                               std::to_string(Limits::max_matrix_nonzeros)};
}

/// The nonzeros of C, sorted by row then column. C has Cin·H·W rows and Cout·H_out·W_out columns.
/// Throws tconv::Error when the count exceeds Limits::max_matrix_nonzeros.
inline std::vector<MatrixEntry> forward_matrix_entries(const Shape4& input, const Shape4& weight,
                                                       const ConvTransposeParams& params) {
    if (auto e = matrix_listing_error(input, weight, params)) throw Error(*e);
    const std::int64_t count = matrix_nonzero_count(input, weight, params);
    std::vector<MatrixEntry> entries;
    entries.reserve(static_cast<std::size_t>(count));
    for_each_matrix_entry(input, weight, params, [&](std::int64_t row, std::int64_t col, std::int64_t tap) {
        entries.push_back(
            {static_cast<std::int32_t>(row), static_cast<std::int32_t>(col), static_cast<std::int32_t>(tap)});
    });
    return entries;
}

/// Transposed convolution as y = Cᵀ · vec(x), per batch item, walking the nonzeros of C without storing them.
/// x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW] → y: [N, Cout, H_out, W_out],
/// H_out = (H − 1)·sH − 2·pH + dH·(kH − 1) + opH + 1. Throws tconv::Error for an invalid configuration.
inline Tensor conv_transpose2d_matrix(const Tensor& x, const Tensor& w, const ConvTransposeParams& params) {
    validate(x, w, params);
    const Shape4 in_shape = shape_of(x);
    const Shape4 out_shape = output_shape(in_shape, shape_of(w), params);
    Tensor y = zeros(out_shape);
    const std::int64_t in_size = in_shape[1] * in_shape[2] * in_shape[3];
    const std::int64_t out_size = out_shape[1] * out_shape[2] * out_shape[3];
    const float* weights = w.data();
    for (std::int64_t n = 0; n < in_shape[0]; ++n) {
        const float* x_vec = x.data() + n * in_size;  // vec(x[n])
        float* y_vec = y.data() + n * out_size;       // vec(y[n])
        // (Cᵀ · x)[col] = Σ_row C[row, col] · x[row]
        for_each_matrix_entry(in_shape, shape_of(w), params, [&](std::int64_t row, std::int64_t col, std::int64_t tap) {
            y_vec[col] += weights[tap] * x_vec[row];
        });
    }
    return y;
}

}  // namespace tconv
