// explain.hpp: the terms behind one output cell, checked against the output of every method and against the corner
// question's worked example.
#include "fixtures.hpp"

using namespace tconv;
using fixtures::json;

namespace {

// Checks every cell of y = conv_transpose2d(x, w): the terms' products sum to the cell, each term's x and w are read
// from the tensors at its indices, its indices land on the cell, and the terms are ordered by ci, then kh, then kw.
void check_every_cell(const Tensor& x, const Tensor& w, const ConvTransposeParams& p, const Tensor& y) {
    const Shape4 out = shape_of(y), k = shape_of(w);
    const auto overlap = scatter_overlap_counts(shape_of(x), k, p);
    const Window window = scatter_crop_window(shape_of(x), k, p);
    const std::int64_t in_per_group = shape_of(x)[1] / p.groups;
    for (std::int64_t n = 0; n < out[0]; ++n)
        for (std::int64_t co = 0; co < out[1]; ++co)
            for (std::int64_t r = 0; r < out[2]; ++r)
                for (std::int64_t c = 0; c < out[3]; ++c) {
                    const Explanation e = explain(x, w, p, n, co, r, c);
                    INFO("cell [" << n << ", " << co << ", " << r << ", " << c << "]");
                    double sum = 0.0, scale = 0.0;
                    for (std::size_t t = 0; t < e.terms.size(); ++t) {
                        const Term& term = e.terms[t];
                        REQUIRE(term.input[0] == n);
                        REQUIRE(term.input[1] == term.weight[0]);
                        REQUIRE(term.weight[1] == co % k[1]);
                        REQUIRE(term.x == x(term.input[0], term.input[1], term.input[2], term.input[3]));
                        REQUIRE(term.w == w(term.weight[0], term.weight[1], term.weight[2], term.weight[3]));
                        REQUIRE(term.product == term.x * term.w);
                        // The tap lands on this cell: r = i·s − p + kh·d.
                        REQUIRE(term.input[2] * p.stride.h - p.padding.h + term.weight[2] * p.dilation.h == r);
                        REQUIRE(term.input[3] * p.stride.w - p.padding.w + term.weight[3] * p.dilation.w == c);
                        if (t > 0) {
                            const auto& a = e.terms[t - 1].weight;
                            const auto& b = term.weight;
                            REQUIRE((a[0] < b[0] || (a[0] == b[0] && (a[2] < b[2] || (a[2] == b[2] && a[3] < b[3])))));
                        }
                        sum += term.product;
                        scale += std::abs(term.product);
                    }
                    // Every tap the scatter counts on this cell is a term, for each input channel of the group.
                    CHECK(static_cast<std::int64_t>(e.terms.size()) ==
                          overlap(window.top + r, window.left + c) * in_per_group);
                    CHECK(e.value == Approx(sum).margin(1e-5 * (1.0 + scale)));
                    CHECK(fixtures::close(e.value, y(n, co, r, c)));
                }
}

}  // namespace

TEST_CASE("the corner question: output (0, 1) = 1·5 + 1·7 = 12", "[explain][question]") {
    Tensor x = zeros({1, 1, 4, 4});
    x.fill(1.0f);
    Tensor w = zeros({1, 1, 4, 4});
    for (int i = 0; i < 16; ++i) w.data()[i] = static_cast<float>(i + 1);
    ConvTransposeParams p;
    p.stride = {2, 2};
    p.padding = {1, 1};
    const Explanation e = explain(x, w, p, 0, 0, 0, 1);
    CHECK(e.value == 12.0f);
    REQUIRE(e.terms.size() == 2);
    CHECK(e.terms[0].weight == std::array<std::int64_t, 4>{0, 0, 1, 0});
    CHECK(e.terms[0].input == std::array<std::int64_t, 4>{0, 0, 0, 1});
    CHECK(e.terms[0].x == 1.0f);
    CHECK(e.terms[0].w == 5.0f);
    CHECK(e.terms[0].product == 5.0f);
    CHECK(e.terms[1].weight == std::array<std::int64_t, 4>{0, 0, 1, 2});
    CHECK(e.terms[1].input == std::array<std::int64_t, 4>{0, 0, 0, 0});
    CHECK(e.terms[1].w == 7.0f);
    CHECK(e.terms[1].product == 7.0f);
    // The other two cells the post explains: (0, 0) = 6 from one tap, (1, 0) = 2 + 10.
    const Explanation corner = explain(x, w, p, 0, 0, 0, 0);
    CHECK(corner.value == 6.0f);
    REQUIRE(corner.terms.size() == 1);
    CHECK(corner.terms[0].w == 6.0f);
    const Explanation below = explain(x, w, p, 0, 0, 1, 0);
    CHECK(below.value == 12.0f);
    REQUIRE(below.terms.size() == 2);
    CHECK(below.terms[0].w == 2.0f);
    CHECK(below.terms[1].w == 10.0f);
}

TEST_CASE("explain's terms sum to every output cell of the corner question and many fixture cases",
          "[explain][fixtures]") {
    const json& cases = fixtures::cases("conv_transpose2d.json");
    for (std::size_t i = 0; i < cases.size(); i += 3) {  // every third case keeps this quick; the questions come first
        const json& c = cases[i];
        INFO(c["name"].get<std::string>());
        check_every_cell(fixtures::tensor(c["input"]), fixtures::tensor(c["weight"]), fixtures::transposed_params(c),
                         fixtures::tensor(c["output"]));
    }
}

TEST_CASE("explain's terms sum to every output cell of random configurations", "[explain]") {
    std::mt19937 rng(4242);
    for (int trial = 0; trial < 25; ++trial) {
        const fixtures::Config c = fixtures::random_config(rng, 6, 600);
        INFO(c.describe());
        check_every_cell(c.x, c.w, c.params, conv_transpose2d_fast(c.x, c.w, c.params));
    }
}

TEST_CASE("a cell outside the output is refused with its index and the valid range", "[explain][invalid]") {
    Tensor x = zeros({2, 1, 3, 3}), w = zeros({1, 2, 2, 2});
    ConvTransposeParams p;  // output [2, 2, 4, 4]
    CHECK_NOTHROW(explain(x, w, p, 1, 1, 3, 3));
    struct Bad {
        std::int64_t n, co, r, c;
        const char* axis;
        const char* message;
    } bad[] = {{2, 0, 0, 0, "", "batch index is 2 but the output has 2 (valid: 0 to 1)"},
               {0, -1, 0, 0, "", "output channel is -1 but the output has 2 (valid: 0 to 1)"},
               {0, 0, 4, 0, "height", "output height index is 4 but the output has 4 (valid: 0 to 3)"},
               {0, 0, 0, INT64_MAX, "width",
                "output width index is 9223372036854775807 but the output has 4 (valid: 0 to 3)"}};
    for (const Bad& b : bad) {
        try {
            explain(x, w, p, b.n, b.co, b.r, b.c);
            FAIL("accepted " << b.message);
        } catch (const Error& e) {
            CHECK(e.detail().parameter == "cell");
            CHECK(e.detail().axis == b.axis);
            CHECK(std::string(e.what()) == b.message);
        }
    }
    p.stride = {0, 1};
    CHECK_THROWS_AS(explain(x, w, p, 0, 0, 0, 0), Error);
}
