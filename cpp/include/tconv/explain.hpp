// Where one output number comes from: the products of input values and kernel taps that sum to it.
#pragma once

#include "params.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tconv {

/// One product that contributes to an output cell.
struct Term {
    std::array<std::int64_t, 4> input;   ///< [n, ci, i, j] into x
    std::array<std::int64_t, 4> weight;  ///< [ci, co_local, kh, kw] into w
    float x = 0.0f;
    float w = 0.0f;
    float product = 0.0f;
};

/// The value of one output cell and its terms, ordered by ci, then kh, then kw.
struct Explanation {
    float value = 0.0f;
    std::vector<Term> terms;
};

/// Checks that cell [n, co, r, c] lies inside the output of shape out [N, Cout, H_out, W_out].
inline std::optional<ValidationError> explain_cell_error(const Shape4& out, const Shape4& cell) {
    static const char* const names[4] = {"batch index", "output channel", "row", "column"};
    static const char* const axes[4] = {"", "", "height", "width"};
    for (int i = 0; i < 4; ++i)
        if (cell[i] < 0 || cell[i] >= out[i])
            return ValidationError{"cell", axes[i],
                                   std::string(names[i]) + " is " + std::to_string(cell[i]) + " but the output has " +
                                       std::to_string(out[i]) + " (valid: 0 to " + std::to_string(out[i] - 1) + ")"};
    return std::nullopt;
}

/// Explains y[n, co, r, c] of conv_transpose2d(x, w): the input pixel (i, j) of channel ci contributes through tap
/// (kh, kw) exactly when r = i·sH − pH + kh·dH and c = j·sW − pW + kw·dW.
/// x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW]. Throws tconv::Error for an invalid configuration or a cell
/// outside the output [N, Cout, H_out, W_out].
inline Explanation explain(const Tensor& x, const Tensor& w, const ConvTransposeParams& params, std::int64_t n,
                           std::int64_t co, std::int64_t r, std::int64_t c) {
    validate(x, w, params);
    const Shape4 in = shape_of(x), k = shape_of(w), out = output_shape(in, k, params);
    if (auto e = explain_cell_error(out, {n, co, r, c})) throw Error(*e);
    const std::int64_t out_per_group = k[1], in_per_group = in[1] / params.groups;
    const std::int64_t group = co / out_per_group, co_local = co % out_per_group;
    Explanation result;
    for (std::int64_t ci = group * in_per_group; ci < (group + 1) * in_per_group; ++ci)
        for (std::int64_t kh = 0; kh < k[2]; ++kh) {
            const std::int64_t row_offset = r + params.padding.h - kh * params.dilation.h;  // = i·sH
            if (row_offset < 0 || row_offset % params.stride.h != 0 || row_offset / params.stride.h >= in[2]) continue;
            const std::int64_t i = row_offset / params.stride.h;
            for (std::int64_t kw = 0; kw < k[3]; ++kw) {
                const std::int64_t col_offset = c + params.padding.w - kw * params.dilation.w;  // = j·sW
                if (col_offset < 0 || col_offset % params.stride.w != 0 || col_offset / params.stride.w >= in[3])
                    continue;
                const std::int64_t j = col_offset / params.stride.w;
                Term term;
                term.input = {n, ci, i, j};
                term.weight = {ci, co_local, kh, kw};
                term.x = x(n, ci, i, j);
                term.w = w(ci, co_local, kh, kw);
                term.product = term.x * term.w;
                result.value += term.product;
                result.terms.push_back(term);
            }
        }
    return result;
}

}  // namespace tconv
