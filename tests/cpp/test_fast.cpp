// fast.hpp and the dispatcher in tconv.hpp: the fast method against PyTorch, every method agreeing with every other
// on random configurations, and hostile configurations refused by every entry point quickly and without allocating.
#include "fixtures.hpp"

#include <cmath>
#include <limits>

using namespace tconv;
using fixtures::json;

namespace {
const Method all_methods[] = {Method::matrix, Method::scatter, Method::padded_direct, Method::fast};
const char* name_of(Method m) {
    switch (m) {
        case Method::matrix:
            return "matrix";
        case Method::scatter:
            return "scatter";
        case Method::padded_direct:
            return "padded_direct";
        case Method::fast:
            return "fast";
    }
    return "?";
}
}  // namespace

TEST_CASE("fast method matches PyTorch on every fixture case", "[fast][fixtures]") {
    for (const json& c : fixtures::cases("conv_transpose2d.json")) {
        INFO(c["name"].get<std::string>());
        const Tensor x = fixtures::tensor(c["input"]), w = fixtures::tensor(c["weight"]);
        const ConvTransposeParams p = fixtures::transposed_params(c);
        CHECK(fixtures::mismatch(conv_transpose2d_fast(x, w, p), c["output"]) == "");
        CHECK(fixtures::mismatch(conv_transpose2d(x, w, p), c["output"]) == "");  // fast is the default
    }
}

TEST_CASE("the dispatcher runs the named method", "[fast][dispatch]") {
    CHECK(method_from_name("matrix") == Method::matrix);
    CHECK(method_from_name("scatter") == Method::scatter);
    CHECK(method_from_name("padded_direct") == Method::padded_direct);
    CHECK(method_from_name("direct") == Method::padded_direct);  // the old spelling is still accepted
    CHECK(method_from_name("fast") == Method::fast);
    CHECK_FALSE(method_from_name("Matrix"));
    CHECK_FALSE(method_from_name(""));
    CHECK_FALSE(method_from_name("paddedDirect"));
    const json& c = fixtures::cases("conv_transpose2d.json")[0];  // the corner question
    for (Method m : all_methods) {
        INFO(name_of(m));
        CHECK(fixtures::mismatch(conv_transpose2d(fixtures::tensor(c["input"]), fixtures::tensor(c["weight"]),
                                                  fixtures::transposed_params(c), m),
                                 c["output"]) == "");
    }
}

TEST_CASE("all four methods agree on random configurations", "[fast][agree]") {
    std::mt19937 rng(12345);
    for (int trial = 0; trial < 400; ++trial) {
        // Larger inputs than the fixtures (up to 12x12) so long rows and wide strides are exercised too.
        const fixtures::Config c = fixtures::random_config(rng, trial % 2 ? 12 : 5, 6000);
        INFO(c.describe());
        const Tensor reference = conv_transpose2d_matrix(c.x, c.w, c.params);
        for (Method m : {Method::scatter, Method::padded_direct, Method::fast}) {
            INFO(name_of(m));
            CHECK(fixtures::mismatch(conv_transpose2d(c.x, c.w, c.params, m), reference) == "");
        }
    }
}

TEST_CASE("methods agree on edge shapes: 1x1 everything, stride beyond the kernel, cropping padding", "[fast][agree]") {
    struct Edge {
        Shape4 in, k;
        ConvTransposeParams p;
    };
    auto params = [](Pair s, Pair p, Pair op, Pair d, std::int64_t g) {
        ConvTransposeParams t;
        t.stride = s;
        t.padding = p;
        t.output_padding = op;
        t.dilation = d;
        t.groups = g;
        return t;
    };
    const Edge edges[] = {
        {{1, 1, 1, 1}, {1, 1, 1, 1}, {}},
        {{1, 1, 1, 1}, {1, 1, 1, 1}, params({4, 4}, {0, 0}, {3, 3}, {1, 1}, 1)},  // 4x4 output, one nonzero
        {{2, 4, 3, 2}, {4, 1, 1, 1}, params({3, 2}, {0, 0}, {2, 1}, {1, 1}, 4)},  // depthwise 1x1, stride > kernel
        {{1, 2, 5, 5}, {2, 3, 3, 3}, params({1, 1}, {3, 3}, {0, 0}, {1, 1}, 1)},  // padding crops beyond the reach
        {{1, 2, 4, 3}, {2, 2, 2, 3}, params({1, 2}, {2, 1}, {2, 1}, {3, 2}, 2)},  // output_padding from dilation
        {{3, 3, 1, 7}, {3, 2, 1, 4}, params({1, 3}, {0, 4}, {0, 2}, {1, 2}, 1)},  // a single row
    };
    std::mt19937 rng(8);
    for (const Edge& e : edges) {
        const Tensor x = fixtures::random_tensor(rng, e.in, false), w = fixtures::random_tensor(rng, e.k, false);
        INFO("input " << fixtures::text(e.in) << " weight " << fixtures::text(e.k) << " " << fixtures::text(e.p));
        REQUIRE_FALSE(validation_error(e.in, x.size(), e.k, w.size(), e.p));
        const Tensor reference = conv_transpose2d_matrix(x, w, e.p);
        for (Method m : {Method::scatter, Method::padded_direct, Method::fast})
            CHECK(fixtures::mismatch(conv_transpose2d(x, w, e.p, m), reference) == "");
    }
}

TEST_CASE("every method rejects every invalid fixture with the expected parameter", "[fast][invalid]") {
    for (const json& c : fixtures::cases("invalid.json")) {
        const Tensor x = fixtures::zeros_of(c["input_shape"]), w = fixtures::zeros_of(c["weight_shape"]);
        for (Method m : all_methods) {
            INFO(c["name"].get<std::string>() << " " << name_of(m));
            try {
                conv_transpose2d(x, w, fixtures::transposed_params(c), m);
                FAIL("accepted");
            } catch (const Error& e) {
                CHECK(e.detail().parameter == c["parameter"].get<std::string>());
                CHECK(e.detail().axis == c["axis"].get<std::string>());
            }
        }
    }
}

TEST_CASE("hostile configurations are refused by every method quickly and without allocating", "[fast][limits]") {
    // Small tensors, but parameters that would make the output, canvas or work astronomically large.
    struct Hostile {
        const char* what;
        Shape4 in, k;
        ConvTransposeParams p;
    };
    auto with = [](Pair stride, Pair dilation, Pair padding) {
        ConvTransposeParams t;
        t.stride = stride;
        t.dilation = dilation;
        t.padding = padding;
        return t;
    };
    const Hostile hostile[] = {
        {"stride and dilation 4096: output 16385²",
         {1, 1, 4, 4},
         {1, 1, 2, 2},
         with({4096, 4096}, {4096, 4096}, {0, 0})},
        {"stride 4096 on a 64x64 input", {1, 1, 64, 64}, {1, 1, 1, 1}, with({4096, 4096}, {1, 1}, {0, 0})},
        {"dilated 4096, cropped back by padding: canvas and padded input huge",
         {1, 1, 2, 2},
         {1, 1, 3, 3},
         with({1, 1}, {4096, 4096}, {4096, 4096})},
        {"64 channels, 64x64, kernel 8: 1.3e9 multiply-adds", {1, 64, 64, 64}, {64, 64, 8, 8}, {}},
    };
    for (const Hostile& h : hostile) {
        const Tensor x = zeros(h.in), w = zeros(h.k);
        for (Method m : all_methods) {
            INFO(h.what << " / " << name_of(m));
            fixtures::reset_largest_allocation();
            try {
                conv_transpose2d(x, w, h.p, m);
                FAIL("accepted");
            } catch (const Error& e) {
                CHECK(e.detail().parameter == "limits");
                CHECK_THAT(std::string(e.what()), Catch::Contains("limit is"));
            }
            CHECK(fixtures::largest_allocation() < 4096);
        }
        fixtures::reset_largest_allocation();
        CHECK_THROWS_AS(scatter_canvas(x, w, h.p), Error);
        CHECK_THROWS_AS(dilated_padded_input(x, h.k, h.p), Error);
        CHECK_THROWS_AS(explain(x, w, h.p, 0, 0, 0, 0), Error);
        CHECK(fixtures::largest_allocation() < 4096);
    }
}

TEST_CASE("the largest configuration inside the caps runs", "[fast][limits]") {
    // Right at the element cap: a 2048x2048 single-channel input with a 1x1 kernel (4,194,304 elements each for
    // input, output, canvas and padded input). Every method must accept it and give x·w.
    std::mt19937 rng(1);
    const Tensor x = fixtures::random_tensor(rng, {1, 1, 2048, 2048}, true);
    Tensor w = zeros({1, 1, 1, 1});
    w(0, 0, 0, 0) = 2.0f;
    for (Method m : all_methods) {
        INFO(name_of(m));
        const Tensor y = conv_transpose2d(x, w, {}, m);
        REQUIRE(shape_of(y) == Shape4{1, 1, 2048, 2048});
        bool equal = true;
        for (std::size_t i = 0; i < y.size(); ++i) equal = equal && y.data()[i] == 2.0f * x.data()[i];
        CHECK(equal);
    }
}

TEST_CASE("fast agrees with the matrix method on many channels, long rows and large strides", "[fast][agree]") {
    // The fast method works in tiles of several output channels by several consecutive pixels, one stride phase at a
    // time: vary the channel count around and past a tile, row lengths past several tiles, and strides past the
    // dilated kernel (phases with no taps).
    std::mt19937 rng(777);
    int checked = 0;
    while (checked < 150) {
        ConvTransposeParams p;
        p.groups = fixtures::uniform(rng, 1, 3);
        const std::int64_t cin = p.groups * fixtures::uniform(rng, 1, 5), cout_per_group = fixtures::uniform(rng, 1, 9);
        const Shape4 in{fixtures::uniform(rng, 1, 2), cin, fixtures::uniform(rng, 1, 6), fixtures::uniform(rng, 1, 40)};
        const Shape4 k{cin, cout_per_group, fixtures::uniform(rng, 1, 5), fixtures::uniform(rng, 1, 5)};
        p.stride = {fixtures::uniform(rng, 1, 5), fixtures::uniform(rng, 1, 5)};
        p.dilation = {fixtures::uniform(rng, 1, 3), fixtures::uniform(rng, 1, 3)};
        p.output_padding = {fixtures::uniform(rng, 0, std::max(p.stride.h, p.dilation.h) - 1),
                            fixtures::uniform(rng, 0, std::max(p.stride.w, p.dilation.w) - 1)};
        p.padding = {fixtures::uniform(rng, 0, p.dilation.h * (k[2] - 1) + 1),
                     fixtures::uniform(rng, 0, p.dilation.w * (k[3] - 1) + 1)};
        if (validation_error(in, element_count(in), k, element_count(k), p)) continue;
        if (element_count(output_shape(in, k, p)) > 60000) continue;
        ++checked;
        const Tensor x = fixtures::random_tensor(rng, in, false), w = fixtures::random_tensor(rng, k, false);
        INFO("input " << fixtures::text(in) << " weight " << fixtures::text(k) << " " << fixtures::text(p));
        CHECK(fixtures::mismatch(conv_transpose2d_fast(x, w, p), conv_transpose2d_matrix(x, w, p)) == "");
    }
}

TEST_CASE("packed weights are reusable for any batch size and refuse another geometry", "[fast][packed]") {
    std::mt19937 rng(21);
    const json& c = fixtures::cases("conv_transpose2d.json")[3];  // the output_padding question, batch 5, 3 channels
    const Tensor x = fixtures::tensor(c["input"]), w = fixtures::tensor(c["weight"]);
    const ConvTransposeParams p = fixtures::transposed_params(c);
    const PackedWeights packed = pack_weights(w, p, shape_of(x));
    CHECK(fixtures::mismatch(conv_transpose2d_fast(x, packed), c["output"]) == "");
    Shape4 one = shape_of(x);
    one[0] = 1;
    const Tensor single = fixtures::random_tensor(rng, one, false);
    CHECK(fixtures::mismatch(conv_transpose2d_fast(single, packed), conv_transpose2d_matrix(single, w, p)) == "");
    Shape4 taller = shape_of(x);
    taller[2] += 1;
    try {
        conv_transpose2d_fast(zeros(taller), packed);
        FAIL("accepted an input of another height");
    } catch (const Error& e) {
        CHECK(e.detail().parameter == "input");
        CHECK(e.detail().axis == "height");
    }
    ConvTransposeParams bad = p;
    bad.output_padding = {2, 0};
    CHECK_THROWS_AS(pack_weights(w, bad, shape_of(x)), Error);
}

TEST_CASE("a workspace reuses packed weights only for the same weights and geometry", "[fast][packed]") {
    std::mt19937 rng(8);
    FastWorkspace workspace;
    // Each call goes through one workspace, and is compared with the matrix method on fresh tensors.
    const auto check = [&](const Tensor& x, const Tensor& w, const ConvTransposeParams& p, const char* what) {
        Tensor y = zeros(output_shape(shape_of(x), shape_of(w), p));
        conv_transpose2d_fast_into(x.data(), shape_of(x), w.data(), shape_of(w), p, y.data(), workspace);
        INFO(what);
        CHECK(fixtures::mismatch(y, conv_transpose2d_matrix(x, w, p)) == "");
    };
    ConvTransposeParams p;
    p.stride = {2, 2};
    p.padding = {1, 0};
    const Tensor x = fixtures::random_tensor(rng, {2, 3, 5, 4}, false);
    Tensor w = fixtures::random_tensor(rng, {3, 2, 3, 3}, false);
    check(x, w, p, "first call packs");
    check(x, w, p, "same weights: the packing is reused");
    w.data()[7] += 1.0f;  // same array, one weight changed in place
    check(x, w, p, "a weight changed in place");
    const Tensor other_batch = fixtures::random_tensor(rng, {1, 3, 5, 4}, false);
    check(other_batch, w, p, "another batch size");
    const Tensor wider = fixtures::random_tensor(rng, {1, 3, 5, 6}, false);
    check(wider, w, p, "a wider input");
    ConvTransposeParams q = p;
    q.padding = {0, 1};
    check(wider, w, q, "other padding");
    q.dilation = {2, 1};
    check(wider, w, q, "other dilation");
    q.output_padding = {1, 0};
    check(wider, w, q, "other output_padding");
    const Tensor w_other = fixtures::random_tensor(rng, {3, 2, 3, 3}, false);
    check(wider, w_other, q, "other weights of the same shape");
    const Tensor w_shape = fixtures::random_tensor(rng, {3, 1, 2, 3}, false);
    check(wider, w_shape, q, "weights of another shape");
    ConvTransposeParams g = q;
    g.groups = 3;
    const Tensor w_groups = fixtures::random_tensor(rng, {3, 2, 2, 3}, false);
    check(wider, w_groups, g, "groups");
}

namespace {

/// The class of a float that NaN/Inf propagation decides: 'n' NaN, '+' +Inf, '-' −Inf, '.' finite.
char value_class(float v) {
    if (std::isnan(v)) return 'n';
    if (std::isinf(v)) return v > 0 ? '+' : '-';
    return '.';
}

/// One line of classes per output row, rows of every channel in turn (batch item 0).
std::string class_rows(const Tensor& y) {
    std::string text;
    for (std::size_t co = 0; co < y.shape()[1]; ++co)
        for (std::size_t r = 0; r < y.shape()[2]; ++r) {
            for (std::size_t c = 0; c < y.shape()[3]; ++c) text += value_class(y(0, co, r, c));
            text += '\n';
        }
    return text;
}

/// "" when a and b have the same shape and the same class everywhere, and finite elements agree within tolerance.
std::string class_mismatch(const Tensor& a, const Tensor& b) {
    if (shape_of(a) != shape_of(b))
        return "shape " + fixtures::text(shape_of(a)) + " vs " + fixtures::text(shape_of(b));
    for (std::size_t i = 0; i < a.size(); ++i) {
        const float u = a.data()[i], v = b.data()[i];
        if (value_class(u) != value_class(v) || (value_class(u) == '.' && !fixtures::close(u, v)))
            return "element " + std::to_string(i) + " is " + std::to_string(u) + " vs " + std::to_string(v);
    }
    return "";
}

}  // namespace

TEST_CASE("every method gives PyTorch's Inf and NaN at the edges: no tap outside the input is multiplied",
          "[fast][nonfinite]") {
    // Expected classes from torch 1.13's conv_transpose2d (Debian's python3-torch) with x = i % 5 + 1 and
    // w = i % 3 + 1 (i the flat index) and the listed values planted. A product PyTorch never forms (a tap that reads
    // outside the input) must not turn an Inf weight into NaN: 0·Inf is NaN.
    struct Planted {
        Shape4 at;
        float value;
    };
    struct Case {
        const char* name;
        Shape4 in, k;
        ConvTransposeParams params;
        std::vector<Planted> x_values, w_values;
        const char* expected;
    };
    auto params = [](Pair stride, Pair padding, Pair output_padding, Pair dilation, std::int64_t groups) {
        ConvTransposeParams p;
        p.stride = stride;
        p.padding = padding;
        p.output_padding = output_padding;
        p.dilation = dilation;
        p.groups = groups;
        return p;
    };
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    const Case cases[] = {
        {"inf weight tap that padding crops at the top-left",
         {1, 1, 3, 3},
         {1, 1, 3, 3},
         params({2, 2}, {1, 1}, {0, 0}, {1, 1}, 1),
         {},
         {{{0, 0, 0, 0}, inf}},
         ".....\n"
         ".+.+.\n"
         ".....\n"
         ".+.+.\n"
         ".....\n"},
        {"inf weight, stride 1: only the outputs its products reach",
         {1, 1, 3, 3},
         {1, 1, 3, 3},
         params({1, 1}, {0, 0}, {0, 0}, {1, 1}, 1),
         {},
         {{{0, 0, 0, 0}, inf}},
         "+++..\n"
         "+++..\n"
         "+++..\n"
         ".....\n"
         ".....\n"},
        {"-inf input corner meets a zero tap; NaN input elsewhere",
         {1, 1, 4, 4},
         {1, 1, 3, 3},
         params({2, 2}, {0, 1}, {1, 0}, {1, 1}, 1),
         {{{0, 0, 0, 0}, -inf}, {{0, 0, 3, 2}, nan}},
         {{{0, 0, 1, 1}, 0.0f}},
         "--.....\n"
         "n-.....\n"
         "--.....\n"
         ".......\n"
         ".......\n"
         ".......\n"
         "...nnn.\n"
         "...nnn.\n"
         "...nnn.\n"
         ".......\n"},
        {"NaN and inf weights with dilation, output_padding and groups",
         {1, 2, 3, 4},
         {2, 1, 2, 3},
         params({3, 2}, {1, 2}, {2, 1}, {2, 2}, 2),
         {},
         {{{0, 0, 1, 2}, nan}, {{1, 0, 0, 0}, inf}, {{1, 0, 1, 1}, -inf}},
         "........\n"
         "..n.n.n.\n"
         "........\n"
         "........\n"
         "..n.n.n.\n"
         "........\n"
         "........\n"
         "..n.n.n.\n"
         "........\n"
         "........\n"
         "-.-.-.-.\n"
         "+.+.+...\n"
         "........\n"
         "-.-.-.-.\n"
         "+.+.+...\n"
         "........\n"
         "-.-.-.-.\n"
         "........\n"},
    };
    for (const Case& c : cases) {
        INFO(c.name);
        Tensor x = zeros(c.in), w = zeros(c.k);
        for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(i % 5 + 1);
        for (std::size_t i = 0; i < w.size(); ++i) w.data()[i] = static_cast<float>(i % 3 + 1);
        for (const Planted& p : c.x_values) x(p.at[0], p.at[1], p.at[2], p.at[3]) = p.value;
        for (const Planted& p : c.w_values) w(p.at[0], p.at[1], p.at[2], p.at[3]) = p.value;
        CHECK(class_rows(conv_transpose2d_fast(x, w, c.params)) == c.expected);
        CHECK(class_rows(conv_transpose2d_fast(x, pack_weights(w, c.params, shape_of(x)))) == c.expected);
        CHECK(class_rows(conv_transpose2d_scatter(x, w, c.params)) == c.expected);
        CHECK(class_rows(conv_transpose2d_matrix(x, w, c.params)) == c.expected);
        CHECK(class_rows(conv_transpose2d_padded_direct(x, w, c.params)) == c.expected);
    }
}

TEST_CASE("fast, direct and matrix agree with scatter on Inf and NaN anywhere in input and weight",
          "[fast][nonfinite]") {
    // Random configurations (tiles, edge rows and columns, phases without taps, several blocks of output channels,
    // rows of several tiles) with ±Inf and NaN planted in the input or the weight, often at the borders: the class of
    // every output (NaN, +Inf, −Inf, finite) must be the one of the methods that form exactly PyTorch's products,
    // and finite outputs must agree as usual. A non-finite weight switches fast to exact tap ranges at the edges.
    std::mt19937 rng(4242);
    const float specials[] = {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                              std::numeric_limits<float>::quiet_NaN()};
    int with_non_finite_output = 0;
    for (int trial = 0; trial < 800; ++trial) {
        fixtures::Config c;
        if (trial % 4 < 3) {
            c = fixtures::random_config(rng, trial % 3 ? 9 : 20, 6000);
        } else {
            // Many output channels (blocks of 4 and a partial one) and rows of several 8-pixel tiles.
            for (;;) {
                ConvTransposeParams p;
                p.groups = fixtures::uniform(rng, 1, 2);
                const std::int64_t cin = p.groups * fixtures::uniform(rng, 1, 3);
                const Shape4 in{1, cin, fixtures::uniform(rng, 1, 5), fixtures::uniform(rng, 1, 30)};
                const Shape4 k{cin, fixtures::uniform(rng, 1, 9), fixtures::uniform(rng, 1, 4),
                               fixtures::uniform(rng, 1, 4)};
                p.stride = {fixtures::uniform(rng, 1, 3), fixtures::uniform(rng, 1, 3)};
                p.dilation = {fixtures::uniform(rng, 1, 2), fixtures::uniform(rng, 1, 2)};
                p.padding = {fixtures::uniform(rng, 0, 3), fixtures::uniform(rng, 0, 3)};
                if (validation_error(in, element_count(in), k, element_count(k), p)) continue;
                if (element_count(output_shape(in, k, p)) > 20000) continue;
                c = {fixtures::random_tensor(rng, in, trial % 8 == 3), fixtures::random_tensor(rng, k, false), p};
                break;
            }
        }
        Tensor* planted_in = trial % 2 ? &c.w : &c.x;
        const std::int64_t count = fixtures::uniform(rng, 1, 3);
        for (std::int64_t i = 0; i < count; ++i) {
            const auto at =
                static_cast<std::size_t>(fixtures::uniform(rng, 0, static_cast<std::int64_t>(planted_in->size()) - 1));
            planted_in->data()[at] = specials[fixtures::uniform(rng, 0, 2)];
        }
        INFO(c.describe() << (trial % 2 ? " (weight planted)" : " (input planted)"));
        const Tensor scatter = conv_transpose2d_scatter(c.x, c.w, c.params);
        CHECK(class_mismatch(conv_transpose2d_fast(c.x, c.w, c.params), scatter) == "");
        CHECK(class_mismatch(conv_transpose2d_matrix(c.x, c.w, c.params), scatter) == "");
        CHECK(class_mismatch(conv_transpose2d_padded_direct(c.x, c.w, c.params), scatter) == "");
        for (std::size_t i = 0; i < scatter.size(); ++i)
            if (value_class(scatter.data()[i]) != '.') {
                ++with_non_finite_output;
                break;
            }
    }
    CHECK(with_non_finite_output > 400);  // the planted values do reach the outputs
}
