// The forward convolution (PyTorch's conv2d, a cross-correlation) and its gradient with respect to the input.
// The playground uses them to show the identity behind Cᵀ and the gradient: conv_transpose2d(g, w)
// equals ∂⟨conv2d(x, w), g⟩/∂x, the gradient applied to an upstream gradient g (not to the forward output y).
#pragma once

#include "params.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace tconv {

namespace detail {

inline std::optional<ValidationError> check_conv_extent(const std::string& parameter, const std::string& axis,
                                                        const std::string& what, std::int64_t value,
                                                        std::int64_t minimum) {
    if (value < minimum)
        return ValidationError{
            parameter, axis,
            what + " is " + std::to_string(value) + " but must be at least " + std::to_string(minimum)};
    if (value > Limits::max_extent)
        return ValidationError{
            parameter, axis,
            what + " is " + std::to_string(value) + " but the engine's limit is " + std::to_string(Limits::max_extent)};
    return std::nullopt;
}

inline std::string axis_name(int axis) {
    return axis == 0 ? "height" : "width";
}

inline std::int64_t pick(const Pair& p, int axis) {
    return axis == 0 ? p.h : p.w;
}

}  // namespace detail

/// Hyper-parameters of conv2d, PyTorch's defaults.
struct Conv2dParams {
    Pair stride{1, 1};
    Pair padding{0, 0};
    Pair dilation{1, 1};
    std::int64_t groups = 1;
};

/// Output size of conv2d along one axis: ⌊(in + 2·p − d·(k − 1) − 1) / s⌋ + 1.
constexpr std::int64_t conv_output_size(std::int64_t in, std::int64_t kernel, std::int64_t stride, std::int64_t padding,
                                        std::int64_t dilation) {
    return (in + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
}

/// The transposed-convolution parameters whose result has the shape of conv2d's input: output_padding is the
/// remainder that the floor in conv_output_size dropped.
inline ConvTransposeParams transposed_params_for(const Shape4& conv_input, const Shape4& weight,
                                                 const Conv2dParams& p) {
    ConvTransposeParams t;
    t.stride = p.stride;
    t.padding = p.padding;
    t.dilation = p.dilation;
    t.groups = p.groups;
    t.output_padding.h = (conv_input[2] + 2 * p.padding.h - p.dilation.h * (weight[2] - 1) - 1) % p.stride.h;
    t.output_padding.w = (conv_input[3] + 2 * p.padding.w - p.dilation.w * (weight[3] - 1) - 1) % p.stride.w;
    return t;
}

/// Checks conv2d's rules: x [N, Cin, H, W], w [Cout, Cin/groups, kH, kW], positive output size, and the Limits.
inline std::optional<ValidationError> conv2d_validation_error(const Shape4& input, const Shape4& weight,
                                                              const Conv2dParams& p) {
    for (int i = 0; i < 4; ++i) {
        if (input[i] < 1 || input[i] > Limits::max_extent)
            return ValidationError{"input", "",
                                   "input shape " + detail::shape_text(input) + " must have every size between 1 and " +
                                       std::to_string(Limits::max_extent)};
        if (weight[i] < 1 || weight[i] > Limits::max_extent)
            return ValidationError{"weight", "",
                                   "weight shape " + detail::shape_text(weight) +
                                       " must have every size between 1 and " + std::to_string(Limits::max_extent)};
    }
    for (int axis = 0; axis < 2; ++axis) {
        const std::string name = detail::axis_name(axis);
        if (auto e =
                detail::check_conv_extent("stride", name, "stride (" + name + ")", detail::pick(p.stride, axis), 1))
            return e;
        if (auto e = detail::check_conv_extent("dilation", name, "dilation (" + name + ")",
                                               detail::pick(p.dilation, axis), 1))
            return e;
        if (auto e =
                detail::check_conv_extent("padding", name, "padding (" + name + ")", detail::pick(p.padding, axis), 0))
            return e;
    }
    if (auto e = detail::check_conv_extent("groups", "", "groups", p.groups, 1)) return e;
    if (input[1] % p.groups != 0 || weight[0] % p.groups != 0)
        return ValidationError{"groups", "",
                               "groups is " + std::to_string(p.groups) + " but must divide both channel counts (" +
                                   std::to_string(input[1]) + " in, " + std::to_string(weight[0]) + " out)"};
    if (weight[1] * p.groups != input[1])
        return ValidationError{"weight", "",
                               "weight shape[1] is " + std::to_string(weight[1]) +
                                   " but must be Cin/groups = " + std::to_string(input[1] / p.groups) +
                                   "; conv2d's weight layout is [Cout, Cin/groups, kH, kW]"};
    for (int axis = 0; axis < 2; ++axis) {
        const std::int64_t in = input[2 + axis], k = weight[2 + axis];
        const std::int64_t pad = detail::pick(p.padding, axis), dil = detail::pick(p.dilation, axis);
        const std::int64_t span = dil * (k - 1) + 1;  // extent of the dilated kernel
        if (in + 2 * pad < span)
            return ValidationError{"weight", detail::axis_name(axis),
                                   "the dilated kernel spans " + std::to_string(span) + " (dilation " +
                                       std::to_string(dil) + " x (" + std::to_string(k) +
                                       "-1) + 1) but the padded input " + detail::axis_name(axis) + " is only " +
                                       std::to_string(in + 2 * pad)};
    }
    const std::int64_t out_h = conv_output_size(input[2], weight[2], p.stride.h, p.padding.h, p.dilation.h);
    const std::int64_t out_w = conv_output_size(input[3], weight[3], p.stride.w, p.padding.w, p.dilation.w);
    const std::int64_t work = saturating_product({input[0], weight[0], out_h, out_w, weight[1], weight[2], weight[3]});
    if (element_count(input) > Limits::max_elements || element_count(weight) > Limits::max_elements ||
        saturating_product({input[0], weight[0], out_h, out_w}) > Limits::max_elements ||
        work > Limits::max_multiply_adds)
        return ValidationError{"limits", "",
                               "conv2d of this size exceeds the engine's limits (" +
                                   std::to_string(Limits::max_elements) + " elements, " +
                                   std::to_string(Limits::max_multiply_adds) + " multiply-adds)"};
    return std::nullopt;
}

/// Output shape of conv2d: [N, Cout, ⌊(H + 2·pH − dH·(kH − 1) − 1) / sH⌋ + 1, likewise W].
inline Shape4 conv2d_output_shape(const Shape4& input, const Shape4& weight, const Conv2dParams& p) {
    return {input[0], weight[0], conv_output_size(input[2], weight[2], p.stride.h, p.padding.h, p.dilation.h),
            conv_output_size(input[3], weight[3], p.stride.w, p.padding.w, p.dilation.w)};
}

/// PyTorch's conv2d (cross-correlation): y[n, co, oy, ox] = Σ x[n, ci, oy·s − p + kh·d, ox·s − p + kw·d] · w[co,
/// ci_local, kh, kw]. x: [N, Cin, H, W], w: [Cout, Cin/groups, kH, kW]. Throws tconv::Error for an invalid
/// configuration.
inline Tensor conv2d(const Tensor& x, const Tensor& w, const Conv2dParams& p) {
    if (auto e = conv2d_validation_error(shape_of(x), shape_of(w), p)) throw Error(*e);
    const Shape4 in = shape_of(x), k = shape_of(w), out = conv2d_output_shape(in, k, p);
    const std::int64_t out_per_group = k[0] / p.groups, in_per_group = k[1];
    Tensor y = zeros(out);
    for (std::int64_t n = 0; n < out[0]; ++n)
        for (std::int64_t co = 0; co < out[1]; ++co) {
            const std::int64_t first_ci = (co / out_per_group) * in_per_group;
            for (std::int64_t oy = 0; oy < out[2]; ++oy)
                for (std::int64_t ox = 0; ox < out[3]; ++ox) {
                    float sum = 0.0f;
                    for (std::int64_t ci_local = 0; ci_local < in_per_group; ++ci_local)
                        for (std::int64_t kh = 0; kh < k[2]; ++kh) {
                            const std::int64_t iy = oy * p.stride.h - p.padding.h + kh * p.dilation.h;
                            if (iy < 0 || iy >= in[2]) continue;
                            for (std::int64_t kw = 0; kw < k[3]; ++kw) {
                                const std::int64_t ix = ox * p.stride.w - p.padding.w + kw * p.dilation.w;
                                if (ix < 0 || ix >= in[3]) continue;
                                sum += x(n, first_ci + ci_local, iy, ix) * w(co, ci_local, kh, kw);
                            }
                        }
                    y(n, co, oy, ox) = sum;
                }
        }
    return y;
}

/// Gradient of ⟨conv2d(x, w), g⟩ with respect to x, for an upstream gradient g of conv2d's output shape.
/// This is backpropagation written from the forward loop: each product x·w in conv2d sends g·w back to that x.
/// input_shape: [N, Cin, H, W]; w: [Cout, Cin/groups, kH, kW]; g: conv2d_output_shape(input_shape, w) → [N, Cin, H, W].
/// Throws tconv::Error for an invalid configuration or a g of the wrong shape.
inline Tensor conv2d_input_grad(const Shape4& input_shape, const Tensor& w, const Tensor& g, const Conv2dParams& p) {
    if (auto e = conv2d_validation_error(input_shape, shape_of(w), p)) throw Error(*e);
    const Shape4 k = shape_of(w), out = conv2d_output_shape(input_shape, k, p);
    if (shape_of(g) != out)
        throw Error(ValidationError{"input", "",
                                    "upstream gradient has shape " + detail::shape_text(shape_of(g)) +
                                        " but conv2d's output has shape " + detail::shape_text(out)});
    const std::int64_t out_per_group = k[0] / p.groups, in_per_group = k[1];
    Tensor grad = zeros(input_shape);
    for (std::int64_t n = 0; n < out[0]; ++n)
        for (std::int64_t co = 0; co < out[1]; ++co) {
            const std::int64_t first_ci = (co / out_per_group) * in_per_group;
            for (std::int64_t oy = 0; oy < out[2]; ++oy)
                for (std::int64_t ox = 0; ox < out[3]; ++ox)
                    for (std::int64_t ci_local = 0; ci_local < in_per_group; ++ci_local)
                        for (std::int64_t kh = 0; kh < k[2]; ++kh) {
                            const std::int64_t iy = oy * p.stride.h - p.padding.h + kh * p.dilation.h;
                            if (iy < 0 || iy >= input_shape[2]) continue;
                            for (std::int64_t kw = 0; kw < k[3]; ++kw) {
                                const std::int64_t ix = ox * p.stride.w - p.padding.w + kw * p.dilation.w;
                                if (ix < 0 || ix >= input_shape[3]) continue;
                                grad(n, first_ci + ci_local, iy, ix) += g(n, co, oy, ox) * w(co, ci_local, kh, kw);
                            }
                        }
        }
    return grad;
}

}  // namespace tconv
