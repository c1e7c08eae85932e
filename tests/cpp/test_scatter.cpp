// scatter.hpp: the stamp-and-crop method against PyTorch, the uncropped canvas, its crop window, and the overlap
// counts behind checkerboard artifacts.
#include "fixtures.hpp"

using namespace tconv;
using fixtures::json;

TEST_CASE("scatter method matches PyTorch on every fixture case", "[scatter][fixtures]") {
    for (const json& c : fixtures::cases("conv_transpose2d.json")) {
        INFO(c["name"].get<std::string>());
        const Tensor y = conv_transpose2d_scatter(fixtures::tensor(c["input"]), fixtures::tensor(c["weight"]),
                                                  fixtures::transposed_params(c));
        CHECK(fixtures::mismatch(y, c["output"]) == "");
    }
}

TEST_CASE("the crop window of the canvas is the output, on every fixture case", "[scatter][fixtures]") {
    for (const json& c : fixtures::cases("conv_transpose2d.json")) {
        INFO(c["name"].get<std::string>());
        const Tensor x = fixtures::tensor(c["input"]), w = fixtures::tensor(c["weight"]);
        const ConvTransposeParams p = fixtures::transposed_params(c);
        const Tensor canvas = scatter_canvas(x, w, p);
        const Shape4 canvas_shape = shape_of(canvas);
        CHECK(canvas_shape == scatter_canvas_shape(shape_of(x), shape_of(w), p));
        const Window window = scatter_crop_window(shape_of(x), shape_of(w), p);
        const Shape4 out = fixtures::shape(c["output"]["shape"]);
        CHECK(window.top == p.padding.h);
        CHECK(window.left == p.padding.w);
        CHECK(window.height == out[2]);
        CHECK(window.width == out[3]);
        // padding is cropped from every side; output_padding is the extra canvas at the bottom and right.
        CHECK(canvas_shape[2] == out[2] + 2 * p.padding.h);
        CHECK(canvas_shape[3] == out[3] + 2 * p.padding.w);
        Tensor cropped = zeros(out);
        for (std::int64_t n = 0; n < out[0]; ++n)
            for (std::int64_t co = 0; co < out[1]; ++co)
                for (std::int64_t r = 0; r < out[2]; ++r)
                    for (std::int64_t col = 0; col < out[3]; ++col)
                        cropped(n, co, r, col) = canvas(n, co, window.top + r, window.left + col);
        CHECK(fixtures::mismatch(cropped, c["output"]) == "");
    }
}

TEST_CASE("the canvas holds every stamp: its total is the sum of x times the sum of w", "[scatter]") {
    std::mt19937 rng(11);
    for (int trial = 0; trial < 60; ++trial) {
        const fixtures::Config c = fixtures::random_config(rng);
        INFO(c.describe());
        const Tensor canvas = scatter_canvas(c.x, c.w, c.params);
        const Shape4 in = shape_of(c.x), k = shape_of(c.w);
        // Nothing is cropped from the canvas, so Σ canvas = Σ_n Σ_ci (Σ_ij x[n,ci]) · (Σ w[ci]).
        double expected = 0.0, scale = 0.0;
        for (std::int64_t n = 0; n < in[0]; ++n)
            for (std::int64_t ci = 0; ci < in[1]; ++ci) {
                double x_sum = 0.0, w_sum = 0.0, x_abs = 0.0, w_abs = 0.0;
                for (std::int64_t i = 0; i < in[2]; ++i)
                    for (std::int64_t j = 0; j < in[3]; ++j) {
                        x_sum += c.x(n, ci, i, j);
                        x_abs += std::abs(c.x(n, ci, i, j));
                    }
                for (std::int64_t co = 0; co < k[1]; ++co)
                    for (std::int64_t a = 0; a < k[2]; ++a)
                        for (std::int64_t b = 0; b < k[3]; ++b) {
                            w_sum += c.w(ci, co, a, b);
                            w_abs += std::abs(c.w(ci, co, a, b));
                        }
                expected += x_sum * w_sum;
                scale += x_abs * w_abs;
            }
        double total = 0.0;
        for (float v : canvas) total += v;
        CHECK(total == Approx(expected).margin(1e-5 * (1.0 + scale)));
    }
}

TEST_CASE("overlap counts: kernel 3, stride 2 gives the 1/2/4 checkerboard", "[scatter][overlap]") {
    ConvTransposeParams p;
    p.stride = {2, 2};
    const auto counts = scatter_overlap_counts({1, 1, 3, 3}, {1, 1, 3, 3}, p);
    REQUIRE(counts.shape()[0] == 7);
    REQUIRE(counts.shape()[1] == 7);
    // Per axis, position r is hit by the (i, kh) with 2i + kh = r: 1 1 2 1 2 1 1.
    const int per_axis[7] = {1, 1, 2, 1, 2, 1, 1};
    for (int r = 0; r < 7; ++r)
        for (int c = 0; c < 7; ++c) {
            INFO("cell " << r << ", " << c);
            CHECK(counts(r, c) == per_axis[r] * per_axis[c]);
        }
    CHECK(counts(2, 2) == 4);
    CHECK(counts(2, 3) == 2);
    CHECK(counts(3, 3) == 1);
}

TEST_CASE("overlap counts of the corner question: kernel 4, stride 2 is even inside, thinner at the cropped border",
          "[scatter][overlap][question]") {
    ConvTransposeParams p;
    p.stride = {2, 2};
    p.padding = {1, 1};
    const Shape4 in{1, 1, 4, 4}, k{1, 1, 4, 4};
    const auto counts = scatter_overlap_counts(in, k, p);
    const Window window = scatter_crop_window(in, k, p);
    REQUIRE(counts.shape()[0] == 10);
    REQUIRE(window.top == 1);
    REQUIRE(window.height == 8);
    // Inside the window, each axis is hit twice except the first and last output row/column (once), so the corner
    // output 6 = 1·6 has one term and the edge output 12 = 5 + 7 has two.
    const int per_axis[8] = {1, 2, 2, 2, 2, 2, 2, 1};
    for (int r = 0; r < 8; ++r)
        for (int c = 0; c < 8; ++c) CHECK(counts(window.top + r, window.left + c) == per_axis[r] * per_axis[c]);
    // The cropped ring of the canvas: corners are hit once.
    CHECK(counts(0, 0) == 1);
    CHECK(counts(9, 9) == 1);
}

TEST_CASE("overlap counts sum to H·W·kH·kW and follow dilation", "[scatter][overlap]") {
    std::mt19937 rng(5);
    for (int trial = 0; trial < 60; ++trial) {
        const fixtures::Config c = fixtures::random_config(rng);
        const Shape4 in = shape_of(c.x), k = shape_of(c.w);
        const auto counts = scatter_overlap_counts(in, k, c.params);
        const Shape4 canvas = scatter_canvas_shape(in, k, c.params);
        REQUIRE(counts.shape()[0] == static_cast<std::size_t>(canvas[2]));
        REQUIRE(counts.shape()[1] == static_cast<std::size_t>(canvas[3]));
        std::int64_t total = 0;
        for (auto v : counts) total += v;
        CHECK(total == in[2] * in[3] * k[2] * k[3]);
    }
    // Kernel 2 dilated 2 on a 1x1 input: taps at 0 and 2, a hole at 1.
    ConvTransposeParams p;
    p.dilation = {2, 2};
    const auto counts = scatter_overlap_counts({1, 1, 1, 1}, {1, 1, 2, 2}, p);
    REQUIRE(counts.shape()[0] == 3);
    CHECK(counts(0, 0) == 1);
    CHECK(counts(0, 1) == 0);
    CHECK(counts(1, 1) == 0);
    CHECK(counts(2, 2) == 1);
}

TEST_CASE("output_padding adds canvas rows and columns that no stamp reaches", "[scatter]") {
    ConvTransposeParams p;
    p.stride = {2, 3};
    p.output_padding = {1, 2};
    std::mt19937 rng(3);
    const Tensor x = fixtures::random_tensor(rng, {1, 1, 2, 2}, true);
    Tensor w = zeros({1, 1, 3, 3});
    w.fill(1.0f);
    const Tensor canvas = scatter_canvas(x, w, p);
    // H: (2-1)*2 + 2 + 1 + 1 = 6; W: (2-1)*3 + 2 + 1 + 2 = 8
    REQUIRE(shape_of(canvas) == Shape4{1, 1, 6, 8});
    for (int c = 0; c < 8; ++c) CHECK(canvas(0, 0, 5, c) == 0.0f);
    for (int r = 0; r < 6; ++r) {
        CHECK(canvas(0, 0, r, 6) == 0.0f);
        CHECK(canvas(0, 0, r, 7) == 0.0f);
    }
    const Window window = scatter_crop_window({1, 1, 2, 2}, {1, 1, 3, 3}, p);
    CHECK(window.height == 6);
    CHECK(window.width == 8);
}

TEST_CASE("the scatter method rejects every invalid fixture", "[scatter][invalid]") {
    for (const json& c : fixtures::cases("invalid.json")) {
        INFO(c["name"].get<std::string>());
        try {
            conv_transpose2d_scatter(fixtures::zeros_of(c["input_shape"]), fixtures::zeros_of(c["weight_shape"]),
                                     fixtures::transposed_params(c));
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.detail().parameter == c["parameter"].get<std::string>());
        }
    }
}
