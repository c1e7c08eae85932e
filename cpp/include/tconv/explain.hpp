// Where one output number comes from: the products of input values and kernel taps that sum to it, then the bias.
#pragma once

#include "params.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tconv {

/// One product that contributes to an output cell, with canonical indices.
struct TermN {
    Shape5 input{};   ///< [n, ci, i0, i1, i2] into x
    Shape5 weight{};  ///< [ci, co_local, k0, k1, k2] into w
    float x = 0.0f;
    float w = 0.0f;
    float product = 0.0f;
};

/// The value of one output cell: its terms (ordered by ci, then the kernel index, row-major), then the bias.
struct ExplanationN {
    float value = 0.0f;  ///< the sum of the products, plus the bias if there is one
    std::vector<TermN> terms;
    bool has_bias = false;
    float bias = 0.0f;            ///< b[bias_index]
    std::int64_t bias_index = 0;  ///< the output channel
};

/// Checks that canonical cell [n, co, o0, o1, o2] lies inside the output; the message names the rank's axes.
inline std::optional<ValidationError> explain_cell_error(const Geometry& g, const Shape5& cell) {
    const Shape5 out = g.output5();
    for (int i = 0; i < 5; ++i) {
        if (i >= 2 && i - 2 < g.first_axis()) continue;
        if (cell[i] >= 0 && cell[i] < out[i]) continue;
        const std::string name = i == 0   ? "batch index"
                                 : i == 1 ? "output channel"
                                          : std::string("output ") + axis_name(g.rank, i - 2) + " index";
        return ValidationError{"cell", i >= 2 ? axis_name(g.rank, i - 2) : "",
                               name + " is " + std::to_string(cell[i]) + " but the output has " +
                                   std::to_string(out[i]) + " (valid: 0 to " + std::to_string(out[i] - 1) + ")"};
    }
    return std::nullopt;
}

/// Explains output cell `cell` (canonical): input cell i of channel ci contributes through tap k exactly when
/// o = i·s − before + k·d on every axis. Precondition: g is valid and the cell inside (explain_cell_error).
inline ExplanationN explain(const Geometry& g, const float* x, const float* w, const float* b, const Shape5& cell) {
    const Shape5 in = g.input5(), k = g.weight5();
    const Shape5 is = strides_of(in), ks = strides_of(k);
    const std::int64_t n = cell[0], co = cell[1];
    const std::int64_t group = co / g.out_per_group, col = co % g.out_per_group, in_per_group = g.in_per_group();
    // Per axis, the (tap, input) pairs that land on the cell.
    std::array<std::vector<std::array<std::int64_t, 2>>, 3> landing;
    for (int a = 0; a < 3; ++a) {
        const AxisGeometry& A = g.axes[a];
        for (std::int64_t t = 0; t < A.kernel; ++t) {
            const std::int64_t offset = cell[2 + a] + A.before - t * A.dilation;  // = i·s
            if (offset < 0 || offset % A.stride != 0 || offset / A.stride >= A.in) continue;
            landing[a].push_back({t, offset / A.stride});
        }
    }
    ExplanationN result;
    for (std::int64_t ci = group * in_per_group; ci < (group + 1) * in_per_group; ++ci)
        for (const auto& l0 : landing[0])
            for (const auto& l1 : landing[1])
                for (const auto& l2 : landing[2]) {
                    TermN term;
                    term.input = {n, ci, l0[1], l1[1], l2[1]};
                    term.weight = {ci, col, l0[0], l1[0], l2[0]};
                    term.x = x[n * is[0] + ci * is[1] + l0[1] * is[2] + l1[1] * is[3] + l2[1]];
                    term.w = w[ci * ks[0] + col * ks[1] + l0[0] * ks[2] + l1[0] * ks[3] + l2[0]];
                    term.product = term.x * term.w;
                    result.value += term.product;
                    result.terms.push_back(term);
                }
    if (b) {
        result.has_bias = true;
        result.bias = b[co];
        result.bias_index = co;
        result.value += result.bias;
    }
    return result;
}

// ---- 2-D convenience -----------------------------------------------------------------------------------------------

/// One product that contributes to an output cell of a 2-D convolution.
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
    Geometry g;
    g.batch = out[0];
    g.out_per_group = out[1];
    g.axes[1].in = out[2];  // stride 1, kernel 1, no padding: out = in
    g.axes[2].in = out[3];
    return explain_cell_error(g, {cell[0], cell[1], 0, cell[2], cell[3]});
}

/// Explains y[n, co, r, c] of conv_transpose2d(x, w): the input pixel (i, j) of channel ci contributes through tap
/// (kh, kw) exactly when r = i·sH − pH + kh·dH and c = j·sW − pW + kw·dW. Throws tconv::Error for an invalid
/// configuration or a cell outside the output [N, Cout, H_out, W_out].
inline Explanation explain(const Tensor& x, const Tensor& w, const ConvTransposeParams& params, std::int64_t n,
                           std::int64_t co, std::int64_t r, std::int64_t c) {
    const Geometry g = validate(x, w, params);
    const Shape5 cell{n, co, 0, r, c};
    if (auto e = explain_cell_error(g, cell)) throw Error(*e);
    const ExplanationN e = explain(g, x.data(), w.data(), nullptr, cell);
    Explanation result;
    result.value = e.value;
    for (const TermN& t : e.terms)
        result.terms.push_back({{t.input[0], t.input[1], t.input[3], t.input[4]},
                                {t.weight[0], t.weight[1], t.weight[3], t.weight[4]},
                                t.x,
                                t.w,
                                t.product});
    return result;
}

}  // namespace tconv
