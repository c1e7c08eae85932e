// Parameters, validation, limits and output shape of a 2-D transposed convolution.
//
// Semantics are exactly PyTorch's torch.nn.functional.conv_transpose2d:
//   input  x: [N, Cin, H, W]
//   weight w: [Cin, Cout/groups, kH, kW]
//   output y: [N, Cout, H_out, W_out]
//   H_out = (H - 1)·sH - 2·pH + dH·(kH - 1) + opH + 1   (and the same for W)
#pragma once

#include <xtensor/xtensor.hpp>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>

namespace tconv {

/// A float32 tensor of rank 4, row-major, as PyTorch lays out NCHW data.
using Tensor = xt::xtensor<float, 4>;

/// Shape of a rank-4 tensor: {N, C, H, W} for activations, {Cin, Cout/groups, kH, kW} for weights.
using Shape4 = std::array<std::int64_t, 4>;

/// One value per spatial axis.
struct Pair {
    std::int64_t h = 0;
    std::int64_t w = 0;
};

inline bool operator==(const Pair& a, const Pair& b) {
    return a.h == b.h && a.w == b.w;
}
inline bool operator!=(const Pair& a, const Pair& b) {
    return !(a == b);
}

/// Pair with the same value on both axes.
constexpr Pair square(std::int64_t v) {
    return {v, v};
}

/// The hyper-parameters of conv_transpose2d, PyTorch's defaults.
struct ConvTransposeParams {
    Pair stride{1, 1};
    Pair padding{0, 0};
    Pair output_padding{0, 0};
    Pair dilation{1, 1};
    std::int64_t groups = 1;
};

inline bool operator==(const ConvTransposeParams& a, const ConvTransposeParams& b) {
    return a.stride == b.stride && a.padding == b.padding && a.output_padding == b.output_padding &&
           a.dilation == b.dilation && a.groups == b.groups;
}
inline bool operator!=(const ConvTransposeParams& a, const ConvTransposeParams& b) {
    return !(a == b);
}

/// Documented caps. Work beyond them is refused with a message, never attempted, so that a hostile
/// configuration can neither freeze the page nor exhaust the wasm heap.
struct Limits {
    /// Any single size, channel count, stride, padding or dilation.
    static constexpr std::int64_t max_extent = 4096;
    /// Elements of any tensor the engine allocates: input, weight, output and each method's intermediates.
    static constexpr std::int64_t max_elements = std::int64_t{1} << 22;  // 4,194,304 floats = 16 MiB
    /// Multiply-adds of the most expensive method (padded direct, which also multiplies the inserted zeros).
    static constexpr std::int64_t max_multiply_adds = std::int64_t{1} << 28;  // 268,435,456
    /// Nonzeros of the matrix C listed by forward_matrix_entries (12 bytes each).
    static constexpr std::int64_t max_matrix_nonzeros = std::int64_t{1} << 22;
};

/// A rejected configuration: which parameter, which axis ("height", "width" or ""), and a sentence that names
/// the parameter, the axis, the value and the rule.
struct ValidationError {
    std::string
        parameter;     ///< "input", "weight", "stride", "padding", "output_padding", "dilation", "groups", "limits"
    std::string axis;  ///< "height", "width" or ""
    std::string message;
};

/// Thrown by the checking entry points of the native API.
class Error : public std::invalid_argument {
  public:
    explicit Error(ValidationError error) : std::invalid_argument(error.message), detail_(std::move(error)) {}
    const ValidationError& detail() const noexcept { return detail_; }

  private:
    ValidationError detail_;
};

/// Output size along one axis: (in - 1)·s - 2·p + d·(k - 1) + op + 1. May be < 1 for invalid configurations.
constexpr std::int64_t transposed_output_size(std::int64_t in, std::int64_t kernel, std::int64_t stride,
                                              std::int64_t padding, std::int64_t output_padding,
                                              std::int64_t dilation) {
    return (in - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1;
}

/// Output shape [N, Cout, H_out, W_out] for input [N, Cin, H, W] and weight [Cin, Cout/groups, kH, kW].
/// Only meaningful for a configuration that validation_error() accepts.
inline Shape4 output_shape(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params) {
    return {input[0], weight[1] * params.groups,
            transposed_output_size(input[2], weight[2], params.stride.h, params.padding.h, params.output_padding.h,
                                   params.dilation.h),
            transposed_output_size(input[3], weight[3], params.stride.w, params.padding.w, params.output_padding.w,
                                   params.dilation.w)};
}

/// Product that saturates at INT64_MAX instead of overflowing, for sizing hostile configurations.
inline std::int64_t saturating_product(std::initializer_list<std::int64_t> factors) {
    std::int64_t result = 1;
    for (std::int64_t f : factors) {
        if (f <= 0) return 0;
        if (__builtin_mul_overflow(result, f, &result)) return INT64_MAX;
    }
    return result;
}

/// Elements of a shape, saturating.
inline std::int64_t element_count(const Shape4& s) {
    return saturating_product({s[0], s[1], s[2], s[3]});
}

/// Multiply-adds of the padded direct method, which also multiplies the inserted zeros:
/// N·Cout·H_out·W_out·(Cin/groups)·kH·kW, saturating.
inline std::int64_t direct_multiply_adds(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params) {
    const Shape4 out = output_shape(input, weight, params);
    return saturating_product({out[0], out[1], out[2], out[3], input[1] / params.groups, weight[2], weight[3]});
}

/// Multiply-adds of the scatter (and matrix) methods, which stamp the whole kernel before cropping:
/// N·Cin·H·W·(Cout/groups)·kH·kW, saturating. Larger than the direct count when padding crops most of the canvas.
inline std::int64_t scatter_multiply_adds(const Shape4& input, const Shape4& weight) {
    return saturating_product({input[0], input[1], input[2], input[3], weight[1], weight[2], weight[3]});
}

/// The work cap applies to the costliest method, so that every method of an accepted configuration is cheap.
inline std::int64_t worst_multiply_adds(const Shape4& input, const Shape4& weight, const ConvTransposeParams& params) {
    return std::max(direct_multiply_adds(input, weight, params), scatter_multiply_adds(input, weight));
}

/// Size of the uncropped scatter canvas along one axis: (in - 1)·s + d·(k - 1) + 1 + op.
constexpr std::int64_t scatter_canvas_size(std::int64_t in, std::int64_t kernel, std::int64_t stride,
                                           std::int64_t output_padding, std::int64_t dilation) {
    return (in - 1) * stride + dilation * (kernel - 1) + 1 + output_padding;
}

/// Size of the zero-inserted, padded input of the direct method along one axis: H_out + d·(k - 1).
constexpr std::int64_t padded_input_size(std::int64_t out, std::int64_t kernel, std::int64_t dilation) {
    return out + dilation * (kernel - 1);
}

namespace detail {

inline std::string shape_text(const Shape4& s) {
    return "[" + std::to_string(s[0]) + ", " + std::to_string(s[1]) + ", " + std::to_string(s[2]) + ", " +
           std::to_string(s[3]) + "]";
}

inline std::optional<ValidationError> check_extent(const std::string& parameter, const std::string& axis,
                                                   const std::string& what, std::int64_t value, std::int64_t minimum) {
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

/// Checks every rule of PyTorch plus the documented Limits.
/// input_length and weight_length are the lengths of the flat data buffers; each must equal the product of its
/// shape. Returns the first violated rule, or nothing for a valid configuration.
inline std::optional<ValidationError> validation_error(const Shape4& input, std::int64_t input_length,
                                                       const Shape4& weight, std::int64_t weight_length,
                                                       const ConvTransposeParams& params) {
    using detail::axis_name;
    using detail::check_extent;
    using detail::pick;
    static const char* const input_dims[4] = {"input batch size (N)", "input channels (Cin)", "input height",
                                              "input width"};
    static const char* const weight_dims[4] = {"weight input channels (shape[0])",
                                               "weight output channels per group (shape[1])", "kernel height",
                                               "kernel width"};
    static const char* const dim_axes[4] = {"", "", "height", "width"};
    for (int i = 0; i < 4; ++i)
        if (auto e = check_extent("input", dim_axes[i], input_dims[i], input[i], 1)) return e;
    for (int i = 0; i < 4; ++i)
        if (auto e = check_extent("weight", dim_axes[i], weight_dims[i], weight[i], 1)) return e;

    for (int axis = 0; axis < 2; ++axis) {
        const std::string name = axis_name(axis);
        if (auto e = check_extent("stride", name, "stride (" + name + ")", pick(params.stride, axis), 1)) return e;
        if (auto e = check_extent("dilation", name, "dilation (" + name + ")", pick(params.dilation, axis), 1))
            return e;
        if (auto e = check_extent("padding", name, "padding (" + name + ")", pick(params.padding, axis), 0)) return e;
        if (auto e = check_extent("output_padding", name, "output_padding (" + name + ")",
                                  pick(params.output_padding, axis), 0))
            return e;
        const std::int64_t stride = pick(params.stride, axis);
        const std::int64_t dilation = pick(params.dilation, axis);
        const std::int64_t output_padding = pick(params.output_padding, axis);
        // PyTorch's rule: output_padding selects among the max(stride, dilation) input sizes that a forward
        // convolution maps to the same size, so it must stay below that count.
        if (output_padding >= std::max(stride, dilation))
            return ValidationError{"output_padding", name,
                                   "output_padding (" + name + ") is " + std::to_string(output_padding) +
                                       " but must be smaller than stride " + std::to_string(stride) + " or dilation " +
                                       std::to_string(dilation)};
    }

    if (auto e = check_extent("groups", "", "groups", params.groups, 1)) return e;
    if (weight[0] != input[1])
        return ValidationError{"weight", "",
                               "weight shape[0] is " + std::to_string(weight[0]) +
                                   " but must equal the input channels (Cin = " + std::to_string(input[1]) +
                                   "); PyTorch's transposed weight layout is [Cin, Cout/groups, kH, kW]"};
    if (input[1] % params.groups != 0)
        return ValidationError{"groups", "",
                               "groups is " + std::to_string(params.groups) +
                                   " but must divide the input channels (Cin = " + std::to_string(input[1]) + ")"};
    if (weight[1] * params.groups > Limits::max_extent)
        return ValidationError{"groups", "",
                               "output channels (Cout = groups " + std::to_string(params.groups) + " x " +
                                   std::to_string(weight[1]) + ") exceed the engine's limit of " +
                                   std::to_string(Limits::max_extent)};

    const Shape4 out = output_shape(input, weight, params);
    for (int axis = 0; axis < 2; ++axis) {
        const std::string name = axis_name(axis);
        const std::int64_t size = out[2 + axis];
        if (size < 1) {
            const std::int64_t in = input[2 + axis], k = weight[2 + axis];
            return ValidationError{
                "padding", name,
                "output " + name + " is (" + std::to_string(in) + "-1)*" + std::to_string(pick(params.stride, axis)) +
                    " - 2*" + std::to_string(pick(params.padding, axis)) + " + " +
                    std::to_string(pick(params.dilation, axis)) + "*(" + std::to_string(k) + "-1) + " +
                    std::to_string(pick(params.output_padding, axis)) + " + 1 = " + std::to_string(size) +
                    " but must be at least 1; padding (" + name + ") " + std::to_string(pick(params.padding, axis)) +
                    " crops more than the whole result"};
        }
    }

    const std::int64_t input_elements = element_count(input);
    const std::int64_t weight_elements = element_count(weight);
    const Shape4 canvas = {
        input[0], out[1],
        scatter_canvas_size(input[2], weight[2], params.stride.h, params.output_padding.h, params.dilation.h),
        scatter_canvas_size(input[3], weight[3], params.stride.w, params.output_padding.w, params.dilation.w)};
    const Shape4 padded = {input[0], input[1], padded_input_size(out[2], weight[2], params.dilation.h),
                           padded_input_size(out[3], weight[3], params.dilation.w)};
    const struct {
        const char* what;
        std::int64_t count;
    } sized[] = {{"input", input_elements},
                 {"weight", weight_elements},
                 {"output", element_count(out)},
                 {"uncropped scatter canvas", element_count(canvas)},
                 {"zero-inserted padded input", element_count(padded)}};
    for (const auto& s : sized)
        if (s.count > Limits::max_elements)
            return ValidationError{"limits", "",
                                   std::string(s.what) + " would have " + std::to_string(s.count) +
                                       " elements but the engine's limit is " + std::to_string(Limits::max_elements)};
    const std::int64_t work = worst_multiply_adds(input, weight, params);
    if (work > Limits::max_multiply_adds)
        return ValidationError{"limits", "",
                               "the computation would take " + std::to_string(work) +
                                   " multiply-adds but the engine's limit is " +
                                   std::to_string(Limits::max_multiply_adds)};

    if (input_length != input_elements)
        return ValidationError{"input", "",
                               "input data has " + std::to_string(input_length) + " values but shape " +
                                   detail::shape_text(input) + " needs " + std::to_string(input_elements)};
    if (weight_length != weight_elements)
        return ValidationError{"weight", "",
                               "weight data has " + std::to_string(weight_length) + " values but shape " +
                                   detail::shape_text(weight) + " needs " + std::to_string(weight_elements)};
    return std::nullopt;
}

/// Shape of a tensor as a Shape4.
inline Shape4 shape_of(const Tensor& t) {
    return {static_cast<std::int64_t>(t.shape()[0]), static_cast<std::int64_t>(t.shape()[1]),
            static_cast<std::int64_t>(t.shape()[2]), static_cast<std::int64_t>(t.shape()[3])};
}

/// Throws tconv::Error if the tensors and parameters do not form a valid configuration.
inline void validate(const Tensor& input, const Tensor& weight, const ConvTransposeParams& params) {
    if (auto e = validation_error(shape_of(input), static_cast<std::int64_t>(input.size()), shape_of(weight),
                                  static_cast<std::int64_t>(weight.size()), params))
        throw Error(*e);
}

/// A zero-filled tensor of the given shape.
inline Tensor zeros(const Shape4& s) {
    Tensor t = Tensor::from_shape({static_cast<std::size_t>(s[0]), static_cast<std::size_t>(s[1]),
                                   static_cast<std::size_t>(s[2]), static_cast<std::size_t>(s[3])});
    t.fill(0.0f);
    return t;
}

}  // namespace tconv
