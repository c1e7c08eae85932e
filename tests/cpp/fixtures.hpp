// Shared helpers of the Catch2 tests: loading the PyTorch fixtures (tests/fixtures/*.json, written by
// scripts/make-fixtures.py), comparing tensors to them, and drawing random valid configurations in-test.
#pragma once

#include <tconv/tconv.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef TCONV_FIXTURES_DIR
#error "TCONV_FIXTURES_DIR must name the tests/fixtures directory"
#endif

namespace fixtures {

using json = nlohmann::json;

/// Relative and absolute tolerance of every comparison against PyTorch: the issue asks for 1e-4 relative; the
/// absolute margin covers outputs that cancel to (almost) zero, where float32 rounding of the summands dominates.
constexpr double relative_tolerance = 1e-4;
constexpr double absolute_margin = 1e-4;

/// Parses tests/fixtures/<name> once per test run.
inline const json& load(const std::string& name) {
    static std::map<std::string, json> cache;
    auto found = cache.find(name);
    if (found != cache.end()) return found->second;
    const std::string path = std::string(TCONV_FIXTURES_DIR) + "/" + name;
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot open fixture " + path + "; run /usr/bin/python3 scripts/make-fixtures.py");
    json parsed = json::parse(in);
    if (!parsed.contains("cases") || parsed["cases"].empty())
        throw std::runtime_error("fixture " + path + " has no cases");
    return cache.emplace(name, std::move(parsed)).first->second;
}

inline const json& cases(const std::string& name) {
    return load(name)["cases"];
}

inline tconv::Shape4 shape(const json& j) {
    if (j.size() != 4) throw std::runtime_error("fixture shape is not rank 4: " + j.dump());
    return {j[0].get<std::int64_t>(), j[1].get<std::int64_t>(), j[2].get<std::int64_t>(), j[3].get<std::int64_t>()};
}

/// {shape, data} → Tensor; fixture numbers are float32 values written so that double → float is exact.
inline tconv::Tensor tensor(const json& j) {
    tconv::Tensor t = tconv::zeros(shape(j["shape"]));
    const json& data = j["data"];
    if (data.size() != t.size()) throw std::runtime_error("fixture data length does not match its shape");
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = static_cast<float>(data[i].get<double>());
    return t;
}

inline tconv::Pair pair(const json& j) {
    return {j[0].get<std::int64_t>(), j[1].get<std::int64_t>()};
}

inline tconv::ConvTransposeParams transposed_params(const json& c) {
    tconv::ConvTransposeParams p;
    p.stride = pair(c["stride"]);
    p.padding = pair(c["padding"]);
    p.output_padding = pair(c["output_padding"]);
    p.dilation = pair(c["dilation"]);
    p.groups = c["groups"].get<std::int64_t>();
    return p;
}

inline tconv::Conv2dParams conv2d_params(const json& c) {
    tconv::Conv2dParams p;
    p.stride = pair(c["stride"]);
    p.padding = pair(c["padding"]);
    p.dilation = pair(c["dilation"]);
    p.groups = c["groups"].get<std::int64_t>();
    return p;
}

inline std::string text(const tconv::Shape4& s) {
    return tconv::detail::shape_text(s);
}

inline std::string text(const tconv::ConvTransposeParams& p) {
    std::ostringstream out;
    out << "stride [" << p.stride.h << ", " << p.stride.w << "] padding [" << p.padding.h << ", " << p.padding.w
        << "] output_padding [" << p.output_padding.h << ", " << p.output_padding.w << "] dilation [" << p.dilation.h
        << ", " << p.dilation.w << "] groups " << p.groups;
    return out.str();
}

inline bool close(double actual, double expected) {
    return Approx(expected).epsilon(relative_tolerance).margin(absolute_margin) == actual;
}

/// "" when `actual` has `expected_shape` and every element is close to `expected`; otherwise a description of the
/// shape difference or of the first element that differs (so one failing case prints one line, not thousands).
inline std::string mismatch(const tconv::Tensor& actual, const tconv::Shape4& expected_shape, const float* expected) {
    const tconv::Shape4 got = tconv::shape_of(actual);
    if (got != expected_shape) return "shape " + text(got) + ", expected " + text(expected_shape);
    for (std::size_t i = 0; i < actual.size(); ++i) {
        if (!close(actual.data()[i], expected[i])) {
            std::ostringstream out;
            out.precision(9);
            out << "element " << i << " is " << actual.data()[i] << ", expected " << expected[i] << " (shape "
                << text(got) << ")";
            return out.str();
        }
    }
    return "";
}

inline std::string mismatch(const tconv::Tensor& actual, const tconv::Tensor& expected) {
    return mismatch(actual, tconv::shape_of(expected), expected.data());
}

inline std::string mismatch(const tconv::Tensor& actual, const json& expected) {
    return mismatch(actual, tensor(expected));
}

/// A random configuration that tconv::validation_error accepts, with random float32 data.
struct Config {
    tconv::Tensor x;
    tconv::Tensor w;
    tconv::ConvTransposeParams params;
    std::string describe() const {
        return "input " + text(tconv::shape_of(x)) + " weight " + text(tconv::shape_of(w)) + " " + text(params);
    }
};

inline tconv::Tensor random_tensor(std::mt19937& rng, const tconv::Shape4& s, bool integers) {
    tconv::Tensor t = tconv::zeros(s);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::uniform_int_distribution<int> small(-3, 3);
    for (std::size_t i = 0; i < t.size(); ++i) t.data()[i] = integers ? static_cast<float>(small(rng)) : normal(rng);
    return t;
}

inline std::int64_t uniform(std::mt19937& rng, std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

/// Draws until valid: sizes up to max_size, kernels up to 5, stride up to 4, dilation up to 3, groups up to 4,
/// output_padding anywhere below max(stride, dilation), padding up to dilation·(k − 1) + 2 (so it sometimes crops
/// more than the kernel reaches).
inline Config random_config(std::mt19937& rng, std::int64_t max_size = 7, std::int64_t max_output = 4000) {
    for (;;) {
        const std::int64_t groups = uniform(rng, 1, 4);
        const std::int64_t cin = groups * uniform(rng, 1, 2), cout = groups * uniform(rng, 1, 2);
        const std::int64_t n = uniform(rng, 1, 3);
        tconv::ConvTransposeParams p;
        p.groups = groups;
        std::int64_t size[2], kernel[2];
        std::int64_t* fields[4][2] = {{&p.stride.h, &p.stride.w},
                                      {&p.dilation.h, &p.dilation.w},
                                      {&p.output_padding.h, &p.output_padding.w},
                                      {&p.padding.h, &p.padding.w}};
        for (int a = 0; a < 2; ++a) {
            size[a] = uniform(rng, 1, max_size);
            kernel[a] = uniform(rng, 1, 5);
            *fields[0][a] = uniform(rng, 1, 4);
            *fields[1][a] = uniform(rng, 1, 3);
            *fields[2][a] = uniform(rng, 0, std::max(*fields[0][a], *fields[1][a]) - 1);
            *fields[3][a] = uniform(rng, 0, *fields[1][a] * (kernel[a] - 1) + 2);
        }
        const tconv::Shape4 in{n, cin, size[0], size[1]};
        const tconv::Shape4 k{cin, cout / groups, kernel[0], kernel[1]};
        if (tconv::validation_error(in, tconv::element_count(in), k, tconv::element_count(k), p)) continue;
        if (tconv::element_count(tconv::output_shape(in, k, p)) > max_output) continue;
        const bool integers = uniform(rng, 0, 2) == 0;
        return {random_tensor(rng, in, integers), random_tensor(rng, k, integers), p};
    }
}

/// A tensor of any rank from {shape, data}.
inline tconv::Array array(const json& j) {
    std::vector<std::size_t> shape;
    for (const json& d : j["shape"]) shape.push_back(d.get<std::size_t>());
    tconv::Array a = tconv::Array::from_shape(shape);
    const json& data = j["data"];
    if (data.size() != a.size()) throw std::runtime_error("fixture data length does not match its shape");
    for (std::size_t i = 0; i < a.size(); ++i) a.data()[i] = static_cast<float>(data[i].get<double>());
    return a;
}

/// One value per axis from a fixture field that is a number or a list of `rank` numbers, into canonical positions.
inline void per_axis(const json& j, int rank, tconv::Dims& dims) {
    for (int i = 0; i < rank; ++i)
        dims[3 - rank + i] = j.is_array() ? j[j.size() == 1 ? 0 : i].get<std::int64_t>() : j.get<std::int64_t>();
}

/// A request written as the CLI takes it (conv_transpose_nd.json's `options`) → ConvTransposeOptions. The same
/// forms as web/engine.js reads: numbers, lists, [before, after] pairs and the padding strings.
inline tconv::ConvTransposeOptions options(const json& o, int rank) {
    tconv::ConvTransposeOptions r;
    if (o.contains("stride")) per_axis(o["stride"], rank, r.stride);
    if (o.contains("dilation")) per_axis(o["dilation"], rank, r.dilation);
    if (o.contains("output_padding")) {
        per_axis(o["output_padding"], rank, r.output_padding);
        r.output_padding_given = true;
    }
    if (o.contains("groups")) r.groups = o["groups"].get<std::int64_t>();
    if (o.contains("output_size"))
        for (const json& v : o["output_size"]) r.output_size.push_back(v.get<std::int64_t>());
    if (o.contains("padding")) {
        const json& p = o["padding"];
        if (p.is_string()) {
            const std::string mode = p.get<std::string>();
            r.padding_mode = mode == "same"         ? tconv::PaddingMode::same
                             : mode == "same_lower" ? tconv::PaddingMode::same_lower
                                                    : tconv::PaddingMode::valid;
        } else {
            for (int i = 0; i < rank; ++i) {
                const json& e = p.is_array() ? p[p.size() == 1 ? 0 : i] : p;
                const int a = 3 - rank + i;
                r.padding_before[a] = e.is_array() ? e[0].get<std::int64_t>() : e.get<std::int64_t>();
                r.padding_after[a] = e.is_array() ? e[1].get<std::int64_t>() : e.get<std::int64_t>();
            }
        }
    }
    return r;
}

/// "" when a (any rank) equals the fixture tensor within tolerance, else the first difference.
inline std::string mismatch(const tconv::Array& a, const json& expected) {
    std::vector<std::size_t> shape;
    for (const json& d : expected["shape"]) shape.push_back(d.get<std::size_t>());
    if (std::vector<std::size_t>(a.shape().begin(), a.shape().end()) != shape) return "shape differs";
    const json& data = expected["data"];
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!close(a.data()[i], data[i].get<double>()))
            return "element " + std::to_string(i) + " is " + std::to_string(a.data()[i]) + ", expected " +
                   std::to_string(data[i].get<double>());
    return "";
}

/// Input and weight tensors of zeros with a fixture's shapes (for validation tests; the shapes are small).
inline tconv::Tensor zeros_of(const json& shape_json) {
    return tconv::zeros(shape(shape_json));
}

/// The largest single heap allocation since reset_largest_allocation(); test_main.cpp replaces operator new to
/// record it, so tests can show that hostile configurations are refused before anything big is allocated.
std::size_t largest_allocation();
void reset_largest_allocation();

}  // namespace fixtures
