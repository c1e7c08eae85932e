// Which cells depend on which: for an output cell the inputs and taps that feed it, for an input cell every output
// it reaches and through which tap, for a kernel tap every (input, output) pair it connects (its diagonal in C).
// The same rule as the matrix C: input cell i of channel ci reaches output o of channel co through tap k when co is
// in ci's group and o = i·s − before + k·d on every axis.
#pragma once

#include "params.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tconv {

/// Which tensor an influence query starts from.
enum class InfluenceTensor : std::uint8_t { x, w, y };

/// The connections of one cell: connection j joins input x[j] and output y[j] through tap w[j] (canonical indices).
/// The queried tensor's list repeats the queried index.
struct Influence {
    std::vector<Shape5> x, w, y;
};

/// The canonical shape of the queried tensor.
inline Shape5 influence_shape(const Geometry& g, InfluenceTensor t) {
    return t == InfluenceTensor::x ? g.input5() : t == InfluenceTensor::w ? g.weight5() : g.output5();
}

/// Checks that a canonical index lies inside the queried tensor; the message names the tensor and the axis.
inline std::optional<ValidationError> influence_index_error(const Geometry& g, InfluenceTensor t, const Shape5& index) {
    const Shape5 s = influence_shape(g, t);
    const char* tensor = t == InfluenceTensor::x ? "input" : t == InfluenceTensor::w ? "weight" : "output";
    for (int i = 0; i < 5; ++i) {
        if (i >= 2 && i - 2 < g.first_axis()) continue;
        if (index[i] >= 0 && index[i] < s[i]) continue;
        const std::string where = i >= 2 ? std::string(" ") + axis_name(g.rank, i - 2) : "";
        const char* lead = t == InfluenceTensor::w ? (i == 0 ? " input channel" : " output channel per group")
                                                   : (i == 0 ? " batch" : " channel");
        return ValidationError{"index", i >= 2 ? axis_name(g.rank, i - 2) : "",
                               std::string(tensor) + (i >= 2 ? where : lead) + " index is " + std::to_string(index[i]) +
                                   " but the " + tensor + " has " + std::to_string(s[i]) + " (valid: 0 to " +
                                   std::to_string(s[i] - 1) + ")"};
    }
    return std::nullopt;
}

/// The connections of the cell `index` of tensor `t`. Precondition: g valid, index inside (influence_index_error).
inline Influence influence(const Geometry& g, InfluenceTensor t, const Shape5& index) {
    Influence result;
    const auto& A = g.axes;
    const std::int64_t opg = g.out_per_group, ipg = g.in_per_group();
    auto add = [&](const Shape5& x, const Shape5& w, const Shape5& y) {
        result.x.push_back(x);
        result.w.push_back(w);
        result.y.push_back(y);
    };
    // Per axis, the pairs (a, b) of the two free indices that satisfy o = i·s − before + k·d.
    std::vector<std::array<std::int64_t, 2>> pairs[3];
    if (t == InfluenceTensor::y) {
        const std::int64_t n = index[0], co = index[1], group = co / opg, col = co % opg;
        for (int a = 0; a < 3; ++a)
            for (std::int64_t k = 0; k < A[a].kernel; ++k) {
                const std::int64_t offset = index[2 + a] + A[a].before - k * A[a].dilation;
                if (offset >= 0 && offset % A[a].stride == 0 && offset / A[a].stride < A[a].in)
                    pairs[a].push_back({offset / A[a].stride, k});
            }
        for (std::int64_t ci = group * ipg; ci < (group + 1) * ipg; ++ci)
            for (const auto& p0 : pairs[0])
                for (const auto& p1 : pairs[1])
                    for (const auto& p2 : pairs[2])
                        add({n, ci, p0[0], p1[0], p2[0]}, {ci, col, p0[1], p1[1], p2[1]}, index);
    } else if (t == InfluenceTensor::x) {
        const std::int64_t n = index[0], ci = index[1], group = ci / ipg;
        for (int a = 0; a < 3; ++a)
            for (std::int64_t k = 0; k < A[a].kernel; ++k) {
                const std::int64_t o = index[2 + a] * A[a].stride - A[a].before + k * A[a].dilation;
                if (o >= 0 && o < A[a].out()) pairs[a].push_back({k, o});
            }
        for (std::int64_t col = 0; col < opg; ++col)
            for (const auto& p0 : pairs[0])
                for (const auto& p1 : pairs[1])
                    for (const auto& p2 : pairs[2])
                        add(index, {ci, col, p0[0], p1[0], p2[0]}, {n, group * opg + col, p0[1], p1[1], p2[1]});
    } else {
        const std::int64_t ci = index[0], col = index[1], co = (ci / ipg) * opg + col;
        for (int a = 0; a < 3; ++a)
            for (std::int64_t i = 0; i < A[a].in; ++i) {
                const std::int64_t o = i * A[a].stride - A[a].before + index[2 + a] * A[a].dilation;
                if (o >= 0 && o < A[a].out()) pairs[a].push_back({i, o});
            }
        for (std::int64_t n = 0; n < g.batch; ++n)
            for (const auto& p0 : pairs[0])
                for (const auto& p1 : pairs[1])
                    for (const auto& p2 : pairs[2])
                        add({n, ci, p0[0], p1[0], p2[0]}, index, {n, co, p0[1], p1[1], p2[1]});
    }
    return result;
}

}  // namespace tconv
