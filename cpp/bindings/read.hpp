// Reading JS values into C++: numbers, shapes, per-axis lists, the padding forms and tensors. Every number is checked
// again here, because the wasm module is a public surface of its own: NaN, ±Inf, fractions and values beyond int64
// are refused with a message, never cast. web/engine.js has already expanded the friendly forms (a number for every
// axis, a one-element list) into the lists read here.
#pragma once

#include "write.hpp"

#include <tconv/tconv.hpp>

#include <emscripten/val.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace bindings {

using emscripten::val;

/// How a value reads in a message: JavaScript's own String(), with strings quoted and arrays bracketed (their first
/// 8 elements). Only built for a refusal.
inline std::string describe(const val& value) {
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
    std::string parameter;  ///< the ValidationError's parameter
    std::string axis;       ///< "length", "depth", "height", "width" or ""
    std::string name;       ///< how the message names it
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

    /// An array of at most `most` whole numbers (a shape, a cell, an output_size).
    tconv::Shape list(const val& array, const Field& field, int most) {
        tconv::Shape result;
        if (error) return result;
        if (!array.isArray()) {
            refuse(array, field, ("a list of at most " + std::to_string(most) + " whole numbers").c_str());
            return result;
        }
        const double length = array["length"].as<double>();
        if (length > most) {
            refuse(array, field, ("a list of at most " + std::to_string(most) + " whole numbers").c_str());
            return result;
        }
        for (int i = 0; i < static_cast<int>(length); ++i)
            result.push_back(
                integer(array[i], {field.parameter, field.axis, field.name + "[" + std::to_string(i) + "]"}));
        return result;
    }

    /// Exactly one whole number per spatial axis of rank r, into canonical positions of `dims`.
    void per_axis(const val& array, int rank, const std::string& parameter, tconv::Dims& dims) {
        if (error) return;
        if (!array.isArray() || array["length"].as<double>() != rank) {
            refuse(array, {parameter, "", parameter}, rule_text(rank).c_str());
            return;
        }
        for (int i = 0; i < rank; ++i) {
            const int a = 3 - rank + i;
            dims[a] = integer(
                array[i], {parameter, tconv::axis_name(rank, a), parameter + " (" + tconv::axis_name(rank, a) + ")"});
        }
    }

    /// Keeps "<field> is <value> but must be <rule>" as the error (if none is kept yet); returns 0.
    std::int64_t refuse(const val& value, const Field& field, const char* rule) {
        if (!error)
            error = tconv::ValidationError{field.parameter, field.axis,
                                           field.name + " is " + describe(value) + " but must be " + rule};
        return 0;
    }

    static std::string rule_text(int rank) {
        if (rank == 1) return "a list of 1 whole number ([length])";
        if (rank == 2) return "a list of 2 whole numbers ([height, width])";
        return "a list of 3 whole numbers ([depth, height, width])";
    }
};

/// Options must be an object; reading a property of undefined or null would throw in JS.
inline bool options_object(const val& options, Reader& read) {
    if (!options.isUndefined() && !options.isNull()) return true;
    read.refuse(options, {"", "", "options"}, "an object");
    return false;
}

/// The transposed options for a weight of rank r + 2: stride, dilation, outputPadding (lists of r), padding (a list
/// of r entries, each a number or a [before, after] pair, or "same", "same_lower" or "valid"), outputSize (absent or
/// a list), groups.
inline tconv::ConvTransposeOptions transposed_options(const val& options, int rank, Reader& read) {
    tconv::ConvTransposeOptions o;
    if (!options_object(options, read)) return o;
    if (rank < 1 || rank > 3) rank = 2;  // the weight's rank is refused later, by resolve()
    read.per_axis(options["stride"], rank, "stride", o.stride);
    read.per_axis(options["dilation"], rank, "dilation", o.dilation);
    const val output_padding = options["outputPadding"];
    if (!output_padding.isUndefined() && !output_padding.isNull()) {
        read.per_axis(output_padding, rank, "output_padding", o.output_padding);
        o.output_padding_given = true;
    }
    const val padding = options["padding"];
    if (padding.isString()) {
        const std::string mode = padding.as<std::string>();
        if (mode == "same")
            o.padding_mode = tconv::PaddingMode::same;
        else if (mode == "same_lower")
            o.padding_mode = tconv::PaddingMode::same_lower;
        else if (mode == "valid")
            o.padding_mode = tconv::PaddingMode::valid;
        else
            read.refuse(padding, {"padding", "", "padding"}, "\"same\", \"same_lower\", \"valid\" or a list");
    } else if (!padding.isArray() || padding["length"].as<double>() != rank) {
        read.refuse(
            padding, {"padding", "", "padding"},
            ("a list of " + std::to_string(rank) + " entries, each a whole number or a [before, after] pair").c_str());
    } else {
        for (int i = 0; i < rank; ++i) {
            const int a = 3 - rank + i;
            const std::string axis = tconv::axis_name(rank, a);
            const val entry = padding[i];
            const Field field{"padding", axis, "padding (" + axis + ")"};
            if (entry.isArray()) {
                if (entry["length"].as<double>() != 2) {
                    read.refuse(entry, field, "a whole number or a [before, after] pair");
                    continue;
                }
                o.padding_before[a] = read.integer(entry[0], {"padding", axis, "padding (" + axis + ") before"});
                o.padding_after[a] = read.integer(entry[1], {"padding", axis, "padding (" + axis + ") after"});
            } else {
                o.padding_before[a] = o.padding_after[a] = read.integer(entry, field);
            }
        }
    }
    const val output_size = options["outputSize"];
    if (!output_size.isUndefined() && !output_size.isNull())
        o.output_size = read.list(output_size, {"output_size", "", "output_size"}, rank + 2);
    o.groups = read.integer(options["groups"], {"groups", "", "groups"});
    return o;
}

/// A tensor argument {shape, data}: shape and data length read and checked; the data is copied once validated.
struct TensorArgument {
    tconv::Shape shape;
    std::int64_t length = 0;
    bool present = true;
};

/// How messages name a tensor argument and its parts.
struct TensorNames {
    const char* parameter;
    const char* whole;
};
constexpr TensorNames input_names{"input", "input"};
constexpr TensorNames weight_names{"weight", "weight"};
constexpr TensorNames bias_names{"bias", "bias"};
constexpr TensorNames gradient_names{"input", "upstream gradient"};

inline TensorArgument tensor_argument(const val& tensor, const TensorNames& names, Reader& read,
                                      bool optional = false) {
    TensorArgument argument;
    if (read.error) return argument;
    if (tensor.isUndefined() || tensor.isNull()) {
        if (optional) {
            argument.present = false;
            return argument;
        }
        read.refuse(tensor, {names.parameter, "", names.whole}, "an object {shape, data}");
        return argument;
    }
    const std::string whole = names.whole;
    argument.shape = read.list(tensor["shape"], {names.parameter, "", whole + " shape"}, 5);
    const val data = tensor["data"];
    if (data.isUndefined() || data.isNull())
        read.refuse(data, {names.parameter, "", whole + " data"}, "a Float32Array or an array of numbers");
    else
        argument.length = read.integer(data["length"], {names.parameter, "", whole + " data length"});
    return argument;
}

/// Copies a validated {shape, data: Float32Array or array} into a buffer with one TypedArray.set call.
inline std::vector<float> data_of(const val& tensor, std::int64_t length) {
    std::vector<float> data(static_cast<std::size_t>(length));
    if (length > 0) {
        val view(emscripten::typed_memory_view(data.size(), data.data()));
        view.call<void>("set", tensor["data"]);
    }
    return data;
}

}  // namespace bindings
