// The engine in one include: every method of transposed convolution (rank 1, 2 and 3), its artifacts, the forward
// convolution, and explain.
#pragma once

#include "conv2d.hpp"
#include "explain.hpp"
#include "fast.hpp"
#include "influence.hpp"
#include "matrix.hpp"
#include "padded_direct.hpp"
#include "params.hpp"
#include "scatter.hpp"
#include "subpixel.hpp"

#include <xtensor/xarray.hpp>

#include <optional>
#include <string>

namespace tconv {

/// The ways to compute a transposed convolution; all give PyTorch's numbers.
enum class Method { matrix, scatter, padded_direct, fast };

/// The name of a method, as the CLI and the JS API write it.
inline const char* method_name(Method m) {
    switch (m) {
        case Method::matrix:
            return "matrix";
        case Method::scatter:
            return "scatter";
        case Method::padded_direct:
            return "padded_direct";
        case Method::fast:
            break;
    }
    return "fast";
}

/// Parses "matrix", "scatter", "padded_direct" (or its old spelling "direct") or "fast"; nothing for anything else.
inline std::optional<Method> method_from_name(const std::string& name) {
    if (name == "matrix") return Method::matrix;
    if (name == "scatter") return Method::scatter;
    if (name == "padded_direct" || name == "direct") return Method::padded_direct;
    if (name == "fast") return Method::fast;
    return std::nullopt;
}

/// The transposed convolution of a resolved geometry by the chosen method, on canonical buffers: x input5, w weight5,
/// b [Cout] or null, y output5 (volume(g.output5()) floats).
inline void conv_transpose(const Geometry& g, const float* x, const float* w, const float* b, float* y,
                           Method method = Method::fast) {
    switch (method) {
        case Method::matrix:
            return conv_transpose_matrix(g, x, w, b, y);
        case Method::scatter:
            return conv_transpose_scatter(g, x, w, b, y);
        case Method::padded_direct:
            return conv_transpose_padded_direct(g, x, w, b, y);
        case Method::fast:
            break;
    }
    conv_transpose_fast(g, x, w, b, y);
}

/// A float32 tensor of any rank, row-major.
using Array = xt::xarray<float>;

inline Shape shape_of(const Array& a) {
    return Shape(a.shape().begin(), a.shape().end());
}

/// conv_transpose1d/2d/3d (rank from w): x [N, Cin, spatial...] or unbatched [Cin, spatial...], w [Cin,
/// Cout/groups, k...], bias [Cout] or null → y [N, Cout, out...] (unbatched input: [Cout, out...]), with
/// out = (in − 1)·s + d·(k − 1) + 1 + output_padding − before − after per axis (params.hpp resolves padding modes and
/// output_size). Throws tconv::Error for an invalid configuration.
inline Array conv_transpose(const Array& x, const Array& w, const ConvTransposeOptions& options,
                            Method method = Method::fast, const Array* bias = nullptr) {
    const Geometry g = resolve_or_throw(shape_of(x), static_cast<std::int64_t>(x.size()), shape_of(w),
                                        static_cast<std::int64_t>(w.size()), options,
                                        bias ? static_cast<std::int64_t>(bias->size()) : -1);
    const Shape out = g.output_shape();
    Array y = Array::from_shape(std::vector<std::size_t>(out.begin(), out.end()));
    conv_transpose(g, x.data(), w.data(), bias ? bias->data() : nullptr, y.data(), method);
    return y;
}

/// conv_transpose2d by the chosen method. x: [N, Cin, H, W], w: [Cin, Cout/groups, kH, kW] → [N, Cout, H_out, W_out].
inline Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const ConvTransposeParams& params,
                               Method method = Method::fast) {
    const Geometry g = validate(x, w, params);
    const Shape5 o = g.output5();
    Tensor y = zeros({o[0], o[1], o[3], o[4]});
    conv_transpose(g, x.data(), w.data(), nullptr, y.data(), method);
    return y;
}

}  // namespace tconv
