// padded_direct.hpp: zero insertion, padding (and cropping), the rotated kernel, and the stride-1 cross-correlation,
// against PyTorch and against conv2d applied to the method's own intermediates.
#include "fixtures.hpp"

using namespace tconv;
using fixtures::json;

TEST_CASE("padded direct method matches PyTorch on every fixture case", "[padded_direct][fixtures]") {
    for (const json& c : fixtures::cases("conv_transpose2d.json")) {
        INFO(c["name"].get<std::string>());
        const Tensor y = conv_transpose2d_padded_direct(fixtures::tensor(c["input"]), fixtures::tensor(c["weight"]),
                                                        fixtures::transposed_params(c));
        CHECK(fixtures::mismatch(y, c["output"]) == "");
    }
}

TEST_CASE("conv2d of the padded input with the rotated kernel is the output, on every fixture case",
          "[padded_direct][fixtures]") {
    // The page shows the padded input and the rotated kernel; an ordinary conv2d (stride 1, no padding, the same
    // dilation and groups) of exactly those must give PyTorch's result.
    for (const json& c : fixtures::cases("conv_transpose2d.json")) {
        INFO(c["name"].get<std::string>());
        const Tensor x = fixtures::tensor(c["input"]), w = fixtures::tensor(c["weight"]);
        const ConvTransposeParams p = fixtures::transposed_params(c);
        const Tensor padded = dilated_padded_input(x, shape_of(w), p);
        CHECK(shape_of(padded) == dilated_padded_shape(shape_of(x), shape_of(w), p));
        const Tensor rotated = rotated_kernel(w, p.groups);
        Conv2dParams forward;
        forward.dilation = p.dilation;
        forward.groups = p.groups;
        CHECK(fixtures::mismatch(conv2d(padded, rotated, forward), c["output"]) == "");
    }
}

TEST_CASE("axis sources: input rows, inserted zeros and padding", "[padded_direct][sources]") {
    // Input 3, stride 2, kernel 3, padding 0: 2 padding rows, then 0 z 1 z 2, then 2 padding rows.
    CHECK(direct_axis_sources(3, 2, 2, 9) == std::vector<std::int32_t>{-2, -2, 0, -1, 1, -1, 2, -2, -2});
    CHECK(inserted_zero == -1);
    CHECK(padding_zero == -2);
    // output_padding 1 adds one more padding row at the end only.
    CHECK(direct_axis_sources(3, 2, 2, 10) == std::vector<std::int32_t>{-2, -2, 0, -1, 1, -1, 2, -2, -2, -2});
    // Stride 1 inserts nothing.
    CHECK(direct_axis_sources(3, 1, 1, 5) == std::vector<std::int32_t>{-2, 0, 1, 2, -2});
}

TEST_CASE("negative direct padding crops the zero-inserted input", "[padded_direct][sources]") {
    // Kernel 1, padding 1 on a 4-row input: d*(k-1) - p = -1, so the first and the last input rows are cropped.
    ConvTransposeParams p;
    p.padding = {1, 0};
    const DirectPadding pad = direct_padding({1, 1, 1, 1}, p);
    CHECK(pad.top == -1);
    CHECK(pad.bottom == -1);
    CHECK(pad.left == 0);
    CHECK(pad.right == 0);
    const Shape4 padded_shape = dilated_padded_shape({1, 1, 4, 2}, {1, 1, 1, 1}, p);
    CHECK(padded_shape == Shape4{1, 1, 2, 2});
    CHECK(direct_axis_sources(4, 1, pad.top, padded_shape[2]) == std::vector<std::int32_t>{1, 2});
    // Stride 2, kernel 2, padding 2: top = 1 - 2 = -1; the crop starts on an inserted zero.
    CHECK(direct_axis_sources(3, 2, -1, 3) == std::vector<std::int32_t>{-1, 1, -1});

    Tensor x = zeros({1, 1, 4, 2});
    for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(i + 1);  // rows {1,2} {3,4} {5,6} {7,8}
    const Tensor padded = dilated_padded_input(x, {1, 1, 1, 1}, p);
    REQUIRE(shape_of(padded) == Shape4{1, 1, 2, 2});
    CHECK(padded(0, 0, 0, 0) == 3.0f);
    CHECK(padded(0, 0, 0, 1) == 4.0f);
    CHECK(padded(0, 0, 1, 0) == 5.0f);
    CHECK(padded(0, 0, 1, 1) == 6.0f);
}

TEST_CASE("direct padding is d*(k-1) - p before and adds output_padding after", "[padded_direct]") {
    ConvTransposeParams p;
    p.stride = {2, 2};
    p.padding = {1, 1};
    DirectPadding pad = direct_padding({1, 1, 4, 4}, p);  // the corner question: 1*(4-1) - 1 = 2
    CHECK(pad.top == 2);
    CHECK(pad.bottom == 2);
    CHECK(pad.left == 2);
    CHECK(pad.right == 2);
    p.output_padding = {1, 0};
    p.dilation = {1, 3};
    pad = direct_padding({1, 1, 4, 2}, p);
    CHECK(pad.top == 2);
    CHECK(pad.bottom == 3);
    CHECK(pad.left == 3 * 1 - 1);
    CHECK(pad.right == 2);
}

TEST_CASE("the corner question: the padded input is 4x4 ones spread out with a border of 2",
          "[padded_direct][question]") {
    ConvTransposeParams p;
    p.stride = {2, 2};
    p.padding = {1, 1};
    Tensor x = zeros({1, 1, 4, 4});
    x.fill(1.0f);
    const Tensor padded = dilated_padded_input(x, {1, 1, 4, 4}, p);
    REQUIRE(shape_of(padded) == Shape4{1, 1, 11, 11});  // H_out 8 + (4 - 1)
    for (int u = 0; u < 11; ++u)
        for (int v = 0; v < 11; ++v) {
            const bool holds_input = u >= 2 && u <= 8 && u % 2 == 0 && v >= 2 && v <= 8 && v % 2 == 0;
            CHECK(padded(0, 0, u, v) == (holds_input ? 1.0f : 0.0f));
        }
}

TEST_CASE("Cᵀ and the gradient: direct conv needs the rotated kernel (section 4.3)", "[padded_direct][question]") {
    const json& seed = fixtures::cases("conv2d_gradient.json")[0];
    const Tensor y = fixtures::tensor(seed["y"]), w = fixtures::tensor(seed["w"]);
    // The 2x2 y padded by a border of 2 zeros, as in the guide the asker quotes.
    const Tensor padded = dilated_padded_input(y, shape_of(w), {});
    REQUIRE(shape_of(padded) == Shape4{1, 1, 6, 6});
    for (int u = 0; u < 6; ++u)
        for (int v = 0; v < 6; ++v)
            CHECK(padded(0, 0, u, v) == ((u == 2 || u == 3) && (v == 2 || v == 3) ? y(0, 0, u - 2, v - 2) : 0.0f));
    Conv2dParams pad2;
    pad2.padding = {2, 2};
    // What the asker tried, F.conv2d(y1, w1, padding=2), with the kernel as is: not the transposed convolution.
    const Tensor unrotated = conv2d(y, w, pad2);
    CHECK(fixtures::mismatch(unrotated, seed["conv2d_y_padding2_unrotated"]) == "");
    CHECK(fixtures::mismatch(unrotated, seed["Ct_times_y"]) != "");
    // With the kernel rotated 180°: equal.
    const Tensor rotated = conv2d(y, rotated_kernel(w, 1), pad2);
    CHECK(fixtures::mismatch(rotated, seed["conv2d_y_padding2_rotated"]) == "");
    CHECK(fixtures::mismatch(conv_transpose2d_padded_direct(y, w, {}), seed["Ct_times_y"]) == "");
}

TEST_CASE("the rotated kernel turns 180° and swaps channel axes within each group", "[padded_direct][rotated]") {
    Tensor w = zeros({1, 1, 3, 3});
    for (int i = 0; i < 9; ++i) w.data()[i] = static_cast<float>(i + 1);
    const Tensor r = rotated_kernel(w, 1);
    for (int i = 0; i < 9; ++i) CHECK(r.data()[i] == static_cast<float>(9 - i));

    // Cin 4, Cout/groups 3, groups 2 → rotated [Cout 6, Cin/groups 2, 2, 3]; value encodes (ci, co_local, kh, kw).
    Tensor grouped = zeros({4, 3, 2, 3});
    for (int ci = 0; ci < 4; ++ci)
        for (int co = 0; co < 3; ++co)
            for (int a = 0; a < 2; ++a)
                for (int b = 0; b < 3; ++b)
                    grouped(ci, co, a, b) = static_cast<float>(1000 * ci + 100 * co + 10 * a + b);
    const Tensor rg = rotated_kernel(grouped, 2);
    REQUIRE(shape_of(rg) == Shape4{6, 2, 2, 3});
    // output channel 4 is group 1, local output channel 1; its input channels are 2 and 3.
    CHECK(rg(4, 0, 0, 0) == 2000 + 100 + 10 * 1 + 2);
    CHECK(rg(4, 1, 1, 2) == 3000 + 100 + 0 + 0);
    CHECK(rg(0, 1, 0, 1) == 1000 + 0 + 10 + 1);
}

TEST_CASE("the padded direct method rejects every invalid fixture, and so does its padded input",
          "[padded_direct][invalid]") {
    for (const json& c : fixtures::cases("invalid.json")) {
        INFO(c["name"].get<std::string>());
        const Tensor x = fixtures::zeros_of(c["input_shape"]), w = fixtures::zeros_of(c["weight_shape"]);
        const ConvTransposeParams p = fixtures::transposed_params(c);
        try {
            conv_transpose2d_padded_direct(x, w, p);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.detail().parameter == c["parameter"].get<std::string>());
        }
        CHECK_THROWS_AS(dilated_padded_input(x, shape_of(w), p), Error);
    }
}
