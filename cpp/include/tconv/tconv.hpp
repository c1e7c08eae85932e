// The engine in one include: every method of 2-D transposed convolution, the forward convolution, and explain.
#pragma once

#include "conv2d.hpp"
#include "explain.hpp"
#include "fast.hpp"
#include "matrix.hpp"
#include "padded_direct.hpp"
#include "params.hpp"
#include "scatter.hpp"

#include <string>

namespace tconv {

/// The ways to compute conv_transpose2d; all give PyTorch's numbers.
enum class Method { matrix, scatter, direct, fast };

/// Parses "matrix", "scatter", "direct" or "fast"; nothing for anything else.
inline std::optional<Method> method_from_name(const std::string& name) {
    if (name == "matrix") return Method::matrix;
    if (name == "scatter") return Method::scatter;
    if (name == "direct") return Method::direct;
    if (name == "fast") return Method::fast;
    return std::nullopt;
}

/// conv_transpose2d by the chosen method. x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW] → [N, Cout, H_out, W_out].
inline Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const ConvTransposeParams& params,
                               Method method = Method::fast) {
    switch (method) {
        case Method::matrix:
            return conv_transpose2d_matrix(x, w, params);
        case Method::scatter:
            return conv_transpose2d_scatter(x, w, params);
        case Method::direct:
            return conv_transpose2d_direct(x, w, params);
        case Method::fast:
            break;
    }
    return conv_transpose2d_fast(x, w, params);
}

}  // namespace tconv
