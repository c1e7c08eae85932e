// Parameters, validation, limits and output shape of a transposed convolution of spatial rank 1, 2 or 3.
//
// Semantics are PyTorch's conv_transpose1d/2d/3d, with the padding vocabulary of ONNX and TensorFlow on top:
//   input  x: [N, Cin, spatial...]           (or unbatched [Cin, spatial...], giving an unbatched output)
//   weight w: [Cin, Cout/groups, kernel...]  (the rank r = weight rank − 2 is 1, 2 or 3)
//   bias   b: [Cout], optional, added to every output cell
//   output y: [N, Cout, out...]
//
// Along each spatial axis the *full* result of the scatter (every stamp, nothing cropped) has
//   full = (in − 1)·s + d·(k − 1) + 1 + output_padding
// cells, and the output is that result with `before` cells cropped at the start and `after` at the end:
//   out = full − before − after.
// PyTorch's symmetric `padding = p` is before = after = p, so out = (in − 1)·s − 2p + d·(k − 1) + output_padding + 1.
//
// Padding forms, resolved here into (before, after) per axis:
//   * explicit pairs (ONNX `pads`, TF explicit padding), each ≥ 0. Example: in 4, k 4, s 2, pads [1, 2]:
//     full = 3·2 + 3 + 1 = 10, out = 10 − 1 − 2 = 7.
//   * "valid": before = after = 0, out = full. Example: in 4, k 3, s 2: out = 3·2 + 2 + 1 = 9 (TF 'VALID').
//   * "same" (ONNX auto_pad SAME_UPPER; with output_padding 0 exactly TensorFlow's padding='SAME'): out = in·s, so
//     total = full − in·s = s·(in − 1) + output_padding + d·(k − 1) + 1 − in·s, before = ⌊total/2⌋, after the rest.
//     Example: in 4, k 3, s 2: total = 6 + 0 + 2 + 1 − 8 = 1, before 0, after 1, out 8.
//   * "same_lower" (ONNX SAME_LOWER): the larger half at the start. Example: in 4, k 3, s 2: before 1, after 0.
//   * where total < 0 (the kernel's span d·(k − 1) + 1 is shorter than the stride) nothing can be cropped: the output
//     is extended at the end instead, before = 0 and after = total < 0, so that out = in·s still holds, as
//     TensorFlow's conv2d_transpose does and ONNX's definition of SAME requires. Those extra cells receive no stamp:
//     they hold 0 (plus the bias). Example: in 2, k 1, s 3: full = 4, total = 4 − 6 = −2, before 0, after −2, out 6.
//     (onnxruntime-web 1.30 clamps the crop at 0 instead and returns the full 4 cells; tests/web/frameworks.test.mjs
//     runs both frameworks and records the difference.)
//
// output_size (PyTorch's forward(x, output_size)), r sizes per axis (or the full output shape):
//   * with explicit or "valid" padding it picks output_padding per axis as PyTorch does: the reachable sizes are
//     full₀ − before − after + op for op in [0, s − 1] (full₀: full with output_padding 0), and op must also stay
//     below max(s, d). Example: in 4, s 2, p 1, k 4: 8 or 9 are reachable; output_size 9 gives output_padding 1.
//     A given output_padding that differs from the one output_size needs is an error, not silently dropped.
//   * with "same" or "same_lower" it follows ONNX's output_shape rule: output_padding stays as given, and the pads
//     are set so that the output has exactly that size: total = full − output_size, split as the mode says (total
//     < 0 extends at the end). Example: in 4, k 3, s 2, "same", output_size 7: total = 9 − 7 = 2, before 1, after 1.
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
#include <vector>

namespace tconv {

/// Spatial ranks the engine handles.
constexpr int max_rank = 3;

/// One value per spatial axis in canonical order [depth, height, width]. A rank-r problem uses the last r entries;
/// the leading ones are unit axes (size 1, kernel 1, stride 1, padding 0, dilation 1, output_padding 0).
using Dims = std::array<std::int64_t, 3>;

/// A shape of any rank, as the public API has it.
using Shape = std::vector<std::int64_t>;

/// Canonical rank-5 shape: [N, C, D, H, W] for activations, [Cin, Cout/groups, kD, kH, kW] for weights.
using Shape5 = std::array<std::int64_t, 5>;

/// Documented caps. Work beyond them is refused with a message, never attempted, so that a hostile
/// configuration can neither freeze the page nor exhaust the wasm heap.
struct Limits {
    /// Any single size, channel count, stride, padding or dilation.
    static constexpr std::int64_t max_extent = 4096;
    /// Elements of any tensor the engine allocates: input, weight, output and each method's intermediates.
    static constexpr std::int64_t max_elements = std::int64_t{1} << 22;  // 4,194,304 floats = 16 MiB
    /// Multiply-adds of the most expensive method (padded direct, which also multiplies the inserted zeros).
    /// 2^30 lets the 3-D layer 16→16, 16³, k4, s2 (537M for padded direct, which multiplies the inserted zeros) run.
    static constexpr std::int64_t max_multiply_adds = std::int64_t{1} << 30;  // 1,073,741,824
    /// Nonzeros of the matrix C listed by forward_matrix_entries (12 bytes each), and connections listed by
    /// influence().
    static constexpr std::int64_t max_matrix_nonzeros = std::int64_t{1} << 22;
};

/// A rejected configuration, formatted: which parameter, which axis ("length", "depth", "height", "width" or ""),
/// and a sentence that names the parameter, the axis, the value and the rule.
struct ValidationError {
    std::string parameter;  ///< "input", "weight", "bias", "stride", "padding", "output_padding", "output_size",
                            ///< "dilation", "groups", "limits", "cell", "method", "index", "tensor"
    std::string axis;
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

/// Product that saturates at INT64_MAX instead of overflowing, for sizing hostile configurations. A factor ≤ 0 makes
/// it 0 (an empty batch has no elements).
inline std::int64_t saturating_product(std::initializer_list<std::int64_t> factors) {
    std::int64_t result = 1;
    for (std::int64_t f : factors) {
        if (f <= 0) return 0;
        if (__builtin_mul_overflow(result, f, &result)) return INT64_MAX;
    }
    return result;
}

/// Elements of a canonical shape, saturating.
inline std::int64_t volume(const Shape5& s) {
    return saturating_product({s[0], s[1], s[2], s[3], s[4]});
}

/// Elements of a shape of any rank, saturating.
inline std::int64_t volume(const Shape& s) {
    std::int64_t result = 1;
    for (std::int64_t f : s) {
        if (f <= 0) return 0;
        if (__builtin_mul_overflow(result, f, &result)) return INT64_MAX;
    }
    return result;
}

/// The geometry of one spatial axis of an accepted configuration.
struct AxisGeometry {
    std::int64_t in = 1, kernel = 1, stride = 1, dilation = 1, output_padding = 0;
    std::int64_t before = 0;  ///< cells cropped from the start of the full result (≥ 0)
    std::int64_t after = 0;   ///< cells cropped from its end; < 0 extends the output ("same" with a short kernel)

    /// d·(k − 1): how far the last tap lands from the first.
    constexpr std::int64_t reach() const { return dilation * (kernel - 1); }
    /// (in − 1)·s + d·(k − 1) + 1 + output_padding: the uncropped scatter result.
    constexpr std::int64_t full() const { return (in - 1) * stride + reach() + 1 + output_padding; }
    /// full − before − after.
    constexpr std::int64_t out() const { return full() - before - after; }
    /// The scatter canvas covers the full result and the output window: full, plus the cells of an extension.
    constexpr std::int64_t canvas() const { return full() + (after < 0 ? -after : 0); }
    /// Zero padding of the padded direct method before the zero-inserted input: d·(k − 1) − before (< 0: a crop).
    constexpr std::int64_t direct_before() const { return reach() - before; }
    /// ... and after it: d·(k − 1) − after + output_padding.
    constexpr std::int64_t direct_after() const { return reach() - after + output_padding; }
    /// The padded input of the direct method: out + d·(k − 1).
    constexpr std::int64_t padded() const { return out() + reach(); }
};

inline bool operator==(const AxisGeometry& a, const AxisGeometry& b) {
    return a.in == b.in && a.kernel == b.kernel && a.stride == b.stride && a.dilation == b.dilation &&
           a.output_padding == b.output_padding && a.before == b.before && a.after == b.after;
}

/// An accepted configuration: everything every method needs, in canonical rank-3 form.
struct Geometry {
    int rank = 2;         ///< spatial rank r: 1, 2 or 3
    bool batched = true;  ///< false for an unbatched input [Cin, spatial...] (then batch is 1)
    std::int64_t batch = 1, in_channels = 1, out_per_group = 1, groups = 1;
    std::array<AxisGeometry, 3> axes{};  ///< [depth, height, width]; the first 3 − r are unit axes
    bool has_bias = false;

    std::int64_t out_channels() const { return out_per_group * groups; }
    std::int64_t in_per_group() const { return in_channels / groups; }
    /// Index of the first real spatial axis in `axes`.
    int first_axis() const { return 3 - rank; }
    Shape5 input5() const { return {batch, in_channels, axes[0].in, axes[1].in, axes[2].in}; }
    Shape5 weight5() const { return {in_channels, out_per_group, axes[0].kernel, axes[1].kernel, axes[2].kernel}; }
    Shape5 output5() const { return {batch, out_channels(), axes[0].out(), axes[1].out(), axes[2].out()}; }
    Shape5 canvas5() const { return {batch, out_channels(), axes[0].canvas(), axes[1].canvas(), axes[2].canvas()}; }
    Shape5 padded5() const { return {batch, in_channels, axes[0].padded(), axes[1].padded(), axes[2].padded()}; }
    /// A canonical shape in the public form of this rank: [N, C, spatial...], without N when unbatched.
    Shape public_shape(const Shape5& s, bool activation = true) const {
        Shape result;
        if (!activation || batched) result.push_back(s[0]);
        result.push_back(s[1]);
        for (int a = first_axis(); a < 3; ++a) result.push_back(s[2 + a]);
        return result;
    }
    Shape input_shape() const { return public_shape(input5()); }
    Shape weight_shape() const { return public_shape(weight5(), false); }
    Shape output_shape() const { return public_shape(output5()); }
};

inline bool operator==(const Geometry& a, const Geometry& b) {
    return a.rank == b.rank && a.batched == b.batched && a.batch == b.batch && a.in_channels == b.in_channels &&
           a.out_per_group == b.out_per_group && a.groups == b.groups && a.axes == b.axes && a.has_bias == b.has_bias;
}
inline bool operator!=(const Geometry& a, const Geometry& b) {
    return !(a == b);
}

/// How `padding` was given.
enum class PaddingMode : std::uint8_t { explicit_pads, valid, same, same_lower };

/// What a caller asks for: PyTorch's arguments plus ONNX's and TensorFlow's padding forms. Per-axis values are
/// canonical [depth, height, width]; only the last r entries are read for a rank-r weight.
struct ConvTransposeOptions {
    Dims stride{1, 1, 1};
    Dims dilation{1, 1, 1};
    Dims output_padding{0, 0, 0};
    /// output_padding was given explicitly (so output_size must agree with it rather than override it).
    bool output_padding_given = false;
    PaddingMode padding_mode = PaddingMode::explicit_pads;
    Dims padding_before{0, 0, 0};  ///< explicit_pads only
    Dims padding_after{0, 0, 0};   ///< explicit_pads only
    /// Empty for none; else r sizes, or the whole output shape (r + 2 numbers batched, r + 1 unbatched).
    Shape output_size;
    std::int64_t groups = 1;
};

/// Which rule a configuration breaks. Validation records the rule and its numbers only; the sentence is written by
/// Violation::message(), for a failure, so that validating an accepted configuration costs a few comparisons.
enum class Rule : std::uint8_t {
    weight_rank,          ///< v0 = weight rank
    input_rank,           ///< v0 = input rank, v1 = spatial rank
    too_small,            ///< what, v0 = value, v1 = minimum
    too_large,            ///< what, v0 = value
    output_padding_size,  ///< v0 = output_padding, v1 = stride, v2 = dilation
    weight_channels,      ///< v0 = weight shape[0], v1 = Cin
    groups_divide,        ///< v0 = groups, v1 = Cin
    out_channels_limit,   ///< v0 = groups, v1 = Cout/groups
    output_empty,         ///< v0 = out, v1 = in, v2 = s, v3 = d, v4 = k, v5 = op, v6 = before, v7 = after
    output_size_length,   ///< v0 = entries given
    output_size_leading,  ///< v0 = entry index, v1 = value, v2 = expected (batch or Cout)
    output_size_range,    ///< v0 = size, v1 = smallest, v2 = largest, v3 = in, v4 = s, v5 = d, v6 = k, v7 = before,
                          ///< v8 = after
    output_size_padding,  ///< v0 = size, v1 = output_padding needed, v2 = output_padding given
    limit_elements,       ///< what, v0 = elements
    limit_work,           ///< v0 = multiply-adds
    data_length,          ///< what, v0 = length, v1 = expected, shape in v2... (shape_rank entries)
    bias_length,          ///< v0 = length, v1 = Cout
};

/// What a Rule is about: a size of a tensor, a parameter, or an intermediate the limits cap.
enum class What : std::uint8_t {
    none,
    batch,
    in_channels,
    in_extent,
    weight_in,
    weight_out,
    kernel,
    stride,
    dilation,
    padding_before,
    padding_after,
    padding,  ///< symmetric (both sides the same)
    output_padding,
    groups,
    input,
    weight,
    bias,
    output,
    canvas,
    padded,
};

/// The spatial axis names of rank r for canonical axis a: 1-D "length"; 2-D "height", "width"; 3-D "depth", ...
inline const char* axis_name(int rank, int axis) {
    if (axis < 0) return "";
    if (rank == 1) return "length";
    static const char* const names[3] = {"depth", "height", "width"};
    return names[axis];
}

/// A broken rule and its numbers; message() writes the sentence.
struct Violation {
    Rule rule = Rule::too_small;
    What what = What::none;
    int rank = 2;
    int axis = -1;  ///< canonical spatial axis, or −1
    int shape_rank = 0;
    std::array<std::int64_t, 12> v{};

    std::string parameter() const;
    std::string axis_text() const { return axis_name(rank, axis); }
    std::string message() const;
    ValidationError error() const { return {parameter(), axis_text(), message()}; }
};

namespace detail {

inline std::string text(std::int64_t v) {
    return std::to_string(v);
}

inline std::string shape_text(const std::int64_t* s, int n) {
    std::string t = "[";
    for (int i = 0; i < n; ++i) t += (i ? ", " : "") + text(s[i]);
    return t + "]";
}

inline std::string shape_text(const Shape& s) {
    return shape_text(s.data(), static_cast<int>(s.size()));
}

inline std::string spatial_letters(int rank) {
    return rank == 1 ? "L" : rank == 2 ? "H, W" : "D, H, W";
}

inline std::string kernel_letters(int rank) {
    return rank == 1 ? "k" : rank == 2 ? "kH, kW" : "kD, kH, kW";
}

/// "[Cin, Cout/groups, kH, kW]" for the rank.
inline std::string weight_layout(int rank) {
    return "[Cin, Cout/groups, " + kernel_letters(rank) + "]";
}

inline std::string what_name(What what, int rank, int axis) {
    const std::string a = axis_name(rank, axis);
    const std::string in_axis = "(" + a + ")";
    switch (what) {
        case What::batch:
            return "input batch size (N)";
        case What::in_channels:
            return "input channels (Cin)";
        case What::in_extent:
            return "input " + a;
        case What::weight_in:
            return "weight input channels (shape[0])";
        case What::weight_out:
            return "weight output channels per group (shape[1])";
        case What::kernel:
            return rank == 1 ? "kernel size" : "kernel " + a;
        case What::stride:
            return "stride " + in_axis;
        case What::dilation:
            return "dilation " + in_axis;
        case What::padding:
            return "padding " + in_axis;
        case What::padding_before:
            return "padding " + in_axis + " before";
        case What::padding_after:
            return "padding " + in_axis + " after";
        case What::output_padding:
            return "output_padding " + in_axis;
        case What::groups:
            return "groups";
        case What::input:
            return "input";
        case What::weight:
            return "weight";
        case What::bias:
            return "bias";
        case What::output:
            return "output";
        case What::canvas:
            return "uncropped scatter canvas";
        case What::padded:
            return "zero-inserted padded input";
        case What::none:
            break;
    }
    return "";
}

inline std::string what_parameter(What what) {
    switch (what) {
        case What::batch:
        case What::in_channels:
        case What::in_extent:
        case What::input:
            return "input";
        case What::weight_in:
        case What::weight_out:
        case What::kernel:
        case What::weight:
            return "weight";
        case What::bias:
            return "bias";
        case What::stride:
            return "stride";
        case What::dilation:
            return "dilation";
        case What::padding:
        case What::padding_before:
        case What::padding_after:
            return "padding";
        case What::output_padding:
            return "output_padding";
        case What::groups:
            return "groups";
        default:
            return "limits";
    }
}

}  // namespace detail

inline std::string Violation::parameter() const {
    switch (rule) {
        case Rule::weight_rank:
        case Rule::weight_channels:
            return "weight";
        case Rule::input_rank:
            return "input";
        case Rule::too_small:
        case Rule::too_large:
        case Rule::data_length:
            return detail::what_parameter(what);
        case Rule::output_padding_size:
            return "output_padding";
        case Rule::groups_divide:
        case Rule::out_channels_limit:
            return "groups";
        case Rule::output_empty:
            return "padding";
        case Rule::output_size_length:
        case Rule::output_size_leading:
        case Rule::output_size_range:
        case Rule::output_size_padding:
            return "output_size";
        case Rule::limit_elements:
        case Rule::limit_work:
            return "limits";
        case Rule::bias_length:
            return "bias";
    }
    return "";
}

inline std::string Violation::message() const {
    using detail::text;
    const std::string a = axis_text();
    switch (rule) {
        case Rule::weight_rank:
            return "weight shape has " + text(v[0]) +
                   " dimensions but must have 3, 4 or 5: [Cin, Cout/groups, k] for a 1-D, [Cin, Cout/groups, kH, kW] "
                   "for a 2-D or [Cin, Cout/groups, kD, kH, kW] for a 3-D transposed convolution";
        case Rule::input_rank:
            return "input shape has " + text(v[0]) + " dimensions but a " + text(v[1]) + "-D weight needs [N, Cin, " +
                   detail::spatial_letters(static_cast<int>(v[1])) + "] or unbatched [Cin, " +
                   detail::spatial_letters(static_cast<int>(v[1])) + "]";
        case Rule::too_small:
            return detail::what_name(what, rank, axis) + " is " + text(v[0]) + " but must be at least " + text(v[1]);
        case Rule::too_large:
            return detail::what_name(what, rank, axis) + " is " + text(v[0]) + " but the engine's limit is " +
                   text(Limits::max_extent);
        case Rule::output_padding_size:
            return "output_padding (" + a + ") is " + text(v[0]) + " but must be smaller than stride " + text(v[1]) +
                   " or dilation " + text(v[2]);
        case Rule::weight_channels:
            return "weight shape[0] is " + text(v[0]) + " but must equal the input channels (Cin = " + text(v[1]) +
                   "); PyTorch's transposed weight layout is " + detail::weight_layout(rank);
        case Rule::groups_divide:
            return "groups is " + text(v[0]) + " but must divide the input channels (Cin = " + text(v[1]) + ")";
        case Rule::out_channels_limit:
            return "output channels (Cout = groups " + text(v[0]) + " x " + text(v[1]) +
                   ") exceed the engine's limit of " + text(Limits::max_extent);
        case Rule::output_empty: {
            const std::string pads = v[6] == v[7] ? " - 2*" + text(v[6]) : " - " + text(v[6]) + " - " + text(v[7]);
            const std::string padding = v[6] == v[7] ? "padding (" + a + ") " + text(v[6])
                                                     : "padding (" + a + ") [" + text(v[6]) + ", " + text(v[7]) + "]";
            return "output " + a + " is (" + text(v[1]) + "-1)*" + text(v[2]) + pads + " + " + text(v[3]) + "*(" +
                   text(v[4]) + "-1) + " + text(v[5]) + " + 1 = " + text(v[0]) + " but must be at least 1; " + padding +
                   " crops more than the whole result";
        }
        case Rule::output_size_length:
            return "output_size has " + text(v[0]) + " entries but must have " + text(rank) +
                   " (one per spatial axis) or " + text(rank + 2) + " (the whole batched output shape) or " +
                   text(rank + 1) + " (unbatched)";
        case Rule::output_size_leading:
            return "output_size[" + text(v[0]) + "] is " + text(v[1]) + " but the output has " + text(v[2]) +
                   (v[3] == 0 ? " batch items" : " channels");
        case Rule::output_size_range: {
            std::string reachable = v[1] == v[2]       ? "only " + text(v[1]) + " is reachable"
                                    : v[2] == v[1] + 1 ? "only " + text(v[1]) + " or " + text(v[2]) + " are reachable"
                                                       : "only " + text(v[1]) + " to " + text(v[2]) + " are reachable";
            std::string padding = v[7] == v[8] ? text(v[7]) : "[" + text(v[7]) + ", " + text(v[8]) + "]";
            std::string dilation = v[5] == 1 ? "" : ", dilation " + text(v[5]);
            return "output_size (" + a + ") is " + text(v[0]) + ", but with input " + text(v[3]) + ", stride " +
                   text(v[4]) + ", padding " + padding + dilation + " and kernel " + text(v[6]) + " " + reachable;
        }
        case Rule::output_size_padding:
            return "output_size (" + a + ") is " + text(v[0]) + ", which needs output_padding " + text(v[1]) +
                   ", but output_padding (" + a + ") is " + text(v[2]) + "; give only one of them, or make them agree";
        case Rule::limit_elements:
            return detail::what_name(what, rank, axis) + " would have " + text(v[0]) +
                   " elements but the engine's limit is " + text(Limits::max_elements);
        case Rule::limit_work:
            return "the computation would take " + text(v[0]) + " multiply-adds but the engine's limit is " +
                   text(Limits::max_multiply_adds);
        case Rule::data_length:
            return detail::what_name(what, rank, axis) + " data has " + text(v[0]) + " values but shape " +
                   detail::shape_text(v.data() + 2, shape_rank) + " needs " + text(v[1]);
        case Rule::bias_length:
            return "bias has " + text(v[0]) + " values but must have one per output channel (Cout = " + text(v[1]) +
                   ")";
    }
    return "";
}

/// Multiply-adds of the padded direct method (which also multiplies the inserted zeros):
/// N·Cout·(Π out)·(Cin/groups)·(Π k), saturating.
inline std::int64_t direct_multiply_adds(const Geometry& g) {
    const Shape5 o = g.output5(), k = g.weight5();
    return saturating_product({o[0], o[1], o[2], o[3], o[4], g.in_per_group(), k[2], k[3], k[4]});
}

/// Multiply-adds of the scatter (and matrix) methods, which stamp the whole kernel before cropping:
/// N·Cin·(Π in)·(Cout/groups)·(Π k), saturating.
inline std::int64_t scatter_multiply_adds(const Geometry& g) {
    const Shape5 i = g.input5(), k = g.weight5();
    return saturating_product({i[0], i[1], i[2], i[3], i[4], k[1], k[2], k[3], k[4]});
}

/// The work cap applies to the costliest method, so that every method of an accepted configuration is cheap.
inline std::int64_t worst_multiply_adds(const Geometry& g) {
    return std::max(direct_multiply_adds(g), scatter_multiply_adds(g));
}

/// The outcome of resolving and checking a configuration: the first broken rule, or the geometry to compute.
struct Resolution {
    std::optional<Violation> violation;
    Geometry geometry;
};

namespace detail {

inline Violation violation(Rule rule, What what, int rank, int axis, std::initializer_list<std::int64_t> values) {
    Violation v;
    v.rule = rule;
    v.what = what;
    v.rank = rank;
    v.axis = axis;
    int i = 0;
    for (std::int64_t value : values) v.v[static_cast<std::size_t>(i++)] = value;
    return v;
}

/// minimum ≤ value ≤ max_extent, or the violation.
inline std::optional<Violation> check_extent(What what, int rank, int axis, std::int64_t value, std::int64_t minimum) {
    if (value < minimum) return violation(Rule::too_small, what, rank, axis, {value, minimum});
    if (value > Limits::max_extent) return violation(Rule::too_large, what, rank, axis, {value});
    return std::nullopt;
}

/// Splits total crop between the sides: SAME_UPPER puts ⌊total/2⌋ first, SAME_LOWER the larger half; a negative
/// total extends the end.
inline void split_same(std::int64_t total, bool lower, std::int64_t& before, std::int64_t& after) {
    if (total < 0) {
        before = 0;
        after = total;
    } else if (lower) {
        after = total / 2;
        before = total - after;
    } else {
        before = total / 2;
        after = total - before;
    }
}

}  // namespace detail

/// Resolves the padding form and output_size of a request and checks every rule of PyTorch plus the documented
/// Limits, without building any text. input and weight are the public shapes (input r + 2 or r + 1 entries, weight
/// r + 2); input_length, weight_length are the lengths of the data buffers (each must equal its shape's product);
/// bias_length is −1 without a bias, else the bias's length (must be Cout).
inline Resolution resolve(const Shape& input, std::int64_t input_length, const Shape& weight,
                          std::int64_t weight_length, const ConvTransposeOptions& o, std::int64_t bias_length = -1) {
    using detail::check_extent;
    using detail::violation;
    Resolution result;
    Geometry& g = result.geometry;
    auto fail = [&](Violation v) {
        result.violation = v;
        return result;
    };
    const int weight_rank = static_cast<int>(weight.size());
    if (weight_rank < 3 || weight_rank > 5) return fail(violation(Rule::weight_rank, What::none, 2, -1, {weight_rank}));
    const int r = weight_rank - 2;
    g.rank = r;
    const int first = 3 - r;
    const int input_rank = static_cast<int>(input.size());
    if (input_rank != r + 2 && input_rank != r + 1)
        return fail(violation(Rule::input_rank, What::none, r, -1, {input_rank, r}));
    g.batched = input_rank == r + 2;
    const int lead = g.batched ? 1 : 0;
    g.batch = g.batched ? input[0] : 1;
    g.in_channels = input[static_cast<std::size_t>(lead)];
    // An empty batch is valid (PyTorch returns [0, Cout, ...]); every other size is at least 1.
    if (auto e = check_extent(What::batch, r, -1, g.batch, 0)) return fail(*e);
    if (auto e = check_extent(What::in_channels, r, -1, g.in_channels, 1)) return fail(*e);
    for (int a = first; a < 3; ++a) {
        const std::int64_t size = input[static_cast<std::size_t>(lead + 1 + a - first)];
        if (auto e = check_extent(What::in_extent, r, a, size, 1)) return fail(*e);
        g.axes[static_cast<std::size_t>(a)].in = size;
    }
    if (auto e = check_extent(What::weight_in, r, -1, weight[0], 1)) return fail(*e);
    if (auto e = check_extent(What::weight_out, r, -1, weight[1], 1)) return fail(*e);
    for (int a = first; a < 3; ++a) {
        const std::int64_t k = weight[static_cast<std::size_t>(2 + a - first)];
        if (auto e = check_extent(What::kernel, r, a, k, 1)) return fail(*e);
        g.axes[static_cast<std::size_t>(a)].kernel = k;
    }
    g.out_per_group = weight[1];

    const bool same = o.padding_mode == PaddingMode::same || o.padding_mode == PaddingMode::same_lower;
    for (int a = first; a < 3; ++a) {
        AxisGeometry& axis = g.axes[static_cast<std::size_t>(a)];
        if (auto e = check_extent(What::stride, r, a, o.stride[a], 1)) return fail(*e);
        if (auto e = check_extent(What::dilation, r, a, o.dilation[a], 1)) return fail(*e);
        if (o.padding_mode == PaddingMode::explicit_pads) {
            const bool symmetric = o.padding_before[a] == o.padding_after[a];
            if (auto e = check_extent(symmetric ? What::padding : What::padding_before, r, a, o.padding_before[a], 0))
                return fail(*e);
            if (auto e = check_extent(What::padding_after, r, a, o.padding_after[a], 0)) return fail(*e);
        }
        if (auto e = check_extent(What::output_padding, r, a, o.output_padding[a], 0)) return fail(*e);
        axis.stride = o.stride[a];
        axis.dilation = o.dilation[a];
        axis.output_padding = o.output_padding[a];
        // PyTorch's rule: output_padding selects among the max(stride, dilation) input sizes that a forward
        // convolution maps to the same size, so it must stay below that count.
        if (axis.output_padding >= std::max(axis.stride, axis.dilation))
            return fail(violation(Rule::output_padding_size, What::output_padding, r, a,
                                  {axis.output_padding, axis.stride, axis.dilation}));
    }

    if (auto e = check_extent(What::groups, r, -1, o.groups, 1)) return fail(*e);
    g.groups = o.groups;
    if (weight[0] != g.in_channels)
        return fail(violation(Rule::weight_channels, What::none, r, -1, {weight[0], g.in_channels}));
    if (g.in_channels % g.groups != 0)
        return fail(violation(Rule::groups_divide, What::none, r, -1, {g.groups, g.in_channels}));
    if (g.out_per_group * g.groups > Limits::max_extent)
        return fail(violation(Rule::out_channels_limit, What::none, r, -1, {g.groups, g.out_per_group}));

    // output_size: r sizes, or the whole shape whose leading entries must be the batch and channel counts.
    const bool sized = !o.output_size.empty();
    std::int64_t sizes[3] = {0, 0, 0};
    if (sized) {
        const int n = static_cast<int>(o.output_size.size());
        int skip = 0;
        if (n == r + 2 && g.batched) {
            if (o.output_size[0] != g.batch)
                return fail(violation(Rule::output_size_leading, What::none, r, -1, {0, o.output_size[0], g.batch, 0}));
            if (o.output_size[1] != g.out_channels())
                return fail(violation(Rule::output_size_leading, What::none, r, -1,
                                      {1, o.output_size[1], g.out_channels(), 1}));
            skip = 2;
        } else if (n == r + 1 && !g.batched) {
            if (o.output_size[0] != g.out_channels())
                return fail(violation(Rule::output_size_leading, What::none, r, -1,
                                      {0, o.output_size[0], g.out_channels(), 1}));
            skip = 1;
        } else if (n != r) {
            return fail(violation(Rule::output_size_length, What::none, r, -1, {n}));
        }
        for (int a = first; a < 3; ++a) sizes[a] = o.output_size[static_cast<std::size_t>(skip + a - first)];
    }

    for (int a = first; a < 3; ++a) {
        AxisGeometry& axis = g.axes[static_cast<std::size_t>(a)];
        if (o.padding_mode == PaddingMode::explicit_pads) {
            axis.before = o.padding_before[a];
            axis.after = o.padding_after[a];
        }  // valid: 0, 0
        if (same) {
            // ONNX: total = full − target, where target is in·s ("same") or output_size (its output_shape rule).
            const std::int64_t target = sized ? sizes[a] : axis.in * axis.stride;
            if (sized) {
                if (target < 1) return fail(violation(Rule::too_small, What::none, r, a, {target, 1}));
                if (target > Limits::max_elements)
                    return fail(violation(Rule::limit_elements, What::output, r, a, {target}));
            }
            detail::split_same(axis.full() - target, o.padding_mode == PaddingMode::same_lower, axis.before,
                               axis.after);
        } else if (sized) {
            // PyTorch's rule: output_padding picks one of the stride sizes from the smallest reachable one.
            axis.output_padding = 0;
            const std::int64_t smallest = axis.out();
            const std::int64_t largest = smallest + axis.stride - 1;  // op ≤ s − 1 < max(s, d)
            const std::int64_t size = sizes[a];
            if (size < smallest || size > largest)
                return fail(violation(Rule::output_size_range, What::none, r, a,
                                      {size, smallest, largest, axis.in, axis.stride, axis.dilation, axis.kernel,
                                       axis.before, axis.after}));
            const std::int64_t needed = size - smallest;
            if (o.output_padding_given && o.output_padding[a] != needed)
                return fail(
                    violation(Rule::output_size_padding, What::none, r, a, {size, needed, o.output_padding[a]}));
            axis.output_padding = needed;
        }
        if (axis.out() < 1)
            return fail(violation(Rule::output_empty, What::none, r, a,
                                  {axis.out(), axis.in, axis.stride, axis.dilation, axis.kernel, axis.output_padding,
                                   axis.before, axis.after}));
    }

    const Shape5 in5 = g.input5(), k5 = g.weight5();
    // An empty batch computes nothing, but the tensors and work of one item must still be within the caps (the
    // intermediates of the methods are sized per item).
    Geometry counted = g;
    counted.batch = std::max<std::int64_t>(g.batch, 1);
    const struct {
        What what;
        std::int64_t count;
    } sized_tensors[] = {{What::input, volume(counted.input5())},
                         {What::weight, volume(k5)},
                         {What::output, volume(counted.output5())},
                         {What::canvas, volume(counted.canvas5())},
                         {What::padded, volume(counted.padded5())}};
    for (const auto& s : sized_tensors)
        if (s.count > Limits::max_elements) return fail(violation(Rule::limit_elements, s.what, r, -1, {s.count}));
    const std::int64_t work = worst_multiply_adds(counted);
    if (work > Limits::max_multiply_adds) return fail(violation(Rule::limit_work, What::none, r, -1, {work}));

    auto length_violation = [&](What what, std::int64_t length, std::int64_t expected, const Shape& shape) {
        Violation v = violation(Rule::data_length, what, r, -1, {length, expected});
        v.shape_rank = static_cast<int>(shape.size());
        for (std::size_t i = 0; i < shape.size(); ++i) v.v[2 + i] = shape[i];
        return v;
    };
    if (input_length != volume(in5)) return fail(length_violation(What::input, input_length, volume(in5), input));
    if (weight_length != volume(k5)) return fail(length_violation(What::weight, weight_length, volume(k5), weight));
    if (bias_length >= 0 && bias_length != g.out_channels())
        return fail(violation(Rule::bias_length, What::bias, r, -1, {bias_length, g.out_channels()}));
    g.has_bias = bias_length >= 0;
    return result;
}

/// Throws tconv::Error unless the configuration is valid; returns its geometry.
inline Geometry resolve_or_throw(const Shape& input, std::int64_t input_length, const Shape& weight,
                                 std::int64_t weight_length, const ConvTransposeOptions& o,
                                 std::int64_t bias_length = -1) {
    Resolution r = resolve(input, input_length, weight, weight_length, o, bias_length);
    if (r.violation) throw Error(r.violation->error());
    return r.geometry;
}

/// Row-major strides of a canonical shape.
inline Shape5 strides_of(const Shape5& s) {
    return {s[1] * s[2] * s[3] * s[4], s[2] * s[3] * s[4], s[3] * s[4], s[4], 1};
}

// ------------------------------------------------------------------------------------------------------------------
// The 2-D convenience API: rank-4 tensors and PyTorch's symmetric padding, as the page has used since the start.
// Every function of it resolves to a Geometry and runs the rank-generic code.

/// A float32 tensor of rank 4, row-major, as PyTorch lays out NCHW data.
using Tensor = xt::xtensor<float, 4>;

/// Shape of a rank-4 tensor: {N, C, H, W} for activations, {Cin, Cout/groups, kH, kW} for weights.
using Shape4 = std::array<std::int64_t, 4>;

/// One value per spatial axis of a 2-D convolution.
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

/// The rank-generic request of 2-D parameters.
inline ConvTransposeOptions options_of(const ConvTransposeParams& p) {
    ConvTransposeOptions o;
    o.stride = {1, p.stride.h, p.stride.w};
    o.dilation = {1, p.dilation.h, p.dilation.w};
    o.output_padding = {0, p.output_padding.h, p.output_padding.w};
    o.output_padding_given = true;
    o.padding_before = o.padding_after = {0, p.padding.h, p.padding.w};
    o.groups = p.groups;
    return o;
}

inline Shape shape_vector(const Shape4& s) {
    return {s[0], s[1], s[2], s[3]};
}

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

/// Elements of a rank-4 shape, saturating.
inline std::int64_t element_count(const Shape4& s) {
    return saturating_product({s[0], s[1], s[2], s[3]});
}

/// The geometry of a 2-D configuration that is known to be valid (no checks).
inline Geometry geometry_of(const Shape4& input, const Shape4& weight, const ConvTransposeParams& p) {
    Geometry g;
    g.rank = 2;
    g.batch = input[0];
    g.in_channels = input[1];
    g.out_per_group = weight[1];
    g.groups = p.groups;
    g.axes[1] = {input[2], weight[2], p.stride.h, p.dilation.h, p.output_padding.h, p.padding.h, p.padding.h};
    g.axes[2] = {input[3], weight[3], p.stride.w, p.dilation.w, p.output_padding.w, p.padding.w, p.padding.w};
    return g;
}

inline std::int64_t direct_multiply_adds(const Shape4& input, const Shape4& weight, const ConvTransposeParams& p) {
    return direct_multiply_adds(geometry_of(input, weight, p));
}
inline std::int64_t scatter_multiply_adds(const Shape4& input, const Shape4& weight) {
    return saturating_product({input[0], input[1], input[2], input[3], weight[1], weight[2], weight[3]});
}
inline std::int64_t worst_multiply_adds(const Shape4& input, const Shape4& weight, const ConvTransposeParams& p) {
    return worst_multiply_adds(geometry_of(input, weight, p));
}

namespace detail {
inline std::string shape_text(const Shape4& s) {
    return shape_text(s.data(), 4);
}
}  // namespace detail

/// Checks every rule of PyTorch plus the documented Limits for a 2-D configuration; the first violated rule, formatted,
/// or nothing for a valid configuration. (A batch of 0 is valid, as in PyTorch.)
inline std::optional<ValidationError> validation_error(const Shape4& input, std::int64_t input_length,
                                                       const Shape4& weight, std::int64_t weight_length,
                                                       const ConvTransposeParams& params) {
    const Resolution r =
        resolve(shape_vector(input), input_length, shape_vector(weight), weight_length, options_of(params));
    if (r.violation) return r.violation->error();
    return std::nullopt;
}

/// Shape of a tensor as a Shape4.
inline Shape4 shape_of(const Tensor& t) {
    return {static_cast<std::int64_t>(t.shape()[0]), static_cast<std::int64_t>(t.shape()[1]),
            static_cast<std::int64_t>(t.shape()[2]), static_cast<std::int64_t>(t.shape()[3])};
}

/// Throws tconv::Error if the tensors and parameters do not form a valid configuration; returns its geometry.
inline Geometry validate(const Tensor& input, const Tensor& weight, const ConvTransposeParams& params) {
    return resolve_or_throw(shape_vector(shape_of(input)), static_cast<std::int64_t>(input.size()),
                            shape_vector(shape_of(weight)), static_cast<std::int64_t>(weight.size()),
                            options_of(params));
}

/// A zero-filled tensor of the given shape.
inline Tensor zeros(const Shape4& s) {
    Tensor t = Tensor::from_shape({static_cast<std::size_t>(s[0]), static_cast<std::size_t>(s[1]),
                                   static_cast<std::size_t>(s[2]), static_cast<std::size_t>(s[3])});
    t.fill(0.0f);
    return t;
}

}  // namespace tconv
