// subpixel.hpp: the phases of the fast method's decomposition, interleaved back into the output, and the tap counts
// behind a checkerboard.
#include "fixtures.hpp"

using namespace tconv;
using fixtures::json;

TEST_CASE("interleaving the phases gives the output of every fixture case exactly", "[subpixel][fixtures]") {
    for (const json& c : fixtures::cases("conv_transpose_nd.json")) {
        INFO(c["name"].get<std::string>());
        const int rank = c["rank"].get<int>();
        const Array x = fixtures::array(c["input"]), w = fixtures::array(c["weight"]);
        const bool biased = c.contains("bias");
        const Array b = biased ? fixtures::array(c["bias"]) : Array();
        const Geometry g = resolve_or_throw(shape_of(x), static_cast<std::int64_t>(x.size()), shape_of(w),
                                            static_cast<std::int64_t>(w.size()), fixtures::options(c["options"], rank),
                                            biased ? static_cast<std::int64_t>(b.size()) : -1);
        const auto phases = subpixel(g, x.data(), w.data(), biased ? b.data() : nullptr);
        const Shape5 out = g.output5();
        std::vector<float> y(static_cast<std::size_t>(volume(out)), std::nanf(""));
        std::int64_t written = 0;
        for (const SubpixelPhase& p : phases) {
            const Shape5 ps = p.output_shape;
            std::size_t i = 0;
            for (std::int64_t n = 0; n < ps[0]; ++n)
                for (std::int64_t co = 0; co < ps[1]; ++co)
                    for (std::int64_t t0 = 0; t0 < ps[2]; ++t0)
                        for (std::int64_t t1 = 0; t1 < ps[3]; ++t1)
                            for (std::int64_t t2 = 0; t2 < ps[4]; ++t2, ++written) {
                                const std::int64_t o0 = p.axes[0].first_output + t0 * g.axes[0].stride;
                                const std::int64_t o1 = p.axes[1].first_output + t1 * g.axes[1].stride;
                                const std::int64_t o2 = p.axes[2].first_output + t2 * g.axes[2].stride;
                                y[static_cast<std::size_t>((((n * out[1] + co) * out[2] + o0) * out[3] + o1) * out[4] +
                                                           o2)] = p.output[i++];
                            }
        }
        CHECK(written == volume(out));  // the phases partition the output
        const json& expected = c["output"]["data"];
        for (std::size_t e = 0; e < y.size(); ++e) CHECK(fixtures::close(y[e], expected[e].get<double>()));
    }
}

TEST_CASE("kernel 3, stride 2: phases get 2 and 1 taps per axis, the checkerboard's 4, 2, 2, 1", "[subpixel]") {
    const Geometry g = resolve_or_throw({1, 1, 4, 4}, 16, {1, 1, 3, 3}, 9, [] {
        ConvTransposeOptions o;
        o.stride = {1, 2, 2};
        return o;
    }());
    std::vector<float> x(16, 1.0f), w(9, 1.0f);
    const auto phases = subpixel(g, x.data(), w.data(), nullptr);
    REQUIRE(phases.size() == 4);
    std::vector<std::size_t> taps;
    for (const auto& p : phases) taps.push_back(p.axes[1].taps.size() * p.axes[2].taps.size());
    CHECK(taps == std::vector<std::size_t>{4, 2, 2, 1});
    CHECK(phases[0].axes[1].taps == std::vector<std::int64_t>{0, 2});
    CHECK(phases[3].axes[2].taps == std::vector<std::int64_t>{1});
    // Inside, the 4-tap phase sums 4 ones: the bright cells of the checkerboard.
    CHECK(phases[0].output[6] == 4.0f);  // output (2, 2)
    CHECK(phases[3].output[5] == 1.0f);
}
