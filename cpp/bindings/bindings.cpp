// The binding table (EMSCRIPTEN_BINDINGS) and the entry points behind it. Every entry point takes and returns plain
// JS values (arrays, objects, typed arrays copied out at once), validates before it computes, and reports a rejected
// configuration as {error, parameter, axis} instead of throwing, so that no Embind handle and no C++ exception ever
// crosses into JS. read.hpp reads JS values, write.hpp writes results, fast_export.cpp is the numeric hot path.
#include "fast_method.hpp"
#include "read.hpp"
#include "write.hpp"

#include <tconv/tconv.hpp>

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bindings {
namespace {

/// The rank of a weight shape value (its length − 2), read without judging it: resolve() refuses a bad one.
int rank_of(const val& weight_shape) {
    if (!weight_shape.isArray()) return 2;
    const int length = static_cast<int>(weight_shape["length"].as<double>());
    return length >= 3 && length <= 5 ? length - 2 : 2;
}

/// One transposed call read and resolved: the geometry, and the data copied in (when tensors were given).
struct Call {
    std::optional<tconv::ValidationError> error;
    tconv::Geometry geometry;
    std::vector<float> x, w, b;
    bool has_bias = false;
};

Call read_call(const val& input, const val& weight, const val& bias, const val& options) {
    Call call;
    Reader read;
    const TensorArgument xa = tensor_argument(input, input_names, read);
    const TensorArgument wa = tensor_argument(weight, weight_names, read);
    const TensorArgument ba = tensor_argument(bias, bias_names, read, true);
    const int rank = weight.isUndefined() || weight.isNull() ? 2 : rank_of(weight["shape"]);
    const auto o = transposed_options(options, rank, read);
    if (read.error) {
        call.error = read.error;
        return call;
    }
    if (ba.present && ba.shape.size() != 1) {
        call.error = tconv::ValidationError{"bias", "",
                                            "bias shape is " + tconv::detail::shape_text(ba.shape) +
                                                " but must be [Cout], one value per output channel"};
        return call;
    }
    if (ba.present && ba.length != ba.shape[0]) {
        call.error = tconv::ValidationError{"bias", "",
                                            "bias data has " + std::to_string(ba.length) + " values but shape [" +
                                                std::to_string(ba.shape[0]) + "] needs " + std::to_string(ba.shape[0])};
        return call;
    }
    const tconv::Resolution r =
        tconv::resolve(xa.shape, xa.length, wa.shape, wa.length, o, ba.present ? ba.length : -1);
    if (r.violation) {
        call.error = r.violation->error();
        return call;
    }
    call.geometry = r.geometry;
    call.x = data_of(input, xa.length);
    call.w = data_of(weight, wa.length);
    if (ba.present) {
        call.b = data_of(bias, ba.length);
        call.has_bias = true;
    }
    return call;
}

/// Shapes only (matrix, outputShape, influence).
std::optional<tconv::ValidationError> read_shapes(const val& input_shape, const val& weight_shape, const val& options,
                                                  tconv::Geometry& g) {
    Reader read;
    const tconv::Shape in = read.list(input_shape, {"input", "", "input shape"}, 5);
    const tconv::Shape k = read.list(weight_shape, {"weight", "", "weight shape"}, 5);
    const auto o = transposed_options(options, rank_of(weight_shape), read);
    if (read.error) return read.error;
    const tconv::Resolution r = tconv::resolve(in, tconv::volume(in), k, tconv::volume(k), o);
    if (r.violation) return r.violation->error();
    g = r.geometry;
    return std::nullopt;
}

const float* bias_of(const Call& c) {
    return c.has_bias ? c.b.data() : nullptr;
}

val bias_value(const Call& c) {
    return c.has_bias ? tensor_value({c.geometry.out_channels()}, c.b) : val::null();
}

val limits() {
    val result = val::object();
    result.set("maxExtent", static_cast<double>(tconv::Limits::max_extent));
    result.set("maxElements", static_cast<double>(tconv::Limits::max_elements));
    result.set("maxMultiplyAdds", static_cast<double>(tconv::Limits::max_multiply_adds));
    result.set("maxMatrixNonzeros", static_cast<double>(tconv::Limits::max_matrix_nonzeros));
    return result;
}

/// The resolved geometry: output shape, per-side crops, output_padding and the full (uncropped) sizes.
val geometry(const val& input_shape, const val& weight_shape, const val& options) {
    tconv::Geometry g;
    if (auto e = read_shapes(input_shape, weight_shape, options, g)) return error_value(*e);
    tconv::Dims before{}, after{}, op{}, full{};
    for (int a = 0; a < 3; ++a) {
        before[a] = g.axes[a].before;
        after[a] = g.axes[a].after;
        op[a] = g.axes[a].output_padding;
        full[a] = g.axes[a].full();
    }
    val result = val::object();
    result.set("shape", integers_value(g.output_shape()));
    result.set("rank", g.rank);
    val padding = val::object();
    padding.set("before", axes_value(g, before));
    padding.set("after", axes_value(g, after));
    result.set("padding", padding);
    result.set("outputPadding", axes_value(g, op));
    result.set("full", axes_value(g, full));
    return result;
}

val conv_transpose(const val& input, const val& weight, const val& bias, const val& options,
                   const std::string& method_name) {
    const auto method = tconv::method_from_name(method_name);
    if (!method)
        return error_value(
            {"method", "",
             "method is '" + method_name + "' but must be one of matrix, scatter, padded_direct or fast"});
    const Call c = read_call(input, weight, bias, options);
    if (c.error) return error_value(*c.error);
    std::vector<float> y(static_cast<std::size_t>(tconv::volume(c.geometry.output5())));
    switch (*method) {
        case tconv::Method::matrix:
            tconv::conv_transpose_matrix(c.geometry, c.x.data(), c.w.data(), bias_of(c), y.data());
            break;
        case tconv::Method::scatter:
            tconv::conv_transpose_scatter(c.geometry, c.x.data(), c.w.data(), bias_of(c), y.data());
            break;
        case tconv::Method::padded_direct:
            tconv::conv_transpose_padded_direct(c.geometry, c.x.data(), c.w.data(), bias_of(c), y.data());
            break;
        case tconv::Method::fast:
            tconv_bindings::conv_transpose_fast(c.geometry, c.x.data(), c.w.data(), bias_of(c), y.data());
            break;
    }
    return tensor_value(c.geometry.output_shape(), y);
}

/// A canonical cell from a public index of rank r + 2 (batched) or r + 1 (unbatched).
std::optional<tconv::ValidationError> canonical_index(const tconv::Geometry& g, const tconv::Shape& index,
                                                      bool activation, const std::string& parameter,
                                                      tconv::Shape5& cell) {
    const std::size_t expected = static_cast<std::size_t>(g.rank + (activation && !g.batched ? 1 : 2));
    if (index.size() != expected)
        return tconv::ValidationError{parameter, "",
                                      parameter + " is " + tconv::detail::shape_text(index) + " but must have " +
                                          std::to_string(expected) + " entries, like the tensor's shape"};
    cell = {0, 0, 0, 0, 0};
    std::size_t i = 0;
    if (!activation || g.batched) cell[0] = index[i++];
    cell[1] = index[i++];
    for (int a = g.first_axis(); a < 3; ++a) cell[2 + a] = index[i++];
    return std::nullopt;
}

val explain(const val& input, const val& weight, const val& bias, const val& options, const val& cell_value) {
    Reader read;
    const tconv::Shape where = read.list(cell_value, {"cell", "", "cell"}, 5);
    if (read.error) return error_value(*read.error);
    const Call c = read_call(input, weight, bias, options);
    if (c.error) return error_value(*c.error);
    const tconv::Geometry& g = c.geometry;
    tconv::Shape5 cell{};
    if (auto e = canonical_index(g, where, true, "cell", cell)) return error_value(*e);
    if (auto e = tconv::explain_cell_error(g, cell)) return error_value(*e);
    const auto e = tconv::explain(g, c.x.data(), c.w.data(), bias_of(c), cell);
    val terms = val::array();
    for (const auto& t : e.terms) {
        val term = val::object();
        term.set("x", t.x);
        term.set("w", t.w);
        term.set("product", t.product);
        term.set("input", index_value(g, t.input, true));
        term.set("weight", index_value(g, t.weight, false));
        terms.call<void>("push", term);
    }
    val result = val::object();
    result.set("value", e.value);
    result.set("terms", terms);
    if (e.has_bias) {
        val b = val::object();
        b.set("value", e.bias);
        b.set("index", integers_value(std::vector<std::int64_t>{e.bias_index}));
        result.set("bias", b);
    }
    return result;
}

val matrix(const val& input_shape, const val& weight_shape, const val& options) {
    tconv::Geometry g;
    if (auto e = read_shapes(input_shape, weight_shape, options, g)) return error_value(*e);
    if (auto e = tconv::matrix_listing_error(g)) return error_value(*e);
    const auto entries = tconv::forward_matrix_entries(g);
    std::vector<std::int32_t> rows(entries.size()), cols(entries.size()), taps(entries.size());
    for (std::size_t e = 0; e < entries.size(); ++e) {
        rows[e] = entries[e].row;
        cols[e] = entries[e].col;
        taps[e] = entries[e].weight_index;
    }
    const tconv::Shape5 in = g.input5(), out = g.output5();
    val result = val::object();
    result.set("rows", static_cast<double>(in[1] * in[2] * in[3] * in[4]));
    result.set("cols", static_cast<double>(out[1] * out[2] * out[3] * out[4]));
    result.set("row", copy_out("Int32Array", rows.data(), rows.size()));
    result.set("col", copy_out("Int32Array", cols.data(), cols.size()));
    result.set("weightIndex", copy_out("Int32Array", taps.data(), taps.size()));
    return result;
}

val scatter(const val& input, const val& weight, const val& bias, const val& options) {
    const Call c = read_call(input, weight, bias, options);
    if (c.error) return error_value(*c.error);
    const tconv::Geometry& g = c.geometry;
    const tconv::WindowN window = tconv::scatter_window(g);
    const auto counts = tconv::scatter_overlap(g);
    std::vector<float> canvas(static_cast<std::size_t>(tconv::volume(g.canvas5())), 0.0f);
    tconv::scatter_canvas(g, c.x.data(), c.w.data(), canvas.data());
    val window_value = val::object();
    window_value.set("start", axes_value(g, window.start));
    window_value.set("size", axes_value(g, window.size));
    if (g.rank == 2) {
        window_value.set("top", static_cast<double>(window.start[1]));
        window_value.set("left", static_cast<double>(window.start[2]));
        window_value.set("height", static_cast<double>(window.size[1]));
        window_value.set("width", static_cast<double>(window.size[2]));
    }
    const tconv::Shape5 cs = g.canvas5();
    tconv::Shape spatial;
    for (int a = g.first_axis(); a < 3; ++a) spatial.push_back(cs[2 + a]);
    val overlap = val::object();
    overlap.set("shape", integers_value(spatial));
    overlap.set("data", copy_out("Int32Array", counts.data(), counts.size()));
    val result = val::object();
    result.set("canvas", tensor_value(g.public_shape(cs), canvas));
    result.set("window", window_value);
    result.set("overlap", overlap);
    result.set("bias", bias_value(c));
    return result;
}

val padded_direct(const val& input, const val& weight, const val& bias, const val& options) {
    const Call c = read_call(input, weight, bias, options);
    if (c.error) return error_value(*c.error);
    const tconv::Geometry& g = c.geometry;
    std::vector<float> padded(static_cast<std::size_t>(tconv::volume(g.padded5())));
    tconv::padded_input(g, c.x.data(), padded.data());
    const auto rotated = tconv::rotated_kernel(g, c.w.data());
    tconv::Dims before{}, after{};
    val sources = val::array();
    for (int a = 0; a < 3; ++a) {
        before[a] = g.axes[a].direct_before();
        after[a] = g.axes[a].direct_after();
        if (a >= g.first_axis()) {
            const auto s = tconv::direct_sources(g, a);
            sources.call<void>("push", copy_out("Int32Array", s.data(), s.size()));
        }
    }
    val padding = val::object();
    padding.set("before", axes_value(g, before));
    padding.set("after", axes_value(g, after));
    val result = val::object();
    if (g.rank == 2) {
        padding.set("top", static_cast<double>(before[1]));
        padding.set("bottom", static_cast<double>(after[1]));
        padding.set("left", static_cast<double>(before[2]));
        padding.set("right", static_cast<double>(after[2]));
        result.set("rowSource", sources[0]);
        result.set("colSource", sources[1]);
    }
    const tconv::Shape5 k = g.weight5();
    result.set("padded", tensor_value(g.public_shape(g.padded5()), padded));
    result.set("rotatedKernel",
               tensor_value(g.public_shape({g.out_channels(), g.in_per_group(), k[2], k[3], k[4]}, false), rotated));
    result.set("padding", padding);
    result.set("sources", sources);
    result.set("bias", bias_value(c));
    return result;
}

val influence(const val& input_shape, const val& weight_shape, const val& options, const std::string& tensor,
              const val& index_value_js) {
    tconv::Geometry g;
    if (auto e = read_shapes(input_shape, weight_shape, options, g)) return error_value(*e);
    tconv::InfluenceTensor t;
    if (tensor == "x")
        t = tconv::InfluenceTensor::x;
    else if (tensor == "w")
        t = tconv::InfluenceTensor::w;
    else if (tensor == "y")
        t = tconv::InfluenceTensor::y;
    else
        return error_value({"tensor", "", "tensor is '" + tensor + "' but must be 'x', 'w' or 'y'"});
    Reader read;
    const tconv::Shape index = read.list(index_value_js, {"index", "", "index"}, 5);
    if (read.error) return error_value(*read.error);
    tconv::Shape5 cell{};
    if (auto e = canonical_index(g, index, t != tconv::InfluenceTensor::w, "index", cell)) return error_value(*e);
    if (auto e = tconv::influence_index_error(g, t, cell)) return error_value(*e);
    const tconv::Influence links = tconv::influence(g, t, cell);
    if (static_cast<std::int64_t>(links.x.size()) > tconv::Limits::max_matrix_nonzeros)
        return error_value({"limits", "",
                            "the cell has " + std::to_string(links.x.size()) +
                                " connections but the engine's limit for listing them is " +
                                std::to_string(tconv::Limits::max_matrix_nonzeros)});
    auto list = [&](const std::vector<tconv::Shape5>& indices, bool activation) {
        val array = val::array();
        for (const auto& i : indices) array.call<void>("push", index_value(g, i, activation));
        return array;
    };
    val result = val::object();
    result.set("x", list(links.x, true));
    result.set("w", list(links.w, false));
    result.set("y", list(links.y, true));
    return result;
}

val subpixel(const val& input, const val& weight, const val& bias, const val& options) {
    const Call c = read_call(input, weight, bias, options);
    if (c.error) return error_value(*c.error);
    const tconv::Geometry& g = c.geometry;
    const auto phases = tconv::subpixel(g, c.x.data(), c.w.data(), bias_of(c));
    val list = val::array();
    for (const auto& p : phases) {
        val phase = val::object();
        tconv::Dims residue{}, first{}, count{}, tap_counts{};
        val taps = val::array(), starts = val::array();
        for (int a = 0; a < 3; ++a) {
            residue[a] = p.axes[a].residue;
            first[a] = p.axes[a].first_output;
            count[a] = p.axes[a].count;
            tap_counts[a] = static_cast<std::int64_t>(p.axes[a].taps.size());
            if (a >= g.first_axis()) {
                taps.call<void>("push", integers_value(p.axes[a].taps));
                starts.call<void>("push", integers_value(p.axes[a].input_start));
            }
        }
        phase.set("residue", axes_value(g, residue));
        phase.set("first", axes_value(g, first));
        phase.set("count", axes_value(g, count));
        phase.set("taps", taps);
        phase.set("inputStart", starts);
        phase.set("tapCounts", axes_value(g, tap_counts));
        phase.set("kernel", tensor_value(g.public_shape(p.kernel_shape, false), p.kernel));
        phase.set("output", tensor_value(g.public_shape(p.output_shape), p.output));
        list.call<void>("push", phase);
    }
    tconv::Dims stride{};
    for (int a = 0; a < 3; ++a) stride[a] = g.axes[a].stride;
    val result = val::object();
    result.set("stride", axes_value(g, stride));
    result.set("phases", list);
    result.set("bias", bias_value(c));
    return result;
}

// ---- conv2d and its input gradient (2-D) ---------------------------------------------------------------------------

tconv::Conv2dParams conv_params_from(const val& options, Reader& read) {
    tconv::Conv2dParams p;
    if (!options_object(options, read)) return p;
    tconv::Dims d{};
    read.per_axis(options["stride"], 2, "stride", d);
    p.stride = {d[1], d[2]};
    read.per_axis(options["padding"], 2, "padding", d);
    p.padding = {d[1], d[2]};
    read.per_axis(options["dilation"], 2, "dilation", d);
    p.dilation = {d[1], d[2]};
    p.groups = read.integer(options["groups"], {"groups", "", "groups"});
    return p;
}

std::optional<tconv::ValidationError> shape4(const TensorArgument& t, const char* parameter, tconv::Shape4& s) {
    if (t.shape.size() != 4)
        return tconv::ValidationError{parameter, "",
                                      std::string(parameter) + " shape is " + tconv::detail::shape_text(t.shape) +
                                          " but conv2d needs 4 numbers [N, C, H, W]"};
    s = {t.shape[0], t.shape[1], t.shape[2], t.shape[3]};
    return std::nullopt;
}

std::optional<tconv::ValidationError> data_length_error(const std::string& parameter, const TensorArgument& tensor) {
    const std::int64_t expected = tconv::volume(tensor.shape);
    if (tensor.length == expected) return std::nullopt;
    return tconv::ValidationError{parameter, "",
                                  parameter + " data has " + std::to_string(tensor.length) + " values but shape " +
                                      tconv::detail::shape_text(tensor.shape) + " needs " + std::to_string(expected)};
}

tconv::Tensor tensor4_from(const val& tensor, const tconv::Shape4& shape) {
    tconv::Tensor t = tconv::zeros(shape);
    if (t.size() > 0) {
        val view(emscripten::typed_memory_view(t.size(), t.data()));
        view.call<void>("set", tensor["data"]);
    }
    return t;
}

val tensor4_value(const tconv::Tensor& t) {
    const tconv::Shape4 s = tconv::shape_of(t);
    return tensor_value({s[0], s[1], s[2], s[3]}, t.data());
}

val conv2d(const val& input, const val& weight, const val& bias, const val& options) {
    Reader read;
    const TensorArgument x = tensor_argument(input, input_names, read);
    const TensorArgument w = tensor_argument(weight, weight_names, read);
    const TensorArgument b = tensor_argument(bias, bias_names, read, true);
    const auto params = conv_params_from(options, read);
    if (read.error) return error_value(*read.error);
    tconv::Shape4 xs{}, ws{};
    if (auto e = shape4(x, "input", xs)) return error_value(*e);
    if (auto e = shape4(w, "weight", ws)) return error_value(*e);
    if (auto e = tconv::conv2d_validation_error(xs, ws, params)) return error_value(*e);
    if (auto e = data_length_error("input", x)) return error_value(*e);
    if (auto e = data_length_error("weight", w)) return error_value(*e);
    if (b.present && (b.shape.size() != 1 || b.shape[0] != ws[0] || b.length != ws[0]))
        return error_value({"bias", "",
                            "bias has shape " + tconv::detail::shape_text(b.shape) + " and " +
                                std::to_string(b.length) + " values but must be [Cout] = [" + std::to_string(ws[0]) +
                                "]"});
    tconv::Tensor y = tconv::conv2d(tensor4_from(input, xs), tensor4_from(weight, ws), params);
    if (b.present) {
        const auto values = data_of(bias, b.length);
        const tconv::Shape4 ys = tconv::shape_of(y);
        for (std::int64_t n = 0; n < ys[0]; ++n)
            for (std::int64_t co = 0; co < ys[1]; ++co)
                for (std::int64_t i = 0; i < ys[2] * ys[3]; ++i)
                    y.data()[(n * ys[1] + co) * ys[2] * ys[3] + i] += values[co];
    }
    return tensor4_value(y);
}

val conv2d_input_grad(const val& input_shape, const val& weight, const val& grad_output, const val& options) {
    Reader read;
    const tconv::Shape in_list = read.list(input_shape, {"input", "", "input shape"}, 5);
    const TensorArgument w = tensor_argument(weight, weight_names, read);
    const TensorArgument g = tensor_argument(grad_output, gradient_names, read);
    const auto params = conv_params_from(options, read);
    if (read.error) return error_value(*read.error);
    tconv::Shape4 in{}, ws{}, gs{};
    if (auto e = shape4({in_list, 0, true}, "input", in)) return error_value(*e);
    if (auto e = shape4(w, "weight", ws)) return error_value(*e);
    if (auto e = tconv::conv2d_validation_error(in, ws, params)) return error_value(*e);
    const tconv::Shape4 out = tconv::conv2d_output_shape(in, ws, params);
    if (g.shape.size() != 4 || tconv::Shape4{g.shape[0], g.shape[1], g.shape[2], g.shape[3]} != out)
        return error_value({"input", "",
                            "upstream gradient has shape " + tconv::detail::shape_text(g.shape) +
                                " but conv2d's output has shape " + tconv::detail::shape_text(out)});
    gs = out;
    if (auto e = data_length_error("weight", w)) return error_value(*e);
    if (auto e = data_length_error("input", g)) return error_value(*e);
    return tensor4_value(tconv::conv2d_input_grad(in, tensor4_from(weight, ws), tensor4_from(grad_output, gs), params));
}

}  // namespace
}  // namespace bindings

EMSCRIPTEN_BINDINGS(tconv) {
    using namespace bindings;
    emscripten::function("limits", &limits);
    emscripten::function("geometry", &geometry);
    emscripten::function("convTranspose", &conv_transpose);
    emscripten::function("explain", &explain);
    emscripten::function("matrix", &matrix);
    emscripten::function("scatter", &scatter);
    emscripten::function("paddedDirect", &padded_direct);
    emscripten::function("influence", &influence);
    emscripten::function("subpixel", &subpixel);
    emscripten::function("conv2d", &conv2d);
    emscripten::function("conv2dInputGrad", &conv2d_input_grad);
}
