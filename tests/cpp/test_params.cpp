// params.hpp: output shape, every validation rule (against torch's own rejections in invalid.json) and every cap in
// Limits, including hostile values that would overflow naive size arithmetic.
#include "fixtures.hpp"

#include <climits>

using namespace tconv;
using fixtures::json;

namespace {

std::optional<ValidationError> check(const Shape4& in, const Shape4& k, const ConvTransposeParams& p) {
    return validation_error(in, element_count(in), k, element_count(k), p);
}

ConvTransposeParams invalid_params(const json& c) {
    return fixtures::transposed_params(c);
}

// The value the message must quote for an invalid fixture: the offending number on the offending axis.
std::int64_t offending_value(const json& c) {
    const std::string parameter = c["parameter"];
    const int axis = c["axis"] == "width" ? 1 : 0;
    if (parameter == "weight") return c["weight_shape"][0];
    if (parameter == "groups") return c["groups"];
    return c[parameter][axis];
}

}  // namespace

TEST_CASE("output size follows PyTorch's formula", "[params]") {
    CHECK(transposed_output_size(4, 4, 2, 1, 0, 1) == 8);  // the corner question
    CHECK(transposed_output_size(2, 3, 2, 0, 1, 1) == 6);  // the output_padding question
    CHECK(transposed_output_size(2, 3, 2, 1, 0, 1) == 3);  // 003's ambiguity: 3 or 4
    CHECK(transposed_output_size(2, 3, 2, 1, 1, 1) == 4);
    CHECK(transposed_output_size(1, 1, 7, 0, 0, 1) == 1);
    CHECK(transposed_output_size(3, 3, 1, 10, 0, 1) == -15);  // invalid: reported, not clamped
    ConvTransposeParams p;
    p.stride = {2, 3};
    p.padding = {1, 0};
    p.output_padding = {1, 2};
    p.dilation = {2, 1};
    p.groups = 2;
    // H: (5-1)*2 - 2 + 2*(3-1) + 1 + 1 = 12; W: (4-1)*3 - 0 + 1*(2-1) + 2 + 1 = 13
    CHECK(output_shape({3, 4, 5, 4}, {4, 3, 3, 2}, p) == Shape4{3, 6, 12, 13});
}

TEST_CASE("every fixture configuration is valid and has torch's output shape", "[params][fixtures]") {
    for (const json& c : fixtures::cases("conv_transpose2d.json")) {
        INFO(c["name"].get<std::string>());
        const Shape4 in = fixtures::shape(c["input"]["shape"]), k = fixtures::shape(c["weight"]["shape"]);
        const ConvTransposeParams p = fixtures::transposed_params(c);
        const auto error = check(in, k, p);
        CHECK_FALSE(error.has_value());
        if (error) FAIL_CHECK(error->message);
        CHECK(output_shape(in, k, p) == fixtures::shape(c["output"]["shape"]));
    }
}

TEST_CASE("every configuration torch rejects is rejected, naming the parameter, axis and value", "[params][invalid]") {
    const json& cases = fixtures::cases("invalid.json");
    REQUIRE(cases.size() >= 30);
    for (const json& c : cases) {
        INFO(c["name"].get<std::string>() << " (torch: " << c["torch_error"].get<std::string>() << ")");
        const auto error =
            check(fixtures::shape(c["input_shape"]), fixtures::shape(c["weight_shape"]), invalid_params(c));
        REQUIRE(error.has_value());
        INFO("message: " << error->message);
        CHECK(error->parameter == c["parameter"].get<std::string>());
        CHECK(error->axis == c["axis"].get<std::string>());
        CHECK_THAT(error->message, Catch::Contains(c["parameter"].get<std::string>()));
        CHECK_THAT(error->message, Catch::Contains(std::to_string(offending_value(c))));
        if (!c["axis"].get<std::string>().empty())
            CHECK_THAT(error->message, Catch::Contains(c["axis"].get<std::string>()));
    }
}

TEST_CASE("validate() throws tconv::Error carrying the same detail", "[params][invalid]") {
    for (const json& c : fixtures::cases("invalid.json")) {
        INFO(c["name"].get<std::string>());
        const Tensor x = fixtures::zeros_of(c["input_shape"]), w = fixtures::zeros_of(c["weight_shape"]);
        try {
            validate(x, w, invalid_params(c));
            FAIL("validate accepted an invalid configuration");
        } catch (const Error& e) {
            CHECK(e.detail().parameter == c["parameter"].get<std::string>());
            CHECK(std::string(e.what()) == e.detail().message);
        }
    }
}

TEST_CASE("the output_padding rule quotes stride and dilation as in the issue", "[params][invalid]") {
    ConvTransposeParams p;
    p.stride = {2, 2};
    p.output_padding = {2, 0};
    const auto error = check({1, 1, 3, 3}, {1, 1, 3, 3}, p);
    REQUIRE(error);
    CHECK(error->message == "output_padding (height) is 2 but must be smaller than stride 2 or dilation 1");
    // output_padding may reach dilation - 1 when dilation is the larger of the two (PyTorch accepts it).
    p.stride = {1, 1};
    p.dilation = {3, 1};
    p.output_padding = {2, 0};
    CHECK_FALSE(check({1, 1, 3, 3}, {1, 1, 3, 3}, p));
}

TEST_CASE("padding larger than dilation*(k-1) is valid while the output stays non-empty", "[params]") {
    ConvTransposeParams p;
    p.padding = {3, 2};  // kernel reach is 2 on both axes
    const Shape4 in{1, 1, 5, 4}, k{1, 1, 3, 3};
    CHECK_FALSE(check(in, k, p));
    CHECK(output_shape(in, k, p) == Shape4{1, 1, 1, 2});
    p.padding = {4, 2};  // H_out = 4 - 8 + 2 + 1 = -1
    const auto error = check(in, k, p);
    REQUIRE(error);
    CHECK(error->parameter == "padding");
    CHECK(error->axis == "height");
    CHECK_THAT(error->message, Catch::Contains("= -1") && Catch::Contains("padding (height) 4"));
}

TEST_CASE("data lengths must equal the product of the shape", "[params][input]") {
    const Shape4 in{1, 2, 4, 4}, k{2, 3, 3, 3};
    ConvTransposeParams p;
    auto error = validation_error(in, 31, k, 54, p);
    REQUIRE(error);
    CHECK(error->parameter == "input");
    CHECK(error->message == "input data has 31 values but shape [1, 2, 4, 4] needs 32");
    error = validation_error(in, 32, k, 55, p);
    REQUIRE(error);
    CHECK(error->parameter == "weight");
    CHECK(error->message == "weight data has 55 values but shape [2, 3, 3, 3] needs 54");
    CHECK_FALSE(validation_error(in, 32, k, 54, p));
    CHECK(validation_error(in, 0, k, 54, p)->parameter == "input");
}

TEST_CASE("every size must be at least 1, the batch at least 0", "[params][input]") {
    ConvTransposeParams p;
    CHECK_FALSE(check({0, 1, 3, 3}, {1, 1, 2, 2}, p));  // an empty batch, as PyTorch accepts
    CHECK(check({-1, 1, 3, 3}, {1, 1, 2, 2}, p)->message == "input batch size (N) is -1 but must be at least 0");
    for (int i = 1; i < 4; ++i) {
        Shape4 in{1, 1, 3, 3}, k{1, 1, 2, 2};
        in[i] = 0;
        if (i == 1) k[0] = 0;  // keep the weight consistent so the input rule is the first one broken
        auto error = check(in, k, p);
        REQUIRE(error);
        CHECK(error->parameter == "input");
        CHECK_THAT(error->message, Catch::Contains("is 0 but must be at least 1"));
        in = {1, 1, 3, 3};
        k = {1, 1, 2, 2};
        k[i] = -1;
        error = check(in, k, p);
        REQUIRE(error);
        CHECK(error->parameter == "weight");
        CHECK_THAT(error->message, Catch::Contains("is -1 but must be at least 1"));
    }
}

TEST_CASE("max_extent caps every size and parameter, including INT64_MAX", "[params][limits]") {
    const Shape4 in{1, 1, 3, 3}, k{1, 1, 2, 2};
    const std::int64_t hostile[] = {Limits::max_extent + 1, INT64_MAX};
    for (std::int64_t value : hostile) {
        const std::string text = std::to_string(value);
        INFO("value " << text);
        for (int i = 0; i < 4; ++i) {
            Shape4 bad_in = in, bad_k = k;
            bad_in[i] = value;
            if (i == 1) bad_k[0] = value;
            auto error = check(bad_in, bad_k, {});
            REQUIRE(error);
            CHECK(error->parameter == "input");
            CHECK_THAT(error->message, Catch::Contains(text) && Catch::Contains("limit is 4096"));
            bad_in = in;
            bad_k = k;
            bad_k[i] = value;
            error = check(bad_in, bad_k, {});
            REQUIRE(error);
            CHECK(error->parameter == "weight");
            CHECK_THAT(error->message, Catch::Contains(text));
        }
        struct Field {
            const char* name;
            Pair ConvTransposeParams::*member;
        } fields[] = {{"stride", &ConvTransposeParams::stride},
                      {"padding", &ConvTransposeParams::padding},
                      {"output_padding", &ConvTransposeParams::output_padding},
                      {"dilation", &ConvTransposeParams::dilation}};
        for (const auto& field : fields)
            for (int axis = 0; axis < 2; ++axis) {
                ConvTransposeParams p;
                (axis == 0 ? (p.*field.member).h : (p.*field.member).w) = value;
                auto error = check(in, k, p);
                REQUIRE(error);
                CHECK(error->parameter == field.name);
                CHECK(error->axis == (axis == 0 ? "height" : "width"));
                CHECK_THAT(error->message, Catch::Contains(text));
            }
        ConvTransposeParams p;
        p.groups = value;
        auto error = check(in, k, p);
        REQUIRE(error);
        CHECK(error->parameter == "groups");
        CHECK_THAT(error->message, Catch::Contains(text));
    }
    // The most negative values are refused by the "at least" rules, not wrapped around.
    ConvTransposeParams p;
    p.padding = {INT64_MIN, 0};
    CHECK(check(in, k, p)->parameter == "padding");
    p = {};
    p.stride = {1, INT64_MIN};
    CHECK(check(in, k, p)->axis == "width");
    p = {};
    p.groups = INT64_MIN;
    CHECK(check(in, k, p)->parameter == "groups");
    // Output channels are groups x weight.shape[1], each within max_extent but their product is not.
    p = {};
    p.groups = 64;
    auto error = check({1, 64, 1, 1}, {64, 65, 1, 1}, p);
    REQUIRE(error);
    CHECK(error->parameter == "groups");
    CHECK_THAT(error->message, Catch::Contains("4096"));
}

TEST_CASE("max_elements caps each tensor the engine would allocate", "[params][limits]") {
    const std::string cap = std::to_string(Limits::max_elements);
    struct Case {
        const char* what;
        Shape4 input;
        Shape4 weight;
        ConvTransposeParams params;
    };
    ConvTransposeParams cropped;  // kernel 2, padding 1: the canvas is 2 larger than the output on each axis
    cropped.padding = {1, 1};
    ConvTransposeParams dilated;  // 1x1 input, kernel 2 dilated 2047: output 2048², padded input 4095²
    dilated.dilation = {2047, 2047};
    const Case cases[] = {
        {"input would have 4198400", {1, 1, 4096, 1025}, {1, 1, 1, 1}, {}},
        {"weight would have 4198400", {1, 1, 1, 1}, {1, 1, 4096, 1025}, {}},
        {"output would have 4198401", {1, 1, 2048, 2048}, {1, 1, 2, 2}, {}},
        {"uncropped scatter canvas would have 4198401", {1, 1, 2048, 2048}, {1, 1, 2, 2}, cropped},
        {"zero-inserted padded input would have 16769025", {1, 1, 1, 1}, {1, 1, 2, 2}, dilated},
        {"input would have 281474976710656", {4096, 4096, 4096, 4096}, {4096, 4096, 4096, 4096}, {}},
    };
    for (const Case& c : cases) {
        INFO(c.what);
        fixtures::reset_largest_allocation();
        std::optional<ValidationError> error;
        error = check(c.input, c.weight, c.params);
        REQUIRE(error);
        CHECK(error->parameter == "limits");
        CHECK_THAT(error->message, Catch::StartsWith(c.what) && Catch::EndsWith("the engine's limit is " + cap));
        CHECK(fixtures::largest_allocation() < 4096);
    }
    // Exactly at the cap is allowed: 2048 x 2048 = 4,194,304 input elements.
    CHECK_FALSE(check({1, 1, 2048, 2048}, {1, 1, 1, 1}, {}));
}

TEST_CASE("4096 everywhere is refused quickly and without allocating", "[params][limits]") {
    ConvTransposeParams p;
    p.stride = p.padding = p.dilation = {4096, 4096};
    p.output_padding = {4095, 4095};
    p.groups = 4096;
    fixtures::reset_largest_allocation();
    std::optional<ValidationError> error;
    error = check({4096, 4096, 4096, 4096}, {4096, 1, 4096, 4096}, p);
    REQUIRE(error);
    CHECK(error->parameter == "limits");
    CHECK(fixtures::largest_allocation() < 4096);
}

TEST_CASE("max_multiply_adds caps the work", "[params][limits]") {
    // 64 channels in and out, 64x64 input, 8x8 kernel: every tensor is small, but the direct method would do
    // 64 * 71 * 71 * 64 * 8 * 8 = 1,321,467,904 multiply-adds.
    const Shape4 in{1, 64, 64, 64}, k{64, 64, 8, 8};
    REQUIRE(direct_multiply_adds(in, k, {}) == 1321467904);
    const auto error = check(in, k, {});
    REQUIRE(error);
    CHECK(error->parameter == "limits");
    CHECK(error->message == "the computation would take 1321467904 multiply-adds but the engine's limit is " +
                                std::to_string(Limits::max_multiply_adds));
    // Saturating arithmetic: the count of a hostile configuration does not wrap to a small or negative number.
    CHECK(saturating_product({INT64_MAX, 2}) == INT64_MAX);
    CHECK(saturating_product({4096, 4096, 4096, 4096, 4096, 4096}) == INT64_MAX);
    CHECK(saturating_product({3, 0, INT64_MAX}) == 0);
    CHECK(element_count({4096, 4096, 4096, 4096}) == std::int64_t{1} << 48);
}

TEST_CASE("every accepted configuration is cheap for every method, not only padded direct", "[params][limits]") {
    // The scatter stamps every input value with the whole kernel before cropping, so its cost is
    // N*Cin*H*W*(Cout/groups)*kH*kW whatever the padding; the matrix method walks the same taps. Padding that crops
    // almost everything keeps the direct method cheap (a 1x1 output) while those two would do 512^4 ~ 6.9e10
    // multiply-adds, which freezes a page. The cap must cover the costliest method.
    ConvTransposeParams p;
    p.padding = {511, 511};
    const Shape4 in{1, 1, 512, 512}, k{1, 1, 512, 512};
    REQUIRE(output_shape(in, k, p) == Shape4{1, 1, 1, 1});
    const std::int64_t scatter_work = saturating_product({in[0], in[1], in[2], in[3], k[1], k[2], k[3]});
    REQUIRE(scatter_work > Limits::max_multiply_adds);
    const auto error = check(in, k, p);
    CHECK(error.has_value());
    if (error) CHECK(error->parameter == "limits");
}
