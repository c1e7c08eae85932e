// Embind glue: the only C++ that knows Emscripten. Every entry point takes and returns plain JS values (arrays,
// objects, typed arrays copied out at once), validates before it computes, and reports a rejected configuration as
// {error, parameter, axis} instead of throwing, so that no Embind handle and no C++ exception ever crosses into JS.
// web/engine.js turns those into JS Errors and normalises options beforehand (numbers → [h, w] pairs, integers), but
// the module is a public surface of its own: every number read here is checked again (NaN, ±Inf, fractions and
// values beyond int64 are refused with a message, never cast).
//
// One more entry point, tconv_fast_conv_transpose2d, is a plain C export for the hot path (the fast method): it takes
// integers and addresses in wasm memory instead of JS objects, because reading ~50 values through Embind costs more
// than a small convolution itself.
#include <tconv/tconv.hpp>

#include <emscripten/bind.h>
#include <emscripten/em_macros.h>
#include <emscripten/val.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using emscripten::val;
using tconv::Shape4;
using tconv::Tensor;

val error_value(const tconv::ValidationError& e) {
    val result = val::object();
    result.set("error", e.message);
    result.set("parameter", e.parameter);
    result.set("axis", e.axis);
    return result;
}

/// How a value reads in a message: JavaScript's own String(), with strings quoted and arrays bracketed (their first
/// 8 elements). Only built for a refusal.
std::string describe(const val& value) {
    if (value.isString()) return "\"" + value.as<std::string>() + "\"";
    if (value.isArray()) {
        const double length = value["length"].as<double>();
        std::string text = "[";
        for (int i = 0; i < length && i < 8; ++i) text += (i ? ", " : "") + describe(value[i]);
        return text + (length > 8 ? ", ...]" : "]");
    }
    return val::global("String")(value).as<std::string>();
}

/// Where a number comes from, for the message: "stride (height)", "input shape[2]", "groups", ...
struct Field {
    const char* parameter;  ///< the ValidationError's parameter
    const char* axis;       ///< "height", "width" or ""
    const char* name;       ///< how the message names it
    int index = -1;         ///< element of a shape or cell, appended as [index]; -1 for none
    std::string label() const { return index < 0 ? name : std::string(name) + "[" + std::to_string(index) + "]"; }
};

/// Reads the numbers of one call from JS values. A value that is not a whole number in int64's range is never
/// converted (the cast would be undefined behaviour); the first such value is kept as `error`, and every later
/// read returns 0, so a caller reads everything and then checks `error` once.
class Reader {
  public:
    std::optional<tconv::ValidationError> error;

    std::int64_t integer(const val& value, const Field& field) {
        if (error) return 0;
        if (!value.isNumber()) return refuse(value, field, "a number");
        const double number = value.as<double>();
        if (!std::isfinite(number) || std::trunc(number) != number) return refuse(value, field, "a whole number");
        // [-2^63, 2^63): both bounds are exact doubles, and every whole double inside converts exactly.
        if (number < -9223372036854775808.0 || number >= 9223372036854775808.0)
            return refuse(value, field, "a whole number between -2^63 and 2^63 - 1");
        return static_cast<std::int64_t>(number);
    }

    /// Element `index` of an array; a missing array or element is reported as the whole array's fault.
    std::int64_t element(const val& array, int index, const Field& whole, const Field& field, const char* rule) {
        if (error) return 0;
        if (array.isUndefined() || array.isNull()) return refuse(array, whole, rule);
        const val item = array[index];
        if (item.isUndefined()) return refuse(array, whole, rule);
        return integer(item, field);
    }

    Shape4 shape(const val& array, const char* parameter, const char* name) {
        static const char* const axes[4] = {"", "", "height", "width"};
        Shape4 shape{};
        for (int i = 0; i < 4; ++i)
            shape[i] = element(array, i, {parameter, "", name}, {parameter, axes[i], name, i}, "4 whole numbers");
        return shape;
    }

    tconv::Pair pair(const val& array, const char* parameter, const char* height_name, const char* width_name) {
        const Field whole{parameter, "", parameter};
        const char* rule = "an [height, width] pair of whole numbers";
        const std::int64_t h = element(array, 0, whole, {parameter, "height", height_name}, rule);
        const std::int64_t w = element(array, 1, whole, {parameter, "width", width_name}, rule);
        return {h, w};
    }

    /// Keeps "<field> is <value> but must be <rule>" as the error (if none is kept yet); returns 0.
    std::int64_t refuse(const val& value, const Field& field, const char* rule) {
        if (!error)
            error = tconv::ValidationError{field.parameter, field.axis,
                                           field.label() + " is " + describe(value) + " but must be " + rule};
        return 0;
    }
};

val shape_value(const Shape4& shape) {
    val array = val::array();
    for (int i = 0; i < 4; ++i) array.call<void>("push", static_cast<double>(shape[i]));
    return array;
}

/// Options must be an object; reading a property of undefined or null would throw in JS.
bool options_object(const val& options, Reader& read) {
    if (!options.isUndefined() && !options.isNull()) return true;
    read.refuse(options, {"", "", "options"}, "an object");
    return false;
}

tconv::ConvTransposeParams transposed_params_from(const val& options, Reader& read) {
    tconv::ConvTransposeParams p;
    if (!options_object(options, read)) return p;
    p.stride = read.pair(options["stride"], "stride", "stride (height)", "stride (width)");
    p.padding = read.pair(options["padding"], "padding", "padding (height)", "padding (width)");
    p.output_padding =
        read.pair(options["outputPadding"], "output_padding", "output_padding (height)", "output_padding (width)");
    p.dilation = read.pair(options["dilation"], "dilation", "dilation (height)", "dilation (width)");
    p.groups = read.integer(options["groups"], {"groups", "", "groups"});
    return p;
}

tconv::Conv2dParams conv_params_from(const val& options, Reader& read) {
    tconv::Conv2dParams p;
    if (!options_object(options, read)) return p;
    p.stride = read.pair(options["stride"], "stride", "stride (height)", "stride (width)");
    p.padding = read.pair(options["padding"], "padding", "padding (height)", "padding (width)");
    p.dilation = read.pair(options["dilation"], "dilation", "dilation (height)", "dilation (width)");
    p.groups = read.integer(options["groups"], {"groups", "", "groups"});
    return p;
}

/// A tensor argument {shape, data}: shape and data length read and checked; the data is copied once validated.
struct TensorArgument {
    Shape4 shape{};
    std::int64_t length = 0;
};

/// How messages name a tensor argument and its parts.
struct TensorNames {
    const char* parameter;  ///< the ValidationError's parameter
    const char* whole;
    const char* shape;
    const char* data;
    const char* length;
};
constexpr TensorNames input_names{"input", "input", "input shape", "input data", "input data length"};
constexpr TensorNames weight_names{"weight", "weight", "weight shape", "weight data", "weight data length"};
constexpr TensorNames gradient_names{"input", "upstream gradient", "upstream gradient shape", "upstream gradient data",
                                     "upstream gradient data length"};

TensorArgument tensor_argument(const val& tensor, const TensorNames& names, Reader& read) {
    if (read.error) return {};
    if (tensor.isUndefined() || tensor.isNull()) {
        read.refuse(tensor, {names.parameter, "", names.whole}, "an object {shape, data}");
        return {};
    }
    TensorArgument argument;
    argument.shape = read.shape(tensor["shape"], names.parameter, names.shape);
    const val data = tensor["data"];
    if (data.isUndefined() || data.isNull())
        read.refuse(data, {names.parameter, "", names.data}, "a Float32Array or an array of numbers");
    else
        argument.length = read.integer(data["length"], {names.parameter, "", names.length});
    return argument;
}

// Copies a validated {shape, data: Float32Array or array} into a new tensor with one TypedArray.set call.
Tensor tensor_from(const val& tensor, const Shape4& shape) {
    Tensor t = tconv::zeros(shape);
    val view(emscripten::typed_memory_view(t.size(), t.data()));
    view.call<void>("set", tensor["data"]);
    return t;
}

// Copies out at once: a typed_memory_view goes stale when memory grows.
template <class T>
val copy_out(const char* array_type, const T* data, std::size_t count) {
    return val::global(array_type).new_(emscripten::typed_memory_view(count, data));
}

val tensor_value(const Tensor& t) {
    val result = val::object();
    result.set("shape", shape_value(tconv::shape_of(t)));
    result.set("data", copy_out("Float32Array", t.data(), t.size()));
    return result;
}

std::optional<tconv::ValidationError> data_length_error(const std::string& parameter, const TensorArgument& tensor) {
    const std::int64_t expected = tconv::element_count(tensor.shape);
    if (tensor.length == expected) return std::nullopt;
    return tconv::ValidationError{parameter, "",
                                  parameter + " data has " + std::to_string(tensor.length) + " values but shape " +
                                      tconv::detail::shape_text(tensor.shape) + " needs " + std::to_string(expected)};
}

std::optional<tconv::ValidationError> check(const TensorArgument& input, const TensorArgument& weight,
                                            const tconv::ConvTransposeParams& params) {
    return tconv::validation_error(input.shape, input.length, weight.shape, weight.length, params);
}

std::optional<tconv::ValidationError> check_shapes(const Shape4& input, const Shape4& weight,
                                                   const tconv::ConvTransposeParams& params) {
    return tconv::validation_error(input, tconv::element_count(input), weight, tconv::element_count(weight), params);
}

/// The three arguments every transposed entry point takes, read in the order web/engine.js checks them.
struct TransposedArguments {
    TensorArgument input, weight;
    tconv::ConvTransposeParams params;
};

TransposedArguments transposed_arguments(const val& input, const val& weight, const val& options, Reader& read) {
    TransposedArguments a;
    a.input = tensor_argument(input, input_names, read);
    a.weight = tensor_argument(weight, weight_names, read);
    a.params = transposed_params_from(options, read);
    return a;
}

val limits() {
    val result = val::object();
    result.set("maxExtent", static_cast<double>(tconv::Limits::max_extent));
    result.set("maxElements", static_cast<double>(tconv::Limits::max_elements));
    result.set("maxMultiplyAdds", static_cast<double>(tconv::Limits::max_multiply_adds));
    result.set("maxMatrixNonzeros", static_cast<double>(tconv::Limits::max_matrix_nonzeros));
    return result;
}

val output_shape(const val& input_shape, const val& weight_shape, const val& options) {
    Reader read;
    const Shape4 in = read.shape(input_shape, "input", "input shape");
    const Shape4 k = read.shape(weight_shape, "weight", "weight shape");
    const auto params = transposed_params_from(options, read);
    if (read.error) return error_value(*read.error);
    if (auto e = check_shapes(in, k, params)) return error_value(*e);
    val result = val::object();
    result.set("shape", shape_value(tconv::output_shape(in, k, params)));
    return result;
}

val conv_transpose2d(const val& input, const val& weight, const val& options, const std::string& method_name) {
    const auto method = tconv::method_from_name(method_name);
    if (!method)
        return error_value(
            {"method", "", "method is '" + method_name + "' but must be one of matrix, scatter, direct or fast"});
    Reader read;
    const auto a = transposed_arguments(input, weight, options, read);
    if (read.error) return error_value(*read.error);
    if (auto e = check(a.input, a.weight, a.params)) return error_value(*e);
    return tensor_value(tconv::conv_transpose2d(tensor_from(input, a.input.shape), tensor_from(weight, a.weight.shape),
                                                a.params, *method));
}

val explain(const val& input, const val& weight, const val& options, const val& cell) {
    Reader read;
    const auto a = transposed_arguments(input, weight, options, read);
    const Shape4 where = read.shape(cell, "cell", "cell");
    if (read.error) return error_value(*read.error);
    if (auto e = check(a.input, a.weight, a.params)) return error_value(*e);
    const Shape4 out = tconv::output_shape(a.input.shape, a.weight.shape, a.params);
    if (auto e = tconv::explain_cell_error(out, where)) return error_value(*e);
    const auto explanation = tconv::explain(tensor_from(input, a.input.shape), tensor_from(weight, a.weight.shape),
                                            a.params, where[0], where[1], where[2], where[3]);
    val terms = val::array();
    for (const auto& t : explanation.terms) {
        val term = val::object();
        term.set("x", t.x);
        term.set("w", t.w);
        term.set("product", t.product);
        val input_index = val::array(), weight_index = val::array();
        for (int i = 0; i < 4; ++i) {
            input_index.call<void>("push", static_cast<double>(t.input[i]));
            weight_index.call<void>("push", static_cast<double>(t.weight[i]));
        }
        term.set("input", input_index);
        term.set("weight", weight_index);
        terms.call<void>("push", term);
    }
    val result = val::object();
    result.set("value", explanation.value);
    result.set("terms", terms);
    return result;
}

val matrix(const val& input_shape, const val& weight_shape, const val& options) {
    Reader read;
    const Shape4 in = read.shape(input_shape, "input", "input shape");
    const Shape4 k = read.shape(weight_shape, "weight", "weight shape");
    const auto params = transposed_params_from(options, read);
    if (read.error) return error_value(*read.error);
    if (auto e = check_shapes(in, k, params)) return error_value(*e);
    if (auto e = tconv::matrix_listing_error(in, k, params)) return error_value(*e);
    const auto entries = tconv::forward_matrix_entries(in, k, params);
    std::vector<std::int32_t> rows(entries.size()), cols(entries.size()), taps(entries.size());
    for (std::size_t e = 0; e < entries.size(); ++e) {
        rows[e] = entries[e].row;
        cols[e] = entries[e].col;
        taps[e] = entries[e].weight_index;
    }
    const Shape4 out = tconv::output_shape(in, k, params);
    val result = val::object();
    result.set("rows", static_cast<double>(in[1] * in[2] * in[3]));
    result.set("cols", static_cast<double>(out[1] * out[2] * out[3]));
    result.set("row", copy_out("Int32Array", rows.data(), rows.size()));
    result.set("col", copy_out("Int32Array", cols.data(), cols.size()));
    result.set("weightIndex", copy_out("Int32Array", taps.data(), taps.size()));
    return result;
}

val scatter(const val& input, const val& weight, const val& options) {
    Reader read;
    const auto a = transposed_arguments(input, weight, options, read);
    if (read.error) return error_value(*read.error);
    if (auto e = check(a.input, a.weight, a.params)) return error_value(*e);
    const Shape4 &in = a.input.shape, &k = a.weight.shape;
    const tconv::Window window = tconv::scatter_crop_window(in, k, a.params);
    const auto counts = tconv::scatter_overlap_counts(in, k, a.params);
    val window_value = val::object();
    window_value.set("top", static_cast<double>(window.top));
    window_value.set("left", static_cast<double>(window.left));
    window_value.set("height", static_cast<double>(window.height));
    window_value.set("width", static_cast<double>(window.width));
    val overlap = val::object();
    val overlap_shape = val::array();
    overlap_shape.call<void>("push", static_cast<double>(counts.shape()[0]));
    overlap_shape.call<void>("push", static_cast<double>(counts.shape()[1]));
    overlap.set("shape", overlap_shape);
    overlap.set("data", copy_out("Int32Array", counts.data(), counts.size()));
    val result = val::object();
    result.set("canvas", tensor_value(tconv::scatter_canvas(tensor_from(input, in), tensor_from(weight, k), a.params)));
    result.set("window", window_value);
    result.set("overlap", overlap);
    return result;
}

val padded_direct(const val& input, const val& weight, const val& options) {
    Reader read;
    const auto a = transposed_arguments(input, weight, options, read);
    if (read.error) return error_value(*read.error);
    if (auto e = check(a.input, a.weight, a.params)) return error_value(*e);
    const Shape4 &in = a.input.shape, &k = a.weight.shape;
    const Tensor padded = tconv::dilated_padded_input(tensor_from(input, in), k, a.params);
    const tconv::DirectPadding pad = tconv::direct_padding(k, a.params);
    const auto rows = tconv::direct_axis_sources(in[2], a.params.stride.h, pad.top, padded.shape()[2]);
    const auto cols = tconv::direct_axis_sources(in[3], a.params.stride.w, pad.left, padded.shape()[3]);
    val padding = val::object();
    padding.set("top", static_cast<double>(pad.top));
    padding.set("bottom", static_cast<double>(pad.bottom));
    padding.set("left", static_cast<double>(pad.left));
    padding.set("right", static_cast<double>(pad.right));
    val result = val::object();
    result.set("padded", tensor_value(padded));
    result.set("rotatedKernel", tensor_value(tconv::rotated_kernel(tensor_from(weight, k), a.params.groups)));
    result.set("padding", padding);
    result.set("rowSource", copy_out("Int32Array", rows.data(), rows.size()));
    result.set("colSource", copy_out("Int32Array", cols.data(), cols.size()));
    return result;
}

val conv2d(const val& input, const val& weight, const val& options) {
    Reader read;
    const TensorArgument x = tensor_argument(input, input_names, read);
    const TensorArgument w = tensor_argument(weight, weight_names, read);
    const auto params = conv_params_from(options, read);
    if (read.error) return error_value(*read.error);
    if (auto e = tconv::conv2d_validation_error(x.shape, w.shape, params)) return error_value(*e);
    if (auto e = data_length_error("input", x)) return error_value(*e);
    if (auto e = data_length_error("weight", w)) return error_value(*e);
    return tensor_value(tconv::conv2d(tensor_from(input, x.shape), tensor_from(weight, w.shape), params));
}

val conv2d_input_grad(const val& input_shape, const val& weight, const val& grad_output, const val& options) {
    Reader read;
    const Shape4 in = read.shape(input_shape, "input", "input shape");
    const TensorArgument w = tensor_argument(weight, weight_names, read);
    const TensorArgument g = tensor_argument(grad_output, gradient_names, read);
    const auto params = conv_params_from(options, read);
    if (read.error) return error_value(*read.error);
    if (auto e = tconv::conv2d_validation_error(in, w.shape, params)) return error_value(*e);
    const Shape4 out = tconv::conv2d_output_shape(in, w.shape, params);
    if (g.shape != out)
        return error_value({"input", "",
                            "upstream gradient has shape " + tconv::detail::shape_text(g.shape) +
                                " but conv2d's output has shape " + tconv::detail::shape_text(out)});
    if (auto e = data_length_error("weight", w)) return error_value(*e);
    if (auto e = data_length_error("input", g)) return error_value(*e);
    return tensor_value(
        tconv::conv2d_input_grad(in, tensor_from(weight, w.shape), tensor_from(grad_output, g.shape), params));
}

/// Storage of the numeric fast entry point, kept between calls: once grown, a call allocates nothing.
struct FastCall {
    tconv::FastWorkspace workspace;
    std::vector<float> output;
    std::int32_t result[5] = {};  ///< N, Cout, H_out, W_out, address of the output data
    /// The last configuration validation accepted (shapes, lengths, parameters). validation_error builds its
    /// sentences as it goes, which costs as much as a small convolution; it is a pure function of these numbers,
    /// so a page recomputing one configuration with new values validates once.
    std::array<std::int32_t, 19> accepted{};
    bool has_accepted = false;
};

}  // namespace

extern "C" {

/// The fast method without Embind, for web/engine.js's hot path. input and weight are addresses in wasm memory of
/// input_length and weight_length floats; shapes are [N, Cin, H, W] and [Cin, Cout/groups, kH, kW]. Validates
/// exactly like convTranspose2d (no message is built for a valid call). Returns the address of five int32 values
/// {N, Cout, H_out, W_out, address of the output floats}, valid until the next call; or 0 if the configuration is
/// refused, and the caller then asks convTranspose2d for the message.
EMSCRIPTEN_KEEPALIVE const std::int32_t* tconv_fast_conv_transpose2d(
    const float* input, std::int32_t batch, std::int32_t in_channels, std::int32_t height, std::int32_t width,
    std::int32_t input_length, const float* weight, std::int32_t weight_in_channels, std::int32_t out_per_group,
    std::int32_t kernel_height, std::int32_t kernel_width, std::int32_t weight_length, std::int32_t stride_h,
    std::int32_t stride_w, std::int32_t padding_h, std::int32_t padding_w, std::int32_t output_padding_h,
    std::int32_t output_padding_w, std::int32_t dilation_h, std::int32_t dilation_w, std::int32_t groups) {
    static FastCall call;
    // One line per group of numbers rather than clang-format's one line per number.
    // clang-format off
    const std::array<std::int32_t, 19> configuration{
        batch, in_channels, height, width, input_length, weight_in_channels, out_per_group, kernel_height, kernel_width,
        weight_length, stride_h, stride_w, padding_h, padding_w, output_padding_h, output_padding_w, dilation_h,
        dilation_w, groups};
    // clang-format on
    const Shape4 in{batch, in_channels, height, width};
    const Shape4 k{weight_in_channels, out_per_group, kernel_height, kernel_width};
    tconv::ConvTransposeParams params;
    params.stride = {stride_h, stride_w};
    params.padding = {padding_h, padding_w};
    params.output_padding = {output_padding_h, output_padding_w};
    params.dilation = {dilation_h, dilation_w};
    params.groups = groups;
    if (!call.has_accepted || configuration != call.accepted) {
        call.has_accepted = false;
        if (tconv::validation_error(in, input_length, k, weight_length, params)) return nullptr;
        call.accepted = configuration;
        call.has_accepted = true;
    }
    const Shape4 out = tconv::output_shape(in, k, params);
    call.output.resize(static_cast<std::size_t>(tconv::element_count(out)));
    tconv::conv_transpose2d_fast_into(input, in, weight, k, params, call.output.data(), call.workspace);
    for (int i = 0; i < 4; ++i) call.result[i] = static_cast<std::int32_t>(out[i]);
    call.result[4] = static_cast<std::int32_t>(reinterpret_cast<std::uintptr_t>(call.output.data()));
    return call.result;
}

}  // extern "C"

EMSCRIPTEN_BINDINGS(tconv) {
    emscripten::function("limits", &limits);
    emscripten::function("outputShape", &output_shape);
    emscripten::function("convTranspose2d", &conv_transpose2d);
    emscripten::function("explain", &explain);
    emscripten::function("matrix", &matrix);
    emscripten::function("scatter", &scatter);
    emscripten::function("paddedDirect", &padded_direct);
    emscripten::function("conv2d", &conv2d);
    emscripten::function("conv2dInputGrad", &conv2d_input_grad);
}
