// params.hpp's resolution of every framework's vocabulary and tconv.hpp's rank-generic API: conv_transpose1d and
// 3d, bias, per-side and 'same' padding, output_size and empty batches (tests/fixtures/conv_transpose_nd.json),
// through every method.
#include "fixtures.hpp"

using namespace tconv;
using fixtures::json;

namespace {
const Method all_methods[] = {Method::matrix, Method::scatter, Method::padded_direct, Method::fast};
}

TEST_CASE("every rank and padding form matches PyTorch and ONNX's published vectors, by every method",
          "[vocabulary][fixtures]") {
    const json& cases = fixtures::cases("conv_transpose_nd.json");
    REQUIRE(cases.size() >= 100);
    for (const json& c : cases) {
        INFO(c["name"].get<std::string>() << " (" << c["source"].get<std::string>() << ")");
        const int rank = c["rank"].get<int>();
        const Array x = fixtures::array(c["input"]), w = fixtures::array(c["weight"]);
        const ConvTransposeOptions o = fixtures::options(c["options"], rank);
        const bool biased = c.contains("bias");
        const Array b = biased ? fixtures::array(c["bias"]) : Array();
        for (Method m : all_methods) {
            INFO(method_name(m));
            CHECK(fixtures::mismatch(conv_transpose(x, w, o, m, biased ? &b : nullptr), c["output"]) == "");
        }
    }
}

TEST_CASE("resolve() arrives at the crops and output_padding each fixture records", "[vocabulary][params]") {
    for (const json& c : fixtures::cases("conv_transpose_nd.json")) {
        INFO(c["name"].get<std::string>());
        const int rank = c["rank"].get<int>();
        const Shape in = c["input"]["shape"].get<Shape>(), k = c["weight"]["shape"].get<Shape>();
        const Resolution r = resolve(in, volume(in), k, volume(k), fixtures::options(c["options"], rank));
        REQUIRE_FALSE(r.violation);
        CHECK(r.geometry.output_shape() == c["output"]["shape"].get<Shape>());
        for (int i = 0; i < rank; ++i) {
            const AxisGeometry& a = r.geometry.axes[3 - rank + i];
            CHECK(a.before == c["resolved"]["padding"][i][0].get<std::int64_t>());
            CHECK(a.after == c["resolved"]["padding"][i][1].get<std::int64_t>());
            CHECK(a.output_padding == c["resolved"]["output_padding"][i].get<std::int64_t>());
        }
    }
}

TEST_CASE("'same' follows ONNX SAME_UPPER, 'same_lower' puts the larger half first, a short kernel extends the end",
          "[vocabulary][params]") {
    ConvTransposeOptions o;
    o.stride = {1, 1, 2};
    o.padding_mode = PaddingMode::same;
    // in 4, k 3, s 2: full 9, total 1 → before 0, after 1, out 8 (the header's worked example).
    Resolution r = resolve({1, 1, 4}, 4, {1, 1, 3}, 3, o);
    REQUIRE_FALSE(r.violation);
    CHECK(r.geometry.axes[2].before == 0);
    CHECK(r.geometry.axes[2].after == 1);
    CHECK(r.geometry.output_shape() == Shape{1, 1, 8});
    o.padding_mode = PaddingMode::same_lower;
    r = resolve({1, 1, 4}, 4, {1, 1, 3}, 3, o);
    CHECK(r.geometry.axes[2].before == 1);
    CHECK(r.geometry.axes[2].after == 0);
    // in 2, k 1, s 3: full 4, total −2 → the output is extended at the end to 6 cells.
    o.stride = {1, 1, 3};
    o.padding_mode = PaddingMode::same;
    r = resolve({1, 1, 2}, 2, {1, 1, 1}, 1, o);
    CHECK(r.geometry.axes[2].before == 0);
    CHECK(r.geometry.axes[2].after == -2);
    CHECK(r.geometry.axes[2].canvas() == 6);
    CHECK(r.geometry.axes[2].direct_after() == 2);
    Array x = Array::from_shape({1, 1, 2}), w = Array::from_shape({1, 1, 1});
    x.data()[0] = 1.0f;
    x.data()[1] = 2.0f;
    w.data()[0] = 5.0f;
    const Array y = conv_transpose(x, w, o, Method::fast);
    CHECK(std::vector<float>(y.begin(), y.end()) == std::vector<float>{5, 0, 0, 10, 0, 0});
    // With output_size, "same" sets the pads (ONNX's output_shape rule): in 4, k 3, s 2 → 7 is total 2, 1 and 1.
    o.stride = {1, 1, 2};
    o.output_size = {7};
    r = resolve({1, 1, 4}, 4, {1, 1, 3}, 3, o);
    CHECK(r.geometry.axes[2].before == 1);
    CHECK(r.geometry.axes[2].after == 1);
}

TEST_CASE("output_size errors name the axis, the size and what is reachable; a disagreeing output_padding is refused",
          "[vocabulary][params][invalid]") {
    ConvTransposeOptions o;
    o.stride = {1, 2, 2};
    o.padding_before = o.padding_after = {0, 1, 1};
    o.output_size = {10, 8};
    Resolution r = resolve({1, 1, 4, 4}, 16, {1, 1, 4, 4}, 16, o);
    REQUIRE(r.violation);
    CHECK(r.violation->parameter() == "output_size");
    CHECK(r.violation->axis_text() == "height");
    CHECK(r.violation->message() ==
          "output_size (height) is 10, but with input 4, stride 2, padding 1 and kernel 4 only 8 or 9 are reachable");
    o.output_size = {9, 8};
    r = resolve({1, 1, 4, 4}, 16, {1, 1, 4, 4}, 16, o);
    REQUIRE_FALSE(r.violation);
    CHECK(r.geometry.axes[1].output_padding == 1);
    o.output_padding_given = true;  // output_padding 0 given and output_size needing 1: refuse to guess
    r = resolve({1, 1, 4, 4}, 16, {1, 1, 4, 4}, 16, o);
    REQUIRE(r.violation);
    CHECK(r.violation->message() ==
          "output_size (height) is 9, which needs output_padding 1, but output_padding (height) is 0; give only one of "
          "them, or make them agree");
    o.output_padding = {0, 1, 0};
    CHECK_FALSE(resolve({1, 1, 4, 4}, 16, {1, 1, 4, 4}, 16, o).violation);
    o.output_size = {2, 1, 9, 8};
    CHECK(resolve({1, 1, 4, 4}, 16, {1, 1, 4, 4}, 16, o).violation->message() ==
          "output_size[0] is 2 but the output has 1 batch items");
    o.output_size = {9, 8, 1};
    CHECK(resolve({1, 1, 4, 4}, 16, {1, 1, 4, 4}, 16, o).violation->rule == Rule::output_size_length);
}

TEST_CASE("messages speak of the rank's own axes", "[vocabulary][params][invalid]") {
    ConvTransposeOptions o;
    o.stride = {1, 1, 2};
    o.output_padding = {0, 0, 2};
    Resolution r = resolve({1, 1, 4}, 4, {1, 1, 3}, 3, o);
    REQUIRE(r.violation);
    CHECK(r.violation->message() == "output_padding (length) is 2 but must be smaller than stride 2 or dilation 1");
    CHECK(r.violation->axis_text() == "length");
    o = {};
    o.padding_before = {0, 0, 3};
    o.padding_after = {0, 0, 4};
    r = resolve({1, 1, 2, 3, 4}, 24, {1, 1, 1, 1, 3}, 3, o);
    REQUIRE(r.violation);
    CHECK(r.violation->message() ==
          "output width is (4-1)*1 - 3 - 4 + 1*(3-1) + 0 + 1 = -1 but must be at least 1; padding (width) [3, 4] crops "
          "more than the whole result");
    CHECK(resolve({4}, 4, {1, 1, 3}, 3, {}).violation->message().find("[N, Cin, L]") != std::string::npos);
    CHECK(resolve({1, 1, 4}, 4, {1, 1}, 1, {}).violation->rule == Rule::weight_rank);
    CHECK(resolve({1, 1, 4}, 4, {1, 2, 3}, 6, {}, 3).violation->message() ==
          "bias has 3 values but must have one per output channel (Cout = 2)");
}

TEST_CASE("an empty batch is valid by every method and gives no data", "[vocabulary][params]") {
    ConvTransposeOptions o;
    o.stride = {2, 2, 2};
    for (Method m : all_methods) {
        const Array y =
            conv_transpose(Array::from_shape({0, 2, 2, 2, 2}), Array::from_shape({2, 3, 2, 2, 2}) * 0.0f, o, m);
        CHECK(std::vector<std::size_t>(y.shape().begin(), y.shape().end()) == std::vector<std::size_t>{0, 3, 4, 4, 4});
    }
}

TEST_CASE("validation of an accepted configuration writes no text", "[vocabulary][params]") {
    fixtures::reset_largest_allocation();
    ConvTransposeOptions o;
    o.stride = {1, 2, 2};
    const Shape in{1, 8, 32, 32}, k{8, 8, 4, 4};
    const Resolution r = resolve(in, volume(in), k, volume(k), o);
    CHECK_FALSE(r.violation);
    CHECK(fixtures::largest_allocation() < 64);  // the two shape vectors' copies at most, no message
}

TEST_CASE("the caps count the whole batch, and at least one item for an empty batch", "[vocabulary][params][limits]") {
    // 49 items of a layer whose one item is within the work cap: 49 × 26.6M multiply-adds is not.
    const Shape k{1, 1, 43, 62};
    CHECK_FALSE(resolve({1, 1, 119, 1}, 119, k, volume(k), {}).violation);
    const Resolution many = resolve({49, 1, 119, 1}, 49 * 119, k, volume(k), {});
    REQUIRE(many.violation);
    CHECK(many.violation->rule == Rule::limit_work);
    // An empty batch of an output of 8193 × 8193 per item is refused, not planned.
    ConvTransposeOptions o;
    o.stride = {1, 4096, 4096};
    o.dilation = {1, 4096, 4096};
    const Resolution empty = resolve({0, 1, 3, 3}, 0, {1, 1, 1, 1}, 1, o);
    REQUIRE(empty.violation);
    CHECK(empty.violation->message() == "output would have 67125249 elements but the engine's limit is 4194304");
}
