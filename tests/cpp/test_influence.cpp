// influence.hpp: the connections of one cell, against the nonzero pattern of C (the same dependency rule) and
// against PyTorch autograd's pattern (tests/fixtures/influence.json).
#include "fixtures.hpp"

#include <set>

using namespace tconv;
using fixtures::json;

namespace {

Shape5 canonical(const Geometry& g, const json& index, bool activation) {
    Shape5 c{0, 0, 0, 0, 0};
    std::size_t i = 0;
    if (!activation || g.batched) c[0] = index[i++].get<std::int64_t>();
    c[1] = index[i++].get<std::int64_t>();
    for (int a = g.first_axis(); a < 3; ++a) c[2 + a] = index[i++].get<std::int64_t>();
    return c;
}

std::set<Shape> as_set(const Geometry& g, const std::vector<Shape5>& list, bool activation) {
    std::set<Shape> s;
    for (const Shape5& i : list) s.insert(g.public_shape(i, activation));
    return s;
}

std::set<Shape> as_set(const json& list) {
    std::set<Shape> s;
    for (const json& i : list) s.insert(i.get<Shape>());
    return s;
}

}  // namespace

TEST_CASE("influence matches autograd's dependency pattern", "[influence][fixtures]") {
    for (const json& c : fixtures::cases("influence.json")) {
        const Shape in = c["input_shape"].get<Shape>(), k = c["weight_shape"].get<Shape>();
        const int rank = static_cast<int>(k.size()) - 2;
        const Geometry g = resolve_or_throw(in, volume(in), k, volume(k), fixtures::options(c["options"], rank));
        for (const json& q : c["queries"]) {
            INFO(c["name"].get<std::string>() << " " << q["tensor"].get<std::string>() << q["index"].dump());
            const std::string t = q["tensor"];
            const InfluenceTensor tensor = t == "x"   ? InfluenceTensor::x
                                           : t == "w" ? InfluenceTensor::w
                                                      : InfluenceTensor::y;
            const Shape5 index = canonical(g, q["index"], tensor != InfluenceTensor::w);
            REQUIRE_FALSE(influence_index_error(g, tensor, index));
            const Influence links = influence(g, tensor, index);
            if (tensor == InfluenceTensor::y) {
                CHECK(as_set(g, links.x, true) == as_set(q["x"]));
                CHECK(as_set(g, links.w, false) == as_set(q["w"]));
            } else {
                CHECK(as_set(g, links.y, true) == as_set(q["y"]));
            }
        }
    }
}

TEST_CASE("every connection is a nonzero of C, and a tap's connections are its diagonal of C", "[influence][matrix]") {
    std::mt19937 rng(5);
    for (int trial = 0; trial < 60; ++trial) {
        const fixtures::Config c = fixtures::random_config(rng, 5, 800);
        const Geometry g = validate(c.x, c.w, c.params);
        if (g.batch != 1) continue;
        std::set<std::array<std::int64_t, 3>> entries;
        for_each_matrix_entry(g, [&](std::int64_t row, std::int64_t col, std::int64_t tap) {
            entries.insert({row, col, tap});
        });
        const Shape5 in = g.input5(), out = g.output5(), k = g.weight5();
        std::size_t total = 0;
        for (std::int64_t tap = 0; tap < volume(k); ++tap) {
            const Shape5 index{tap / (k[1] * k[2] * k[3] * k[4]), tap / (k[2] * k[3] * k[4]) % k[1], 0,
                               tap / k[4] % k[3], tap % k[4]};
            const Influence links = influence(g, InfluenceTensor::w, index);
            total += links.x.size();
            for (std::size_t j = 0; j < links.x.size(); ++j) {
                const Shape5& x = links.x[j];
                const Shape5& y = links.y[j];
                const std::int64_t row = (x[1] * in[3] + x[3]) * in[4] + x[4];
                const std::int64_t col = (y[1] * out[3] + y[3]) * out[4] + y[4];
                CHECK(entries.count({row, col, tap}) == 1);
            }
        }
        CHECK(total == entries.size());  // nothing is missing either
    }
}

TEST_CASE("an index outside the tensor is refused, naming the axis", "[influence][invalid]") {
    const Geometry g = resolve_or_throw({1, 1, 4}, 4, {1, 1, 3}, 3, {});
    const auto e = influence_index_error(g, InfluenceTensor::y, {0, 0, 0, 0, 6});
    REQUIRE(e);
    CHECK(e->parameter == "index");
    CHECK(e->axis == "length");
    CHECK(e->message == "output length index is 6 but the output has 6 (valid: 0 to 5)");
}
