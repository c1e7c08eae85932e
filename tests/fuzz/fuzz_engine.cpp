// libFuzzer target for the engine: arbitrary bytes -> shapes, parameters (hostile ones included: 0, negative, huge,
// INT64 extremes) and values (NaN, ±Inf, denormals and FLT_MAX included).
//
// For every input it
//   1. checks that validation_error() accepts exactly the configurations the rules of PyTorch and the Limits allow,
//      recomputed here independently in 128-bit arithmetic (so a saturating or overflowing product in the engine
//      cannot hide);
//   2. when the configuration is valid and small enough to run in well under a millisecond, runs all four methods,
//      explain for every output cell, the matrix entries, the scatter canvas/window/overlap and the padded-direct
//      artifacts, and compares each against a reference computed here in double precision from the definition;
//   3. does the same for conv2d and conv2d_input_grad, and the identity conv_transpose2d(g, w) = ∂⟨conv2d(z, w), g⟩/∂z;
//   4. for the rank-generic API (rank 1, 2, 3; per-side pairs, "same", "same_lower", "valid"; output_size; bias;
//      empty batches; unbatched inputs): every refusal names a known parameter and an axis of that rank, and every
//      accepted configuration gives the definition's numbers by all four methods, explain (bias included), the
//      scatter window, influence (against C's nonzeros) and the interleaved sub-pixel phases.
// Any disagreement calls abort() with a message, so libFuzzer saves the input as a crash.
//
// Floating point: methods sum the same products in different orders, so finite results must agree within
// (terms + 1)·2⁻²³·Σ|products|. NaN/Inf must propagate the same way everywhere: a cell whose products include NaN (or
// +Inf and −Inf) is NaN in every method, one with only +Inf is +Inf. No method multiplies an inserted or padding zero
// by a kernel tap (0·Inf would be NaN where PyTorch has a number), so this holds for Inf/NaN weights too. Where float
// partial sums could overflow (Σ|products| > 1e37) the order decides, so only "no crash" is required.
//
// Build (scripts/fuzz does this): clang++-14 -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined
//   -Icpp/include -isystem /usr/include tests/fuzz/fuzz_engine.cpp
#include <tconv/tconv.hpp>

#include <fuzzer/FuzzedDataProvider.h>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace {

using tconv::Shape4;
using tconv::Tensor;
using i128 = __int128;

// TCONV_FUZZ_VERBOSE=1 prints each decoded configuration (to read a saved crash: build/fuzz/fuzz_engine CRASH_FILE).
const bool verbose = std::getenv("TCONV_FUZZ_VERBOSE") != nullptr;

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "fuzz_engine: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

// A macro so that the message, often built from strings, is only computed when the check fails.
#define REQUIRE(ok, ...)                \
    do {                                \
        if (!(ok)) fail((__VA_ARGS__)); \
    } while (false)

std::string show(const Shape4& s) {
    return tconv::detail::shape_text(s);
}

// ---------------------------------------------------------------- decoding

// Values a hostile link or caller might send for any integer.
constexpr std::int64_t hostile_integers[] = {0,
                                             -1,
                                             1,
                                             2,
                                             4095,
                                             4096,
                                             4097,
                                             65536,
                                             std::int64_t{1} << 31,
                                             -(std::int64_t{1} << 31),
                                             std::int64_t{1} << 32,
                                             std::int64_t{1} << 62,
                                             std::numeric_limits<std::int64_t>::max(),
                                             std::numeric_limits<std::int64_t>::max() - 1,
                                             std::numeric_limits<std::int64_t>::min(),
                                             std::numeric_limits<std::int64_t>::min() + 1};

const float special_floats[] = {std::numeric_limits<float>::quiet_NaN(),
                                std::numeric_limits<float>::infinity(),
                                -std::numeric_limits<float>::infinity(),
                                0.0f,
                                -0.0f,
                                std::numeric_limits<float>::denorm_min(),
                                -std::numeric_limits<float>::denorm_min(),
                                FLT_MIN,
                                FLT_MAX,
                                -FLT_MAX,
                                1e30f,
                                -1e19f};

struct Decoder {
    FuzzedDataProvider& data;
    std::int64_t scale = 1;  // 1: tiny sizes, mostly valid and runnable; larger: mostly refused by the limits

    // Mostly a value in [low, high·scale]; sometimes a hostile one or any int64. An exhausted input gives `low`.
    std::int64_t integer(std::int64_t low, std::int64_t high) {
        const auto selector = data.ConsumeIntegral<std::uint8_t>();
        if (selector < 216) return data.ConsumeIntegralInRange<std::int64_t>(low, high * scale);
        if (selector < 216 + 32) return hostile_integers[(selector - 216) % 16];
        return data.ConsumeIntegral<std::int64_t>();
    }

    tconv::Pair pair(std::int64_t low, std::int64_t high) {
        const std::int64_t h = integer(low, high);
        // Square most of the time, as on the page.
        return data.ConsumeIntegral<std::uint8_t>() < 96 ? tconv::Pair{h, h} : tconv::Pair{h, integer(low, high)};
    }

    // Length of a data buffer: the right one most of the time.
    std::int64_t length(std::int64_t right) {
        const auto selector = data.ConsumeIntegral<std::uint8_t>();
        if (selector < 240) return right;
        std::int64_t off_by_a_few;
        if (selector < 248 &&
            !__builtin_add_overflow(right, data.ConsumeIntegralInRange<std::int64_t>(-3, 3), &off_by_a_few))
            return off_by_a_few;
        return integer(0, 100);
    }

    // Values mode: 0 small integers (sums exact), 1 moderate floats, 2 anything including NaN/Inf/FLT_MAX.
    float value(int mode) {
        if (mode == 0) return static_cast<float>(data.ConsumeIntegralInRange<int>(-3, 3));
        if (mode == 1) return data.ConsumeFloatingPointInRange<float>(-100.0f, 100.0f);
        const auto selector = data.ConsumeIntegral<std::uint8_t>();
        if (selector < 64) return special_floats[selector % (sizeof special_floats / sizeof special_floats[0])];
        if (selector < 128) return static_cast<float>(data.ConsumeIntegralInRange<int>(-3, 3));
        std::uint32_t bits = data.ConsumeIntegral<std::uint32_t>();
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return f;
    }

    Tensor tensor(const Shape4& shape, int mode) {
        Tensor t = tconv::zeros(shape);
        for (float& v : t) v = value(mode);
        return t;
    }
};

// ---------------------------------------------------------------- independent validity (128-bit, no saturation)

// Exact for the validity check (every factor ≤ 4096 by then); for hostile shapes it stops at the first overflow and
// returns the largest i128, which no length or cap equals.
i128 product(std::initializer_list<i128> factors) {
    i128 p = 1;
    for (i128 f : factors)
        if (__builtin_mul_overflow(p, f, &p)) return ~(i128{1} << 127);
    return p;
}

bool in_range(std::int64_t v, std::int64_t low) {
    return v >= low && v <= tconv::Limits::max_extent;
}

// The rules of PyTorch plus the Limits, written from their statement rather than from params.hpp.
bool expected_valid(const Shape4& in, std::int64_t in_length, const Shape4& k, std::int64_t k_length,
                    const tconv::ConvTransposeParams& p) {
    // An empty batch is valid, as in PyTorch; every other size is at least 1.
    for (int i = 0; i < 4; ++i)
        if (!in_range(in[i], i == 0 ? 0 : 1) || !in_range(k[i], 1)) return false;
    const tconv::Pair s = p.stride, pad = p.padding, op = p.output_padding, d = p.dilation;
    for (std::int64_t v : {s.h, s.w, d.h, d.w})
        if (!in_range(v, 1)) return false;
    for (std::int64_t v : {pad.h, pad.w, op.h, op.w})
        if (!in_range(v, 0)) return false;
    if (op.h >= std::max(s.h, d.h) || op.w >= std::max(s.w, d.w)) return false;
    if (!in_range(p.groups, 1)) return false;
    if (k[0] != in[1] || in[1] % p.groups != 0) return false;
    const i128 cout = i128{k[1]} * p.groups;
    if (cout > tconv::Limits::max_extent) return false;
    const i128 out_h = i128{in[2] - 1} * s.h - 2 * i128{pad.h} + i128{d.h} * (k[2] - 1) + op.h + 1;
    const i128 out_w = i128{in[3] - 1} * s.w - 2 * i128{pad.w} + i128{d.w} * (k[3] - 1) + op.w + 1;
    if (out_h < 1 || out_w < 1) return false;
    const i128 canvas_h = out_h + 2 * i128{pad.h}, canvas_w = out_w + 2 * i128{pad.w};
    const i128 padded_h = out_h + i128{d.h} * (k[2] - 1), padded_w = out_w + i128{d.w} * (k[3] - 1);
    // The caps count at least one batch item, so that an empty batch of a huge layer is still refused.
    const i128 items = std::max<std::int64_t>(in[0], 1);
    const i128 cap = tconv::Limits::max_elements;
    if (product({items, in[1], in[2], in[3]}) > cap || product({k[0], k[1], k[2], k[3]}) > cap ||
        product({items, cout, out_h, out_w}) > cap || product({items, cout, canvas_h, canvas_w}) > cap ||
        product({items, in[1], padded_h, padded_w}) > cap)
        return false;
    const i128 direct = product({items, cout, out_h, out_w, in[1] / p.groups, k[2], k[3]});
    const i128 scatter = product({items, in[1], in[2], in[3], k[1], k[2], k[3]});
    if (std::max(direct, scatter) > tconv::Limits::max_multiply_adds) return false;
    return in_length == product({in[0], in[1], in[2], in[3]}) && k_length == product({k[0], k[1], k[2], k[3]});
}

void check_error_shape(const tconv::ValidationError& e, const char* where) {
    static const char* const parameters[] = {"input",  "weight", "stride", "padding", "output_padding", "dilation",
                                             "groups", "limits", "cell",   "bias",    "output_size"};
    bool known = false;
    for (const char* name : parameters) known = known || e.parameter == name;
    REQUIRE(known, std::string(where) + ": unknown parameter '" + e.parameter + "' in: " + e.message);
    REQUIRE(e.axis.empty() || e.axis == "height" || e.axis == "width" || e.axis == "depth" || e.axis == "length",
            std::string(where) + ": bad axis '" + e.axis + "'");
    REQUIRE(!e.message.empty(), std::string(where) + ": empty message");
}

// ---------------------------------------------------------------- references and comparison

// What one output cell must be: a summary of its float products.
struct Expected {
    double sum = 0.0;        // of finite products
    double magnitude = 0.0;  // Σ|finite products|
    std::int64_t terms = 0;
    bool nan = false, plus_inf = false, minus_inf = false;

    void add(float x, float w) {
        const float product = x * w;  // rounded to float, as every method does
        ++terms;
        if (std::isnan(product))
            nan = true;
        else if (std::isinf(product))
            (product > 0 ? plus_inf : minus_inf) = true;
        else {
            sum += product;
            magnitude += std::fabs(product);
        }
    }
};

bool same_bits_or_both_nan(float a, float b) {
    if (std::isnan(a) && std::isnan(b)) return true;
    return std::memcmp(&a, &b, sizeof a) == 0;
}

// got must match the expected summary.
template <class Where>
void expect_value(float got, const Expected& e, const Where& where) {
    if (e.nan || (e.plus_inf && e.minus_inf)) {
        REQUIRE(std::isnan(got), where() + ": expected NaN, got " + std::to_string(got));
        return;
    }
    if (e.magnitude > 1e37) return;  // float partial sums may overflow; the order decides
    if (e.plus_inf || e.minus_inf) {
        const float inf = e.plus_inf ? INFINITY : -INFINITY;
        REQUIRE(got == inf, where() + ": expected " + std::to_string(inf) + ", got " + std::to_string(got));
        return;
    }
    const double tolerance = static_cast<double>(e.terms + 1) * std::ldexp(1.0, -23) * e.magnitude +
                             static_cast<double>(e.terms + 1) * 3e-45;
    REQUIRE(std::isfinite(got) && std::fabs(static_cast<double>(got) - e.sum) <= tolerance,
            where() + ": expected " + std::to_string(e.sum) + " ± " + std::to_string(tolerance) + " (" +
                std::to_string(e.terms) + " terms), got " + std::to_string(got));
}

bool has_non_finite(const Tensor& t) {
    for (float v : t)
        if (!std::isfinite(v)) return true;
    return false;
}

struct Config {
    Shape4 in{}, k{};
    tconv::ConvTransposeParams p;
};

// The uncropped scatter canvas [N, Cout, Hc, Wc] from the definition: canvas(n, co, i·s + kh·d, j·s + kw·d) gets
// x(n, ci, i, j)·w(ci, co_local, kh, kw) for every ci of co's group. The output is its window at (pH, pW).
struct CanvasReference {
    Shape4 shape{};
    std::vector<Expected> cells;
    const Expected& at(std::int64_t n, std::int64_t co, std::int64_t r, std::int64_t c) const {
        return cells[static_cast<std::size_t>(((n * shape[1] + co) * shape[2] + r) * shape[3] + c)];
    }
};

CanvasReference canvas_reference(const Tensor& x, const Tensor& w, const Config& c) {
    CanvasReference ref;
    const auto& p = c.p;
    const std::int64_t cout_group = c.k[1], cin_group = c.in[1] / p.groups;
    ref.shape = {c.in[0], cout_group * p.groups,
                 (c.in[2] - 1) * p.stride.h + p.dilation.h * (c.k[2] - 1) + 1 + p.output_padding.h,
                 (c.in[3] - 1) * p.stride.w + p.dilation.w * (c.k[3] - 1) + 1 + p.output_padding.w};
    ref.cells.resize(static_cast<std::size_t>(tconv::element_count(ref.shape)));
    for (std::int64_t n = 0; n < c.in[0]; ++n)
        for (std::int64_t ci = 0; ci < c.in[1]; ++ci)
            for (std::int64_t i = 0; i < c.in[2]; ++i)
                for (std::int64_t j = 0; j < c.in[3]; ++j)
                    for (std::int64_t col = 0; col < cout_group; ++col)
                        for (std::int64_t kh = 0; kh < c.k[2]; ++kh)
                            for (std::int64_t kw = 0; kw < c.k[3]; ++kw) {
                                const std::int64_t co = (ci / cin_group) * cout_group + col;
                                const std::int64_t r = i * p.stride.h + kh * p.dilation.h;
                                const std::int64_t q = j * p.stride.w + kw * p.dilation.w;
                                ref.cells[static_cast<std::size_t>(
                                              ((n * ref.shape[1] + co) * ref.shape[2] + r) * ref.shape[3] + q)]
                                    .add(x(n, ci, i, j), w(ci, col, kh, kw));
                            }
    return ref;
}

void expect_output(const Tensor& got, const CanvasReference& ref, const Config& c, const std::string& method) {
    const Shape4 out = tconv::output_shape(c.in, c.k, c.p);
    REQUIRE(tconv::shape_of(got) == out,
            method + ": shape " + show(tconv::shape_of(got)) + " but expected " + show(out));
    for (std::int64_t n = 0; n < out[0]; ++n)
        for (std::int64_t co = 0; co < out[1]; ++co)
            for (std::int64_t r = 0; r < out[2]; ++r)
                for (std::int64_t q = 0; q < out[3]; ++q)
                    expect_value(got(n, co, r, q), ref.at(n, co, r + c.p.padding.h, q + c.p.padding.w), [&] {
                        return method + " y" + show({n, co, r, q});
                    });
}

// ---------------------------------------------------------------- the transposed convolution, every way

void check_explain(const Tensor& x, const Tensor& w, const Config& c, const CanvasReference& ref) {
    const Shape4 out = tconv::output_shape(c.in, c.k, c.p);
    const auto& p = c.p;
    for (std::int64_t n = 0; n < out[0]; ++n)
        for (std::int64_t co = 0; co < out[1]; ++co)
            for (std::int64_t r = 0; r < out[2]; ++r)
                for (std::int64_t q = 0; q < out[3]; ++q) {
                    const auto where = [&] { return "explain" + show({n, co, r, q}); };
                    const auto e = tconv::explain(x, w, p, n, co, r, q);
                    const Expected& expected = ref.at(n, co, r + p.padding.h, q + p.padding.w);
                    REQUIRE(static_cast<std::int64_t>(e.terms.size()) == expected.terms,
                            where() + ": " + std::to_string(e.terms.size()) + " terms, expected " +
                                std::to_string(expected.terms));
                    float sum = 0.0f;
                    for (const auto& t : e.terms) {
                        const auto [tn, ci, i, j] = t.input;
                        const auto [wci, col, kh, kw] = t.weight;
                        REQUIRE(tn == n && ci == wci && ci >= 0 && ci < c.in[1] && i >= 0 && i < c.in[2] && j >= 0 &&
                                    j < c.in[3] && col >= 0 && col < c.k[1] && kh >= 0 && kh < c.k[2] && kw >= 0 &&
                                    kw < c.k[3],
                                where() + ": term index out of range");
                        REQUIRE(co == (ci / (c.in[1] / p.groups)) * c.k[1] + col,
                                where() + ": term from another group");
                        REQUIRE(i * p.stride.h - p.padding.h + kh * p.dilation.h == r &&
                                    j * p.stride.w - p.padding.w + kw * p.dilation.w == q,
                                where() + ": term does not land on the cell");
                        REQUIRE(same_bits_or_both_nan(t.x, x(tn, ci, i, j)) &&
                                    same_bits_or_both_nan(t.w, w(ci, col, kh, kw)) &&
                                    same_bits_or_both_nan(t.product, t.x * t.w),
                                where() + ": term values differ from the tensors");
                        sum += t.product;
                    }
                    REQUIRE(same_bits_or_both_nan(e.value, sum), where() + ": value is not the sum of its terms");
                    expect_value(e.value, expected, [&] { return where(); });
                }
    // A cell outside the output is refused with parameter "cell", never read.
    const std::int64_t outside[][4] = {{0, 0, out[2], 0}, {0, 0, 0, out[3]},
                                       {0, 0, -1, 0},     {out[0], 0, 0, 0},
                                       {0, out[1], 0, 0}, {0, 0, 0, std::numeric_limits<std::int64_t>::min()}};
    for (const auto& cell : outside) {
        bool refused = false;
        try {
            tconv::explain(x, w, p, cell[0], cell[1], cell[2], cell[3]);
        } catch (const tconv::Error& e) {
            refused = e.detail().parameter == "cell";
        }
        REQUIRE(refused, "explain did not refuse the cell " + show({cell[0], cell[1], cell[2], cell[3]}));
    }
}

void check_matrix(const Tensor& x, const Tensor& w, const Config& c, const CanvasReference& ref,
                  bool x_finite_w_finite) {
    const auto& p = c.p;
    const Shape4 out = tconv::output_shape(c.in, c.k, p);
    const auto entries = tconv::forward_matrix_entries(c.in, c.k, p);
    REQUIRE(static_cast<std::int64_t>(entries.size()) == tconv::matrix_nonzero_count(c.in, c.k, p),
            "matrix: entry count differs from matrix_nonzero_count");
    const std::int64_t rows = c.in[1] * c.in[2] * c.in[3], cols = out[1] * out[2] * out[3];
    std::int64_t expected_count = 0;
    for (std::int64_t co = 0; co < out[1]; ++co)
        for (std::int64_t r = 0; r < out[2]; ++r)
            for (std::int64_t q = 0; q < out[3]; ++q)
                expected_count += ref.at(0, co, r + p.padding.h, q + p.padding.w).terms;
    REQUIRE(static_cast<std::int64_t>(entries.size()) == expected_count,
            "matrix: " + std::to_string(entries.size()) + " nonzeros, expected " + std::to_string(expected_count));
    const std::int64_t cin_group = c.in[1] / p.groups;
    for (std::size_t e = 0; e < entries.size(); ++e) {
        const auto& m = entries[e];
        REQUIRE(m.row >= 0 && m.row < rows && m.col >= 0 && m.col < cols && m.weight_index >= 0 &&
                    m.weight_index < tconv::element_count(c.k),
                "matrix: entry out of range");
        if (e > 0)
            REQUIRE(entries[e - 1].row < m.row || (entries[e - 1].row == m.row && entries[e - 1].col < m.col),
                    "matrix: entries not strictly sorted by row, then column");
        const std::int64_t ci = m.row / (c.in[2] * c.in[3]), i = m.row / c.in[3] % c.in[2], j = m.row % c.in[3];
        const std::int64_t co = m.col / (out[2] * out[3]), oy = m.col / out[3] % out[2], ox = m.col % out[3];
        const std::int64_t kw = m.weight_index % c.k[3], kh = m.weight_index / c.k[3] % c.k[2];
        const std::int64_t col = m.weight_index / (c.k[2] * c.k[3]) % c.k[1],
                           wci = m.weight_index / (c.k[1] * c.k[2] * c.k[3]);
        REQUIRE(wci == ci && co == (ci / cin_group) * c.k[1] + col &&
                    oy == i * p.stride.h - p.padding.h + kh * p.dilation.h &&
                    ox == j * p.stride.w - p.padding.w + kw * p.dilation.w,
                "matrix: entry " + std::to_string(e) + " is not a tap of the forward convolution");
    }
    // Cᵀ·vec(x[0]) from the entries is the output of batch item 0.
    if (x_finite_w_finite) {
        std::vector<float> y(static_cast<std::size_t>(cols), 0.0f);
        for (const auto& m : entries) y[m.col] += w.data()[m.weight_index] * x.data()[m.row];
        for (std::int64_t col = 0; col < cols; ++col) {
            const std::int64_t co = col / (out[2] * out[3]), r = col / out[3] % out[2], q = col % out[3];
            expect_value(y[col], ref.at(0, co, r + p.padding.h, q + p.padding.w),
                         [&] { return "Cᵀ·vec(x) from the entries, column " + std::to_string(col); });
        }
    }
}

void check_scatter_artifacts(const Tensor& x, const Tensor& w, const Config& c, const CanvasReference& ref,
                             const Tensor& scatter_output) {
    const auto& p = c.p;
    const Tensor canvas = tconv::scatter_canvas(x, w, p);
    REQUIRE(tconv::shape_of(canvas) == ref.shape && tconv::scatter_canvas_shape(c.in, c.k, p) == ref.shape,
            "scatter: canvas shape " + show(tconv::shape_of(canvas)) + " but expected " + show(ref.shape));
    for (std::int64_t n = 0; n < ref.shape[0]; ++n)
        for (std::int64_t co = 0; co < ref.shape[1]; ++co)
            for (std::int64_t r = 0; r < ref.shape[2]; ++r)
                for (std::int64_t q = 0; q < ref.shape[3]; ++q)
                    expect_value(canvas(n, co, r, q), ref.at(n, co, r, q), [&] {
                        return "scatter canvas" + show({n, co, r, q});
                    });
    const tconv::Window window = tconv::scatter_crop_window(c.in, c.k, p);
    const Shape4 out = tconv::output_shape(c.in, c.k, p);
    REQUIRE(
        window.top == p.padding.h && window.left == p.padding.w && window.height == out[2] && window.width == out[3],
        "scatter: crop window is not padding..padding+output");
    for (std::int64_t n = 0; n < out[0]; ++n)
        for (std::int64_t co = 0; co < out[1]; ++co)
            for (std::int64_t r = 0; r < out[2]; ++r)
                for (std::int64_t q = 0; q < out[3]; ++q)
                    REQUIRE(same_bits_or_both_nan(scatter_output(n, co, r, q),
                                                  canvas(n, co, window.top + r, window.left + q)),
                            "scatter: output is not the canvas window");
    const auto overlap = tconv::scatter_overlap_counts(c.in, c.k, p);
    REQUIRE(static_cast<std::int64_t>(overlap.shape()[0]) == ref.shape[2] &&
                static_cast<std::int64_t>(overlap.shape()[1]) == ref.shape[3],
            "scatter: overlap shape differs from the canvas");
    const std::int64_t cin_group = c.in[1] / p.groups;
    for (std::int64_t r = 0; r < ref.shape[2]; ++r)
        for (std::int64_t q = 0; q < ref.shape[3]; ++q)
            REQUIRE(overlap(r, q) * cin_group == ref.at(0, 0, r, q).terms,
                    "scatter: overlap count at (" + std::to_string(r) + ", " + std::to_string(q) + ") is " +
                        std::to_string(overlap(r, q)));
}

void check_direct_artifacts(const Tensor& x, const Tensor& w, const Config& c) {
    const auto& p = c.p;
    const Tensor padded = tconv::dilated_padded_input(x, c.k, p);
    const Shape4 shape = tconv::dilated_padded_shape(c.in, c.k, p);
    const Shape4 out = tconv::output_shape(c.in, c.k, p);
    const Shape4 expected_shape{c.in[0], c.in[1], out[2] + p.dilation.h * (c.k[2] - 1),
                                out[3] + p.dilation.w * (c.k[3] - 1)};
    REQUIRE(tconv::shape_of(padded) == shape && shape == expected_shape,
            "direct: padded shape " + show(tconv::shape_of(padded)));
    const tconv::DirectPadding pad = tconv::direct_padding(c.k, p);
    REQUIRE(pad.top == p.dilation.h * (c.k[2] - 1) - p.padding.h && pad.bottom == pad.top + p.output_padding.h &&
                pad.left == p.dilation.w * (c.k[3] - 1) - p.padding.w && pad.right == pad.left + p.output_padding.w,
            "direct: padding amounts");
    const auto rows = tconv::direct_axis_sources(c.in[2], p.stride.h, pad.top, shape[2]);
    const auto cols = tconv::direct_axis_sources(c.in[3], p.stride.w, pad.left, shape[3]);
    auto check_axis = [](const std::vector<std::int32_t>& sources, std::int64_t in, std::int64_t stride,
                         std::int64_t before, const char* axis) {
        for (std::size_t u = 0; u < sources.size(); ++u) {
            const std::int64_t z = static_cast<std::int64_t>(u) - before;
            const bool inside = z >= 0 && z <= (in - 1) * stride;
            const std::int32_t want = !inside           ? tconv::padding_zero
                                      : z % stride != 0 ? tconv::inserted_zero
                                                        : static_cast<std::int32_t>(z / stride);
            REQUIRE(sources[u] == want, std::string("direct: ") + axis + " source " + std::to_string(u) + " is " +
                                            std::to_string(sources[u]) + ", expected " + std::to_string(want));
        }
    };
    check_axis(rows, c.in[2], p.stride.h, pad.top, "row");
    check_axis(cols, c.in[3], p.stride.w, pad.left, "column");
    for (std::int64_t n = 0; n < shape[0]; ++n)
        for (std::int64_t ci = 0; ci < shape[1]; ++ci)
            for (std::int64_t u = 0; u < shape[2]; ++u)
                for (std::int64_t v = 0; v < shape[3]; ++v) {
                    const float want = rows[u] >= 0 && cols[v] >= 0 ? x(n, ci, rows[u], cols[v]) : 0.0f;
                    REQUIRE(same_bits_or_both_nan(padded(n, ci, u, v), want),
                            "direct: padded input" + show({n, ci, u, v}) + " is not its source");
                }
    const Tensor rotated = tconv::rotated_kernel(w, p.groups);
    const std::int64_t cout_group = c.k[1], cin_group = c.in[1] / p.groups;
    const Shape4 rotated_shape{cout_group * p.groups, cin_group, c.k[2], c.k[3]};
    REQUIRE(tconv::shape_of(rotated) == rotated_shape,
            "direct: rotated kernel shape " + show(tconv::shape_of(rotated)));
    for (std::int64_t co = 0; co < cout_group * p.groups; ++co)
        for (std::int64_t cl = 0; cl < cin_group; ++cl)
            for (std::int64_t a = 0; a < c.k[2]; ++a)
                for (std::int64_t b = 0; b < c.k[3]; ++b)
                    REQUIRE(same_bits_or_both_nan(
                                rotated(co, cl, a, b),
                                w((co / cout_group) * cin_group + cl, co % cout_group, c.k[2] - 1 - a, c.k[3] - 1 - b)),
                            "direct: rotated kernel" + show({co, cl, a, b}));
}

// ---------------------------------------------------------------- conv2d

// conv2d(z, w)[n, co, oy, ox] = Σ z[n, ci, oy·s − p + kh·d, ...]·w[co, ci_local, kh, kw], from the definition.
std::vector<Expected> conv2d_reference(const Tensor& z, const Tensor& w, const tconv::Conv2dParams& p, Shape4& out) {
    const Shape4 in = tconv::shape_of(z), k = tconv::shape_of(w);
    out = tconv::conv2d_output_shape(in, k, p);
    std::vector<Expected> cells(static_cast<std::size_t>(tconv::element_count(out)));
    const std::int64_t cout_group = k[0] / p.groups;
    for (std::int64_t n = 0; n < out[0]; ++n)
        for (std::int64_t co = 0; co < out[1]; ++co)
            for (std::int64_t oy = 0; oy < out[2]; ++oy)
                for (std::int64_t ox = 0; ox < out[3]; ++ox)
                    for (std::int64_t cl = 0; cl < k[1]; ++cl)
                        for (std::int64_t kh = 0; kh < k[2]; ++kh)
                            for (std::int64_t kw = 0; kw < k[3]; ++kw) {
                                const std::int64_t iy = oy * p.stride.h - p.padding.h + kh * p.dilation.h;
                                const std::int64_t ix = ox * p.stride.w - p.padding.w + kw * p.dilation.w;
                                if (iy < 0 || iy >= in[2] || ix < 0 || ix >= in[3]) continue;
                                cells[static_cast<std::size_t>(((n * out[1] + co) * out[2] + oy) * out[3] + ox)].add(
                                    z(n, (co / cout_group) * k[1] + cl, iy, ix), w(co, cl, kh, kw));
                            }
    return cells;
}

// The small-enough budget: each check below is a few loops over at most this many multiply-adds or cells.
constexpr std::int64_t budget = std::int64_t{1} << 13;

void fuzz_conv2d(Decoder& d) {
    Shape4 in{d.integer(1, 2), d.integer(1, 4), d.integer(1, 8), d.integer(1, 8)};
    tconv::Conv2dParams p;
    p.groups = d.integer(1, 2);
    Shape4 k{d.integer(1, 4), 0, d.integer(1, 4), d.integer(1, 4)};
    // Usually a consistent weight [Cout, Cin/groups, kH, kW].
    const bool sane = p.groups >= 1 && p.groups <= 4096 && in[1] >= 1 && in[1] <= 4096 && k[0] >= 1 && k[0] <= 4096;
    k[1] = d.data.ConsumeIntegral<std::uint8_t>() < 224 && sane ? in[1] / p.groups : d.integer(1, 4);
    if (d.data.ConsumeIntegral<std::uint8_t>() < 224 && sane) k[0] *= p.groups;
    p.stride = d.pair(1, 3);
    p.padding = d.pair(0, 3);
    p.dilation = d.pair(1, 3);
    if (verbose)
        std::fprintf(
            stderr,
            "conv2d: input %s, weight %s, stride %lldx%lld, padding %lldx%lld, dilation %lldx%lld, groups %lld\n",
            show(in).c_str(), show(k).c_str(), static_cast<long long>(p.stride.h), static_cast<long long>(p.stride.w),
            static_cast<long long>(p.padding.h), static_cast<long long>(p.padding.w),
            static_cast<long long>(p.dilation.h), static_cast<long long>(p.dilation.w),
            static_cast<long long>(p.groups));
    const auto error = tconv::conv2d_validation_error(in, k, p);
    if (error) {
        check_error_shape(*error, "conv2d_validation_error");
        return;
    }
    const Shape4 out = tconv::conv2d_output_shape(in, k, p);
    for (int i = 0; i < 4; ++i) REQUIRE(out[i] >= 1, "conv2d: accepted a configuration with output " + show(out));
    const std::int64_t work = tconv::saturating_product({out[0], out[1], out[2], out[3], k[1], k[2], k[3]});
    if (work > budget || tconv::element_count(in) > budget || tconv::element_count(out) > budget) return;
    const int mode = d.data.ConsumeIntegralInRange<int>(0, 2);
    const Tensor z = d.tensor(in, mode), w = d.tensor(k, mode);
    Shape4 ref_shape{};
    const auto ref = conv2d_reference(z, w, p, ref_shape);
    const Tensor y = tconv::conv2d(z, w, p);
    REQUIRE(tconv::shape_of(y) == ref_shape, "conv2d: output shape");
    for (std::size_t e = 0; e < ref.size(); ++e)
        expect_value(y.data()[e], ref[e], [&] { return "conv2d " + std::to_string(e); });

    // The input gradient: grad[n, ci, iy, ix] = Σ g[n, co, oy, ox]·w[co, ci_local, kh, kw] over the same taps.
    const Tensor g = d.tensor(out, mode);
    const Tensor grad = tconv::conv2d_input_grad(in, w, g, p);
    REQUIRE(tconv::shape_of(grad) == in, "conv2d_input_grad: shape");
    std::vector<Expected> grad_ref(static_cast<std::size_t>(tconv::element_count(in)));
    const std::int64_t cout_group = k[0] / p.groups;
    for (std::int64_t n = 0; n < out[0]; ++n)
        for (std::int64_t co = 0; co < out[1]; ++co)
            for (std::int64_t oy = 0; oy < out[2]; ++oy)
                for (std::int64_t ox = 0; ox < out[3]; ++ox)
                    for (std::int64_t cl = 0; cl < k[1]; ++cl)
                        for (std::int64_t kh = 0; kh < k[2]; ++kh)
                            for (std::int64_t kw = 0; kw < k[3]; ++kw) {
                                const std::int64_t iy = oy * p.stride.h - p.padding.h + kh * p.dilation.h;
                                const std::int64_t ix = ox * p.stride.w - p.padding.w + kw * p.dilation.w;
                                if (iy < 0 || iy >= in[2] || ix < 0 || ix >= in[3]) continue;
                                const std::int64_t ci = (co / cout_group) * k[1] + cl;
                                grad_ref[static_cast<std::size_t>(((n * in[1] + ci) * in[2] + iy) * in[3] + ix)].add(
                                    g(n, co, oy, ox), w(co, cl, kh, kw));
                            }
    for (std::size_t e = 0; e < grad_ref.size(); ++e)
        expect_value(grad.data()[e], grad_ref[e], [&] { return "conv2d_input_grad " + std::to_string(e); });

    // A gradient of the wrong shape is refused, not read.
    Shape4 wrong = out;
    wrong[3] += 1;
    bool refused = false;
    try {
        tconv::conv2d_input_grad(in, w, tconv::zeros(wrong), p);
    } catch (const tconv::Error&) {
        refused = true;
    }
    REQUIRE(refused, "conv2d_input_grad accepted a gradient of shape " + show(wrong));
}

// ---------------------------------------------------------------- one input

void fuzz_transposed(Decoder& d) {
    Config c;
    c.in = {d.integer(1, 2), d.integer(1, 4), d.integer(1, 6), d.integer(1, 6)};
    c.p.groups = d.integer(1, 2);
    const std::int64_t cout_group = d.integer(1, 3);
    c.k = {c.in[1], cout_group, d.integer(1, 4), d.integer(1, 4)};
    if (d.data.ConsumeIntegral<std::uint8_t>() >= 232) c.k[0] = d.integer(1, 4);
    // Make groups divide Cin most of the time.
    if (d.data.ConsumeIntegral<std::uint8_t>() < 200 && c.p.groups >= 1 && c.p.groups <= 4096 && c.in[1] >= 1 &&
        c.in[1] <= 4096 && c.k[0] == c.in[1]) {
        c.in[1] *= c.p.groups;
        c.k[0] = c.in[1];
    }
    c.p.stride = d.pair(1, 4);
    c.p.dilation = d.pair(1, 3);
    c.p.padding = d.pair(0, 3);
    c.p.output_padding = d.pair(0, 3);
    const i128 in_count = product({c.in[0], c.in[1], c.in[2], c.in[3]});
    const i128 k_count = product({c.k[0], c.k[1], c.k[2], c.k[3]});
    // Lengths that fit int64 (a hostile shape's product may not); far off for the others.
    auto fit = [](i128 v) {
        return v > std::numeric_limits<std::int64_t>::max() || v < 0 ? std::int64_t{-1} : static_cast<std::int64_t>(v);
    };
    const std::int64_t in_length = d.length(fit(in_count)), k_length = d.length(fit(k_count));

    const std::string described =
        "input " + show(c.in) + " (" + std::to_string(in_length) + " values), weight " + show(c.k) + " (" +
        std::to_string(k_length) + "), stride " + std::to_string(c.p.stride.h) + "x" + std::to_string(c.p.stride.w) +
        ", padding " + std::to_string(c.p.padding.h) + "x" + std::to_string(c.p.padding.w) + ", output_padding " +
        std::to_string(c.p.output_padding.h) + "x" + std::to_string(c.p.output_padding.w) + ", dilation " +
        std::to_string(c.p.dilation.h) + "x" + std::to_string(c.p.dilation.w) + ", groups " +
        std::to_string(c.p.groups);
    if (verbose) std::fprintf(stderr, "conv_transpose2d: %s\n", described.c_str());
    const auto error = tconv::validation_error(c.in, in_length, c.k, k_length, c.p);
    const bool valid = expected_valid(c.in, in_length, c.k, k_length, c.p);
    REQUIRE(valid == !error, "validation_error " + std::string(error ? "refused " : "accepted ") + described +
                                 (error ? ": " + error->message : std::string(" but the rules refuse it")));
    if (error) {
        check_error_shape(*error, "validation_error");
        return;
    }
    if (in_length != tconv::element_count(c.in) || k_length != tconv::element_count(c.k)) return;

    // Small enough to check exhaustively?
    const Shape4 out = tconv::output_shape(c.in, c.k, c.p);
    const Shape4 canvas = tconv::scatter_canvas_shape(c.in, c.k, c.p);
    const Shape4 padded = tconv::dilated_padded_shape(c.in, c.k, c.p);
    if (tconv::worst_multiply_adds(c.in, c.k, c.p) > budget || tconv::element_count(out) > budget ||
        tconv::element_count(canvas) > budget || tconv::element_count(padded) > budget)
        return;

    const int mode = d.data.ConsumeIntegralInRange<int>(0, 2);
    const Tensor x = d.tensor(c.in, mode), w = d.tensor(c.k, mode);
    const bool w_non_finite = has_non_finite(w);
    const CanvasReference ref = canvas_reference(x, w, c);

    Tensor scatter_output;
    for (const char* name : {"matrix", "scatter", "padded_direct", "fast"}) {
        const auto method = tconv::method_from_name(name);
        REQUIRE(method.has_value(), std::string("method_from_name(") + name + ")");
        const Tensor y = tconv::conv_transpose2d(x, w, c.p, *method);
        expect_output(y, ref, c, name);
        if (*method == tconv::Method::scatter) scatter_output = y;
    }
    // Weights packed once and reused give the same numbers, bit for bit.
    const tconv::PackedWeights packed = tconv::pack_weights(w, c.p, c.in);
    const Tensor fast = tconv::conv_transpose2d_fast(x, w, c.p), reused = tconv::conv_transpose2d_fast(x, packed);
    for (std::size_t e = 0; e < fast.size(); ++e)
        REQUIRE(same_bits_or_both_nan(fast.data()[e], reused.data()[e]), "fast: packed weights give other numbers");

    check_explain(x, w, c, ref);
    if (c.in[0] > 0) {  // both compare with batch item 0
        check_matrix(x, w, c, ref, !has_non_finite(x) && !w_non_finite);
        check_scatter_artifacts(x, w, c, ref, scatter_output);
    }
    check_direct_artifacts(x, w, c);

    // The identity behind the gradient question: conv_transpose2d(g, w) = ∂⟨conv2d(z, w), g⟩/∂z, with conv2d's weight
    // [Cout', Cin'/groups, kH, kW] = this weight. It maps back to the input shape when output_padding < stride.
    // conv2d caps each of its input's extents at Limits::max_extent, while this output may be wider (only its element
    // count is capped), e.g. input 1x2048 with stride 4; the identity is only checked where conv2d accepts z.
    if (c.in[0] > 0 && c.p.output_padding.h < c.p.stride.h && c.p.output_padding.w < c.p.stride.w &&
        out[2] <= tconv::Limits::max_extent && out[3] <= tconv::Limits::max_extent) {
        tconv::Conv2dParams forward;
        forward.stride = c.p.stride;
        forward.padding = c.p.padding;
        forward.dilation = c.p.dilation;
        forward.groups = c.p.groups;
        const auto conv_error = tconv::conv2d_validation_error(out, c.k, forward);
        REQUIRE(!conv_error, "conv2d refused the forward convolution of a valid transposed one: " +
                                 (conv_error ? conv_error->message : std::string()));
        REQUIRE(tconv::conv2d_output_shape(out, c.k, forward) == c.in, "conv2d does not map the output shape back");
        const Tensor grad = tconv::conv2d_input_grad(out, w, x, forward);
        expect_output(grad, ref, c, "conv2d_input_grad as conv_transpose2d");
        const auto back = tconv::transposed_params_for(out, c.k, forward);
        REQUIRE(back.output_padding == c.p.output_padding, "transposed_params_for does not recover output_padding");
    }
}

// ---------------------------------------------------------------- the rank-generic API

void fuzz_generic(Decoder& d) {
    const int rank = d.data.ConsumeIntegralInRange<int>(1, 3);
    const bool batched = d.data.ConsumeBool();
    const std::int64_t groups = d.integer(1, 2);
    tconv::Shape in, k;
    if (batched) in.push_back(d.integer(0, 2));
    const std::int64_t base = d.integer(1, 3);  // hostile values stay as they are (no overflow here)
    const std::int64_t cin = base >= 1 && base <= 4096 && groups >= 1 && groups <= 4 ? base * groups : base;
    in.push_back(cin);
    k.push_back(d.data.ConsumeIntegral<std::uint8_t>() < 240 ? cin : d.integer(1, 4));
    k.push_back(d.integer(1, 2));
    for (int a = 0; a < rank; ++a) in.push_back(d.integer(1, rank == 3 ? 3 : 5));
    for (int a = 0; a < rank; ++a) k.push_back(d.integer(1, 3));
    if (d.data.ConsumeIntegral<std::uint8_t>() >= 250) in.push_back(1);  // a wrong rank, now and then
    tconv::ConvTransposeOptions o;
    o.groups = groups;
    o.padding_mode = static_cast<tconv::PaddingMode>(d.data.ConsumeIntegralInRange<int>(0, 3));
    for (int i = 0; i < rank; ++i) {
        const int a = 3 - rank + i;
        o.stride[a] = d.integer(1, 3);
        o.dilation[a] = d.integer(1, 2);
        o.padding_before[a] = d.integer(0, 3);
        o.padding_after[a] = d.data.ConsumeBool() ? o.padding_before[a] : d.integer(0, 3);
        o.output_padding[a] = d.data.ConsumeBool() ? 0 : d.integer(0, 2);
    }
    o.output_padding_given = d.data.ConsumeBool();
    if (d.data.ConsumeIntegral<std::uint8_t>() < 48) {
        const int n = d.data.ConsumeIntegralInRange<int>(rank, rank + 2);
        for (int i = 0; i < n; ++i) o.output_size.push_back(d.integer(0, 12));
    }
    const bool biased = d.data.ConsumeBool();
    const std::int64_t bias_length = biased ? d.length(tconv::saturating_product({k[1], groups})) : -1;
    const tconv::Resolution r =
        tconv::resolve(in, d.length(tconv::volume(in)), k, d.length(tconv::volume(k)), o, bias_length);
    if (r.violation) {
        const tconv::ValidationError e = r.violation->error();
        check_error_shape(e, "resolve");
        const std::string axis = e.axis;
        REQUIRE(axis.empty() || (rank == 1 ? axis == "length" : axis != "length"),
                "resolve: axis '" + axis + "' for rank " + std::to_string(rank));
        if (rank == 1)
            REQUIRE(e.message.find("height") == std::string::npos && e.message.find("width") == std::string::npos,
                    "a 1-D message speaks of height or width: " + e.message);
        return;
    }
    const tconv::Geometry& g = r.geometry;
    if (verbose) {
        std::fprintf(stderr, "generic: rank %d, input %s, weight %s, mode %d, groups %lld, bias %lld\n", rank,
                     tconv::detail::shape_text(in).c_str(), tconv::detail::shape_text(k).c_str(),
                     static_cast<int>(o.padding_mode), static_cast<long long>(o.groups),
                     static_cast<long long>(bias_length));
        for (const auto& a : g.axes)
            std::fprintf(stderr, "  axis in %lld k %lld s %lld d %lld op %lld before %lld after %lld out %lld\n",
                         static_cast<long long>(a.in), static_cast<long long>(a.kernel),
                         static_cast<long long>(a.stride), static_cast<long long>(a.dilation),
                         static_cast<long long>(a.output_padding), static_cast<long long>(a.before),
                         static_cast<long long>(a.after), static_cast<long long>(a.out()));
    }
    if (tconv::volume(in) != tconv::volume(g.input5()) || (biased && bias_length != g.out_channels())) return;
    const tconv::Shape5 out = g.output5(), cs = g.canvas5();
    for (int a = 0; a < 3; ++a) {
        const auto& A = g.axes[a];
        REQUIRE(A.before >= 0 && A.out() >= 1 && A.out() == A.full() - A.before - A.after, "resolve: axis geometry");
        if (o.padding_mode == tconv::PaddingMode::same && o.output_size.empty() && a >= g.first_axis())
            REQUIRE(A.out() == A.in * A.stride, "'same' does not give in·stride");
    }
    if (tconv::worst_multiply_adds(g) > budget || tconv::volume(out) > budget || tconv::volume(cs) > budget ||
        tconv::volume(g.padded5()) > budget)
        return;
    const int mode = d.data.ConsumeIntegralInRange<int>(0, 1);  // finite values: the classes are checked above
    std::vector<float> x(static_cast<std::size_t>(tconv::volume(g.input5()))),
        w(static_cast<std::size_t>(tconv::volume(g.weight5()))), b(static_cast<std::size_t>(g.out_channels()));
    for (float& v : x) v = d.value(mode);
    for (float& v : w) v = d.value(mode);
    for (float& v : b) v = d.value(mode);
    const float* bias = biased ? b.data() : nullptr;
    // The definition: stamps on the canvas, the window at `before`, then the bias.
    std::vector<Expected> canvas(static_cast<std::size_t>(tconv::volume(cs)));
    const tconv::Shape5 is = tconv::strides_of(g.input5()), ks = tconv::strides_of(g.weight5()),
                        css = tconv::strides_of(cs);
    const auto& A = g.axes;
    for (std::int64_t n = 0; n < g.batch; ++n)
        for (std::int64_t ci = 0; ci < g.in_channels; ++ci)
            for (std::int64_t col = 0; col < g.out_per_group; ++col)
                for (std::int64_t i0 = 0; i0 < A[0].in; ++i0)
                    for (std::int64_t i1 = 0; i1 < A[1].in; ++i1)
                        for (std::int64_t i2 = 0; i2 < A[2].in; ++i2)
                            for (std::int64_t k0 = 0; k0 < A[0].kernel; ++k0)
                                for (std::int64_t k1 = 0; k1 < A[1].kernel; ++k1)
                                    for (std::int64_t k2 = 0; k2 < A[2].kernel; ++k2) {
                                        const std::int64_t co = (ci / g.in_per_group()) * g.out_per_group + col;
                                        canvas[static_cast<std::size_t>(
                                                   n * css[0] + co * css[1] +
                                                   (i0 * A[0].stride + k0 * A[0].dilation) * css[2] +
                                                   (i1 * A[1].stride + k1 * A[1].dilation) * css[3] + i2 * A[2].stride +
                                                   k2 * A[2].dilation)]
                                            .add(x[static_cast<std::size_t>(n * is[0] + ci * is[1] + i0 * is[2] +
                                                                            i1 * is[3] + i2)],
                                                 w[static_cast<std::size_t>(ci * ks[0] + col * ks[1] + k0 * ks[2] +
                                                                            k1 * ks[3] + k2)]);
                                    }
    auto expected_at = [&](const tconv::Shape5& cell) {
        Expected e =
            canvas[static_cast<std::size_t>(cell[0] * css[0] + cell[1] * css[1] + (cell[2] + A[0].before) * css[2] +
                                            (cell[3] + A[1].before) * css[3] + cell[4] + A[2].before)];
        if (bias) e.add(bias[cell[1]], 1.0f);
        return e;
    };
    std::vector<float> y(static_cast<std::size_t>(tconv::volume(out)));
    std::vector<float> phases_y(y.size(), std::nanf(""));
    for (auto method :
         {tconv::Method::matrix, tconv::Method::scatter, tconv::Method::padded_direct, tconv::Method::fast}) {
        tconv::conv_transpose(g, x.data(), w.data(), bias, y.data(), method);
        std::size_t e = 0;
        for (std::int64_t n = 0; n < out[0]; ++n)
            for (std::int64_t co = 0; co < out[1]; ++co)
                for (std::int64_t o0 = 0; o0 < out[2]; ++o0)
                    for (std::int64_t o1 = 0; o1 < out[3]; ++o1)
                        for (std::int64_t o2 = 0; o2 < out[4]; ++o2, ++e)
                            expect_value(y[e], expected_at({n, co, o0, o1, o2}),
                                         [&] { return std::string(tconv::method_name(method)) + " (generic)"; });
    }
    // explain and influence of every output cell of the first batch item.
    std::int64_t connections = 0;
    for (std::int64_t co = 0; co < out[1] && out[0] > 0; ++co)
        for (std::int64_t o0 = 0; o0 < out[2]; ++o0)
            for (std::int64_t o1 = 0; o1 < out[3]; ++o1)
                for (std::int64_t o2 = 0; o2 < out[4]; ++o2) {
                    const tconv::Shape5 cell{0, co, o0, o1, o2};
                    const auto e = tconv::explain(g, x.data(), w.data(), bias, cell);
                    const Expected want = expected_at(cell);
                    REQUIRE(static_cast<std::int64_t>(e.terms.size()) + (bias ? 1 : 0) == want.terms,
                            "explain (generic): term count");
                    expect_value(e.value, want, [] { return std::string("explain (generic)"); });
                    const auto links = tconv::influence(g, tconv::InfluenceTensor::y, cell);
                    REQUIRE(links.x.size() == e.terms.size(), "influence of an output differs from explain");
                    connections += static_cast<std::int64_t>(links.x.size());
                }
    if (out[0] > 0)
        REQUIRE(connections == tconv::matrix_nonzero_count(g), "influence connections differ from C's nonzeros");
    // The sub-pixel phases partition the output and interleave into it.
    tconv::conv_transpose(g, x.data(), w.data(), bias, y.data(), tconv::Method::fast);
    for (const auto& p : tconv::subpixel(g, x.data(), w.data(), bias)) {
        std::size_t i = 0;
        const tconv::Shape5 ps = p.output_shape;
        for (std::int64_t n = 0; n < ps[0]; ++n)
            for (std::int64_t co = 0; co < ps[1]; ++co)
                for (std::int64_t t0 = 0; t0 < ps[2]; ++t0)
                    for (std::int64_t t1 = 0; t1 < ps[3]; ++t1)
                        for (std::int64_t t2 = 0; t2 < ps[4]; ++t2) {
                            const std::int64_t at =
                                (((n * out[1] + co) * out[2] + p.axes[0].first_output + t0 * A[0].stride) * out[3] +
                                 p.axes[1].first_output + t1 * A[1].stride) *
                                    out[4] +
                                p.axes[2].first_output + t2 * A[2].stride;
                            REQUIRE(std::isnan(phases_y[static_cast<std::size_t>(at)]), "subpixel: a cell twice");
                            phases_y[static_cast<std::size_t>(at)] = p.output[i++];
                        }
    }
    for (std::size_t e = 0; e < y.size(); ++e)
        REQUIRE(!std::isnan(phases_y[e]) && std::fabs(phases_y[e] - y[e]) <= 1e-3f * (1.0f + std::fabs(y[e])),
                "subpixel: interleaved phases differ from the output");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    FuzzedDataProvider data(bytes, size);
    Decoder decoder{data};
    const auto flags = data.ConsumeIntegral<std::uint8_t>();
    decoder.scale = (flags & 0x70) == 0x70 ? 64 : (flags & 0x30) == 0x30 ? 8 : 1;
    try {
        if (flags & 2)
            fuzz_generic(decoder);
        else if (flags & 1)
            fuzz_conv2d(decoder);
        else
            fuzz_transposed(decoder);
    } catch (const std::exception& e) {
        // Every refusal must come from validation; a valid configuration must never throw.
        fail(std::string("unexpected exception: ") + e.what());
    }
    return 0;
}
