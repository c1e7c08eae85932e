// conv2d.hpp: the forward convolution and its input gradient against autograd, and the identity behind
// the gradient question and 001: conv_transpose2d(g, w) with the matching output_padding is ∂⟨conv2d(x, w), g⟩/∂x.
#include "fixtures.hpp"

using namespace tconv;
using fixtures::json;

TEST_CASE("conv2d matches PyTorch on every gradient fixture", "[conv2d][fixtures]") {
    for (const json& c : fixtures::cases("conv2d_gradient.json")) {
        INFO(c["name"].get<std::string>());
        const Tensor y = conv2d(fixtures::tensor(c["x"]), fixtures::tensor(c["w"]), fixtures::conv2d_params(c));
        CHECK(fixtures::mismatch(y, c["y"]) == "");
    }
}

TEST_CASE("conv2d_input_grad matches autograd's x.grad", "[conv2d][gradient][fixtures]") {
    for (const json& c : fixtures::cases("conv2d_gradient.json")) {
        INFO(c["name"].get<std::string>());
        const Tensor grad = conv2d_input_grad(fixtures::shape(c["x"]["shape"]), fixtures::tensor(c["w"]),
                                              fixtures::tensor(c["g"]), fixtures::conv2d_params(c));
        CHECK(fixtures::mismatch(grad, c["x_grad"]) == "");
    }
}

TEST_CASE("gradient identity: conv_transpose2d(g, w) = x.grad, by every method", "[conv2d][gradient][fixtures]") {
    for (const json& c : fixtures::cases("conv2d_gradient.json")) {
        INFO(c["name"].get<std::string>());
        const Tensor w = fixtures::tensor(c["w"]), g = fixtures::tensor(c["g"]);
        const Shape4 x_shape = fixtures::shape(c["x"]["shape"]);
        const ConvTransposeParams t = transposed_params_for(x_shape, shape_of(w), fixtures::conv2d_params(c));
        CHECK(t.output_padding.h == c["transposed_output_padding"][0].get<std::int64_t>());
        CHECK(t.output_padding.w == c["transposed_output_padding"][1].get<std::int64_t>());
        const Tensor by_grad = conv2d_input_grad(x_shape, w, g, fixtures::conv2d_params(c));
        for (Method method : {Method::matrix, Method::scatter, Method::padded_direct, Method::fast}) {
            INFO("method " << static_cast<int>(method));
            const Tensor by_transpose = conv_transpose2d(g, w, t, method);
            CHECK(fixtures::mismatch(by_transpose, c["x_grad"]) == "");
            CHECK(fixtures::mismatch(by_transpose, by_grad) == "");
        }
    }
}

TEST_CASE("gradient identity on random conv2d configurations", "[conv2d][gradient]") {
    std::mt19937 rng(31);
    int checked = 0;
    while (checked < 200) {
        Conv2dParams p;
        p.groups = fixtures::uniform(rng, 1, 3);
        const std::int64_t cin = p.groups * fixtures::uniform(rng, 1, 2),
                           cout = p.groups * fixtures::uniform(rng, 1, 2);
        p.stride = {fixtures::uniform(rng, 1, 4), fixtures::uniform(rng, 1, 4)};
        p.dilation = {fixtures::uniform(rng, 1, 3), fixtures::uniform(rng, 1, 3)};
        p.padding = {fixtures::uniform(rng, 0, 3), fixtures::uniform(rng, 0, 3)};
        const Shape4 x_shape{fixtures::uniform(rng, 1, 2), cin, fixtures::uniform(rng, 1, 10),
                             fixtures::uniform(rng, 1, 10)};
        const Shape4 w_shape{cout, cin / p.groups, fixtures::uniform(rng, 1, 4), fixtures::uniform(rng, 1, 4)};
        if (conv2d_validation_error(x_shape, w_shape, p)) continue;
        ++checked;
        const Tensor w = fixtures::random_tensor(rng, w_shape, false);
        const Tensor g = fixtures::random_tensor(rng, conv2d_output_shape(x_shape, w_shape, p), false);
        const ConvTransposeParams t = transposed_params_for(x_shape, w_shape, p);
        INFO("x " << fixtures::text(x_shape) << " w " << fixtures::text(w_shape) << " " << fixtures::text(t));
        const Tensor grad = conv2d_input_grad(x_shape, w, g, p);
        for (Method method : {Method::matrix, Method::scatter, Method::padded_direct, Method::fast})
            CHECK(fixtures::mismatch(conv_transpose2d(g, w, t, method), grad) == "");
    }
}

TEST_CASE("Cᵀ and the gradient: Cᵀ·y is not x.grad; Cᵀ·g with g = ones is", "[conv2d][question]") {
    const json& question = fixtures::cases("conv2d_gradient.json")[0];
    REQUIRE(question["name"].get<std::string>().rfind("gradient_question", 0) == 0);
    const Tensor x = fixtures::tensor(question["x"]), w = fixtures::tensor(question["w"]);
    // The question's tensors: x = 1..16 as 4x4, a 3x3 kernel, y = conv2d(x, w) is 2x2, g = ones.
    REQUIRE(shape_of(x) == Shape4{1, 1, 4, 4});
    for (int i = 0; i < 16; ++i) REQUIRE(x.data()[i] == static_cast<float>(i + 1));
    const Tensor y = conv2d(x, w, {});
    REQUIRE(shape_of(y) == Shape4{1, 1, 2, 2});
    const Tensor ones = fixtures::tensor(question["g"]);
    for (float v : ones) REQUIRE(v == 1.0f);

    const Tensor ct_y = conv_transpose2d(y, w, {});
    CHECK(fixtures::mismatch(ct_y, question["Ct_times_y"]) == "");
    CHECK(fixtures::mismatch(ct_y, question["x_grad"]) != "");                           // the asker's computation
    CHECK(fixtures::mismatch(conv_transpose2d(ones, w, {}), question["x_grad"]) == "");  // the answer
    // x.grad does not depend on x at all (conv2d is linear in x), while Cᵀ·y scales with it.
    const Tensor grad = conv2d_input_grad(shape_of(x), w, ones, {});
    CHECK(grad(0, 0, 0, 0) == Approx(w(0, 0, 0, 0)));
    CHECK(grad(0, 0, 1, 1) == Approx(w(0, 0, 0, 0) + w(0, 0, 0, 1) + w(0, 0, 1, 0) + w(0, 0, 1, 1)));
}

TEST_CASE("C·a computed from the matrix entries is conv2d(a, w)", "[conv2d][matrix]") {
    // The forward convolution whose matrix is C: it maps the transposed conv's output back to its input. conv2d's
    // weight layout [Cout, Cin/groups, kH, kW] read with the transposed conv's channels swapped is exactly w.
    std::mt19937 rng(77);
    int checked = 0;
    while (checked < 100) {
        const fixtures::Config c = fixtures::random_config(rng);
        // With output_padding ≥ stride (allowed when dilation > stride) conv2d would see one more row than C has.
        if (c.params.output_padding.h >= c.params.stride.h || c.params.output_padding.w >= c.params.stride.w) continue;
        ++checked;
        Shape4 in = shape_of(c.x);
        in[0] = 1;
        const Shape4 out = output_shape(in, shape_of(c.w), c.params);
        const Tensor a = fixtures::random_tensor(rng, out, false);
        Tensor c_a = zeros(in);
        for (const MatrixEntry& e : forward_matrix_entries(in, shape_of(c.w), c.params))
            c_a.data()[e.row] += c.w.data()[e.weight_index] * a.data()[e.col];
        Conv2dParams p;
        p.stride = c.params.stride;
        p.padding = c.params.padding;
        p.dilation = c.params.dilation;
        p.groups = c.params.groups;
        INFO(c.describe());
        CHECK(fixtures::mismatch(conv2d(a, c.w, p), c_a) == "");
    }
}

TEST_CASE("conv2d rejects bad configurations with a named parameter", "[conv2d][invalid]") {
    const Tensor x = zeros({1, 2, 4, 4}), w = zeros({3, 2, 3, 3});
    Conv2dParams p;
    CHECK_NOTHROW(conv2d(x, w, p));
    auto parameter_of = [&](const Tensor& xs, const Tensor& ws, const Conv2dParams& ps) -> std::string {
        try {
            conv2d(xs, ws, ps);
        } catch (const Error& e) {
            return e.detail().parameter;
        }
        return "accepted";
    };
    Conv2dParams bad = p;
    bad.stride = {0, 1};
    CHECK(parameter_of(x, w, bad) == "stride");
    bad = p;
    bad.dilation = {1, 0};
    CHECK(parameter_of(x, w, bad) == "dilation");
    bad = p;
    bad.padding = {-1, 0};
    CHECK(parameter_of(x, w, bad) == "padding");
    bad = p;
    bad.groups = 0;
    CHECK(parameter_of(x, w, bad) == "groups");
    bad.groups = 2;  // divides Cin 2 but not Cout 3
    CHECK(parameter_of(x, w, bad) == "groups");
    CHECK(parameter_of(x, zeros({3, 1, 3, 3}), p) == "weight");  // Cin/groups is 2
    CHECK(parameter_of(x, zeros({3, 2, 5, 3}), p) == "weight");  // kernel taller than the input
    CHECK(parameter_of(zeros({1, 2, 4, 4}), zeros({3, 2, 3, 3}), [] {
              Conv2dParams d;
              d.dilation = {2, 1};  // dilated kernel height 5 > 4
              return d;
          }()) == "weight");
    // Upstream gradient of the wrong shape.
    try {
        conv2d_input_grad({1, 2, 4, 4}, w, zeros({1, 3, 3, 2}), p);
        FAIL("accepted a gradient of the wrong shape");
    } catch (const Error& e) {
        CHECK(e.detail().parameter == "input");
        CHECK_THAT(std::string(e.what()), Catch::Contains("[1, 3, 3, 2]") && Catch::Contains("[1, 3, 2, 2]"));
    }
    // Hostile sizes are refused before anything is allocated.
    const Tensor wide = zeros({1, 4096, 1, 1}), g = zeros({1, 1, 1, 1});
    fixtures::reset_largest_allocation();
    try {
        conv2d_input_grad({4096, 4096, 4096, 4096}, wide, g, p);
        FAIL("accepted 4096^4");
    } catch (const Error& e) {
        CHECK(e.detail().parameter == "limits");
        CHECK_THAT(std::string(e.what()), Catch::Contains("4194304"));
    }
    CHECK(fixtures::largest_allocation() < 4096);
}
