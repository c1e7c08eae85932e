// Embind glue: the only C++ that knows Emscripten. Every entry point takes and returns plain JS values (arrays,
// objects, typed arrays copied out at once), validates before it computes, and reports a rejected configuration as
// {error, parameter, axis} instead of throwing, so that no Embind handle and no C++ exception ever crosses into JS.
// web/engine.js turns those into JS Errors and normalises options beforehand (numbers → [h, w] pairs, integers).
#include <tconv/tconv.hpp>

#include <emscripten/bind.h>
#include <emscripten/val.h>

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

Shape4 shape_from(const val& array) {
    Shape4 shape{};
    for (int i = 0; i < 4; ++i) shape[i] = static_cast<std::int64_t>(array[i].as<double>());
    return shape;
}

val shape_value(const Shape4& shape) {
    val array = val::array();
    for (int i = 0; i < 4; ++i) array.call<void>("push", static_cast<double>(shape[i]));
    return array;
}

tconv::Pair pair_from(const val& array) {
    return {static_cast<std::int64_t>(array[0].as<double>()), static_cast<std::int64_t>(array[1].as<double>())};
}

tconv::ConvTransposeParams transposed_params_from(const val& options) {
    tconv::ConvTransposeParams p;
    p.stride = pair_from(options["stride"]);
    p.padding = pair_from(options["padding"]);
    p.output_padding = pair_from(options["outputPadding"]);
    p.dilation = pair_from(options["dilation"]);
    p.groups = static_cast<std::int64_t>(options["groups"].as<double>());
    return p;
}

tconv::Conv2dParams conv_params_from(const val& options) {
    tconv::Conv2dParams p;
    p.stride = pair_from(options["stride"]);
    p.padding = pair_from(options["padding"]);
    p.dilation = pair_from(options["dilation"]);
    p.groups = static_cast<std::int64_t>(options["groups"].as<double>());
    return p;
}

std::int64_t data_length(const val& tensor) {
    return static_cast<std::int64_t>(tensor["data"]["length"].as<double>());
}

// Copies a validated {shape, data: Float32Array} into a new tensor with one TypedArray.set call.
Tensor tensor_from(const val& tensor) {
    Tensor t = tconv::zeros(shape_from(tensor["shape"]));
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

std::optional<tconv::ValidationError> data_length_error(const std::string& parameter, const val& tensor,
                                                        const Shape4& shape) {
    const std::int64_t length = data_length(tensor), expected = tconv::element_count(shape);
    if (length == expected) return std::nullopt;
    return tconv::ValidationError{parameter, "",
                                  parameter + " data has " + std::to_string(length) + " values but shape " +
                                      tconv::detail::shape_text(shape) + " needs " + std::to_string(expected)};
}

std::optional<tconv::ValidationError> check(const val& input, const val& weight,
                                            const tconv::ConvTransposeParams& params) {
    return tconv::validation_error(shape_from(input["shape"]), data_length(input), shape_from(weight["shape"]),
                                   data_length(weight), params);
}

std::optional<tconv::ValidationError> check_shapes(const Shape4& input, const Shape4& weight,
                                                   const tconv::ConvTransposeParams& params) {
    return tconv::validation_error(input, tconv::element_count(input), weight, tconv::element_count(weight), params);
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
    const auto params = transposed_params_from(options);
    const Shape4 in = shape_from(input_shape), k = shape_from(weight_shape);
    if (auto e = check_shapes(in, k, params)) return error_value(*e);
    val result = val::object();
    result.set("shape", shape_value(tconv::output_shape(in, k, params)));
    return result;
}

val conv_transpose2d(const val& input, const val& weight, const val& options, const std::string& method_name) {
    const auto params = transposed_params_from(options);
    const auto method = tconv::method_from_name(method_name);
    if (!method)
        return error_value(
            {"method", "", "method is '" + method_name + "' but must be one of matrix, scatter, direct or fast"});
    if (auto e = check(input, weight, params)) return error_value(*e);
    return tensor_value(tconv::conv_transpose2d(tensor_from(input), tensor_from(weight), params, *method));
}

val explain(const val& input, const val& weight, const val& options, const val& cell) {
    const auto params = transposed_params_from(options);
    if (auto e = check(input, weight, params)) return error_value(*e);
    const Shape4 where = shape_from(cell);
    const Shape4 out = tconv::output_shape(shape_from(input["shape"]), shape_from(weight["shape"]), params);
    if (auto e = tconv::explain_cell_error(out, where)) return error_value(*e);
    const auto explanation =
        tconv::explain(tensor_from(input), tensor_from(weight), params, where[0], where[1], where[2], where[3]);
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
    const auto params = transposed_params_from(options);
    const Shape4 in = shape_from(input_shape), k = shape_from(weight_shape);
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
    const auto params = transposed_params_from(options);
    if (auto e = check(input, weight, params)) return error_value(*e);
    const Shape4 in = shape_from(input["shape"]), k = shape_from(weight["shape"]);
    const tconv::Window window = tconv::scatter_crop_window(in, k, params);
    const auto counts = tconv::scatter_overlap_counts(in, k, params);
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
    result.set("canvas", tensor_value(tconv::scatter_canvas(tensor_from(input), tensor_from(weight), params)));
    result.set("window", window_value);
    result.set("overlap", overlap);
    return result;
}

val padded_direct(const val& input, const val& weight, const val& options) {
    const auto params = transposed_params_from(options);
    if (auto e = check(input, weight, params)) return error_value(*e);
    const Shape4 in = shape_from(input["shape"]), k = shape_from(weight["shape"]);
    const Tensor padded = tconv::dilated_padded_input(tensor_from(input), k, params);
    const tconv::DirectPadding pad = tconv::direct_padding(k, params);
    const auto rows = tconv::direct_axis_sources(in[2], params.stride.h, pad.top, padded.shape()[2]);
    const auto cols = tconv::direct_axis_sources(in[3], params.stride.w, pad.left, padded.shape()[3]);
    val padding = val::object();
    padding.set("top", static_cast<double>(pad.top));
    padding.set("bottom", static_cast<double>(pad.bottom));
    padding.set("left", static_cast<double>(pad.left));
    padding.set("right", static_cast<double>(pad.right));
    val result = val::object();
    result.set("padded", tensor_value(padded));
    result.set("rotatedKernel", tensor_value(tconv::rotated_kernel(tensor_from(weight), params.groups)));
    result.set("padding", padding);
    result.set("rowSource", copy_out("Int32Array", rows.data(), rows.size()));
    result.set("colSource", copy_out("Int32Array", cols.data(), cols.size()));
    return result;
}

val conv2d(const val& input, const val& weight, const val& options) {
    const auto params = conv_params_from(options);
    const Shape4 in = shape_from(input["shape"]), k = shape_from(weight["shape"]);
    if (auto e = tconv::conv2d_validation_error(in, k, params)) return error_value(*e);
    if (auto e = data_length_error("input", input, in)) return error_value(*e);
    if (auto e = data_length_error("weight", weight, k)) return error_value(*e);
    return tensor_value(tconv::conv2d(tensor_from(input), tensor_from(weight), params));
}

val conv2d_input_grad(const val& input_shape, const val& weight, const val& grad_output, const val& options) {
    const auto params = conv_params_from(options);
    const Shape4 in = shape_from(input_shape), k = shape_from(weight["shape"]);
    if (auto e = tconv::conv2d_validation_error(in, k, params)) return error_value(*e);
    const Shape4 out = tconv::conv2d_output_shape(in, k, params);
    const Shape4 g = shape_from(grad_output["shape"]);
    if (g != out)
        return error_value({"input", "",
                            "upstream gradient has shape " + tconv::detail::shape_text(g) +
                                " but conv2d's output has shape " + tconv::detail::shape_text(out)});
    if (auto e = data_length_error("weight", weight, k)) return error_value(*e);
    if (auto e = data_length_error("input", grad_output, out)) return error_value(*e);
    return tensor_value(tconv::conv2d_input_grad(in, tensor_from(weight), tensor_from(grad_output), params));
}

}  // namespace

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
