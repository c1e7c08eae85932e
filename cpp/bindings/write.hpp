// Writing results from C++ to JS values: errors, shapes, tensors (typed arrays copied out at once).
#pragma once

#include <tconv/tconv.hpp>

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <vector>

namespace bindings {

using emscripten::val;

/// A refusal: {error, parameter, axis}; web/engine.js turns it into an EngineError.
inline val error_value(const tconv::ValidationError& e) {
    val result = val::object();
    result.set("error", e.message);
    result.set("parameter", e.parameter);
    result.set("axis", e.axis);
    return result;
}

inline val error_value(const tconv::Violation& v) {
    return error_value(v.error());
}

template <class Integers>
val integers_value(const Integers& values) {
    val array = val::array();
    for (auto v : values) array.call<void>("push", static_cast<double>(v));
    return array;
}

/// Copies out at once: a typed_memory_view goes stale when memory grows.
template <class T>
val copy_out(const char* array_type, const T* data, std::size_t count) {
    return val::global(array_type).new_(emscripten::typed_memory_view(count, data));
}

/// {shape, data: Float32Array}.
inline val tensor_value(const tconv::Shape& shape, const float* data) {
    val result = val::object();
    result.set("shape", integers_value(shape));
    result.set("data", copy_out("Float32Array", data, static_cast<std::size_t>(tconv::volume(shape))));
    return result;
}

inline val tensor_value(const tconv::Shape& shape, const std::vector<float>& data) {
    return tensor_value(shape, data.data());
}

/// The rank's entries of a canonical per-axis array.
inline val axes_value(const tconv::Geometry& g, const tconv::Dims& d) {
    val array = val::array();
    for (int a = g.first_axis(); a < 3; ++a) array.call<void>("push", static_cast<double>(d[a]));
    return array;
}

/// A canonical index in the public form: [n, c, spatial...] (n left out for an unbatched activation).
inline val index_value(const tconv::Geometry& g, const tconv::Shape5& index, bool activation) {
    return integers_value(g.public_shape(index, activation));
}

}  // namespace bindings
