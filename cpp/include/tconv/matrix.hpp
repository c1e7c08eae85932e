// Method 1: the matrix view. The forward convolution that maps the transposed convolution's output back to its
// input is a sparse matrix C; the transposed convolution is Cᵀ · vec(input) (+ bias), which is where its name
// comes from.
#pragma once

#include "params.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace tconv {

/// One nonzero of the forward-convolution matrix C (per batch item).
///   row: index into vec(input of the transposed conv), row-major over [Cin, spatial...],   0 ≤ row < Cin·Π in
///   col: index into vec(output of the transposed conv), row-major over [Cout, out...],      0 ≤ col < Cout·Π out
///   weight_index: flat index of the kernel tap in w [Cin, Cout/groups, k...]; the entry's value is w[weight_index].
struct MatrixEntry {
    std::int32_t row;
    std::int32_t col;
    std::int32_t weight_index;
};

/// Calls visit(row, col, weight_index) for every nonzero of C, in increasing row order and, within a row, in
/// increasing column order. Row (ci, i) of C is the forward convolution's output cell i of channel ci: it reads the
/// large tensor at (co, i·s − before + k·d per axis) with weight w[ci, co mod Cout/g, k] for every output channel co
/// of ci's group and every tap that lands inside the output.
template <class Visit>
void for_each_matrix_entry(const Geometry& g, Visit&& visit) {
    const Shape5 in = g.input5(), k = g.weight5(), out = g.output5();
    const auto& A = g.axes;
    const std::int64_t in_per_group = g.in_per_group(), out_per_group = g.out_per_group;
    std::int64_t row = 0;
    for (std::int64_t ci = 0; ci < in[1]; ++ci) {
        const std::int64_t group = ci / in_per_group;
        for (std::int64_t i0 = 0; i0 < in[2]; ++i0)
            for (std::int64_t i1 = 0; i1 < in[3]; ++i1)
                for (std::int64_t i2 = 0; i2 < in[4]; ++i2, ++row)
                    for (std::int64_t col_local = 0; col_local < out_per_group; ++col_local) {
                        const std::int64_t co = group * out_per_group + col_local;
                        for (std::int64_t k0 = 0; k0 < k[2]; ++k0) {
                            const std::int64_t o0 = i0 * A[0].stride - A[0].before + k0 * A[0].dilation;
                            if (o0 < 0 || o0 >= out[2]) continue;
                            for (std::int64_t k1 = 0; k1 < k[3]; ++k1) {
                                const std::int64_t o1 = i1 * A[1].stride - A[1].before + k1 * A[1].dilation;
                                if (o1 < 0 || o1 >= out[3]) continue;
                                for (std::int64_t k2 = 0; k2 < k[4]; ++k2) {
                                    const std::int64_t o2 = i2 * A[2].stride - A[2].before + k2 * A[2].dilation;
                                    if (o2 < 0 || o2 >= out[4]) continue;
                                    const std::int64_t col = ((co * out[2] + o0) * out[3] + o1) * out[4] + o2;
                                    const std::int64_t tap =
                                        (((ci * out_per_group + col_local) * k[2] + k0) * k[3] + k1) * k[4] + k2;
                                    visit(row, col, tap);
                                }
                            }
                        }
                    }
    }
}

/// Number of nonzeros of C (per batch item), from the axes separately: a tap lands or not by each axis alone, so
/// the count is Cin · (Cout/groups) · Π (landing (i, k) pairs of the axis).
inline std::int64_t matrix_nonzero_count(const Geometry& g) {
    std::int64_t count = saturating_product({g.in_channels, g.out_per_group});
    for (const AxisGeometry& a : g.axes) {
        std::int64_t pairs = 0;
        for (std::int64_t i = 0; i < a.in; ++i)
            for (std::int64_t t = 0; t < a.kernel; ++t) {
                const std::int64_t o = i * a.stride - a.before + t * a.dilation;
                pairs += (o >= 0 && o < a.out()) ? 1 : 0;
            }
        count = saturating_product({count, pairs});
    }
    return count;
}

/// Refuses to list C when it has more than Limits::max_matrix_nonzeros nonzeros.
inline std::optional<ValidationError> matrix_listing_error(const Geometry& g) {
    const std::int64_t count = matrix_nonzero_count(g);
    if (count <= Limits::max_matrix_nonzeros) return std::nullopt;
    return ValidationError{"limits", "",
                           "the matrix C would have " + std::to_string(count) +
                               " nonzeros but the engine's limit for listing them is " +
                               std::to_string(Limits::max_matrix_nonzeros)};
}

/// The nonzeros of C, sorted by row then column. C has Cin·Π in rows and Cout·Π out columns.
/// Throws tconv::Error when the count exceeds Limits::max_matrix_nonzeros.
inline std::vector<MatrixEntry> forward_matrix_entries(const Geometry& g) {
    if (auto e = matrix_listing_error(g)) throw Error(*e);
    std::vector<MatrixEntry> entries;
    entries.reserve(static_cast<std::size_t>(matrix_nonzero_count(g)));
    for_each_matrix_entry(g, [&](std::int64_t row, std::int64_t col, std::int64_t tap) {
        entries.push_back(
            {static_cast<std::int32_t>(row), static_cast<std::int32_t>(col), static_cast<std::int32_t>(tap)});
    });
    return entries;
}

/// Transposed convolution as y = Cᵀ · vec(x) + b, per batch item, walking the nonzeros of C without storing them.
/// b: [Cout] or null; y: volume(g.output5()) floats.
inline void conv_transpose_matrix(const Geometry& g, const float* x, const float* w, const float* b, float* y) {
    const Shape5 out = g.output5();
    const std::int64_t in_size = g.in_channels * g.axes[0].in * g.axes[1].in * g.axes[2].in;
    const std::int64_t plane = out[2] * out[3] * out[4], out_size = out[1] * plane;
    for (std::int64_t n = 0; n < out[0]; ++n) {
        const float* x_vec = x + n * in_size;  // vec(x[n])
        float* y_vec = y + n * out_size;       // vec(y[n])
        std::fill(y_vec, y_vec + out_size, 0.0f);
        // (Cᵀ · x)[col] = Σ_row C[row, col] · x[row]
        for_each_matrix_entry(
            g, [&](std::int64_t row, std::int64_t col, std::int64_t tap) { y_vec[col] += w[tap] * x_vec[row]; });
        if (b)
            for (std::int64_t co = 0; co < out[1]; ++co)
                for (std::int64_t p = 0; p < plane; ++p) y_vec[co * plane + p] += b[co];
    }
}

// ---- 2-D convenience -----------------------------------------------------------------------------------------------

template <class Visit>
void for_each_matrix_entry(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params,
                           Visit&& visit) {
    for_each_matrix_entry(geometry_of(input, weight, params), std::forward<Visit>(visit));
}

inline std::int64_t matrix_nonzero_count(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params) {
    return matrix_nonzero_count(geometry_of(input, weight, params));
}

inline std::optional<ValidationError> matrix_listing_error(const Shape4& input, const Shape4& weight,
                                                           const ConvTransposeParams& params) {
    return matrix_listing_error(geometry_of(input, weight, params));
}

inline std::vector<MatrixEntry> forward_matrix_entries(const Shape4& input, const Shape4& weight,
                                                       const ConvTransposeParams& params) {
    return forward_matrix_entries(geometry_of(input, weight, params));
}

/// conv_transpose2d as y = Cᵀ · vec(x). x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW] → y: [N, Cout, H_out,
/// W_out]. Throws tconv::Error for an invalid configuration.
inline Tensor conv_transpose2d_matrix(const Tensor& x, const Tensor& w, const ConvTransposeParams& params) {
    const Geometry g = validate(x, w, params);
    const Shape5 o = g.output5();
    Tensor y = zeros({o[0], o[1], o[3], o[4]});
    conv_transpose_matrix(g, x.data(), w.data(), nullptr, y.data());
    return y;
}

}  // namespace tconv
