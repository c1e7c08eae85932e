// matrix.hpp: y = Cᵀ·vec(x) against PyTorch, the sparse listing of C, the adjoint identity ⟨C·a, b⟩ = ⟨a, Cᵀ·b⟩,
// and the nonzero cap.
#include "fixtures.hpp"

using namespace tconv;
using fixtures::json;

TEST_CASE("matrix method matches PyTorch on every fixture case", "[matrix][fixtures]") {
    for (const json& c : fixtures::cases("conv_transpose2d.json")) {
        INFO(c["name"].get<std::string>());
        const Tensor y = conv_transpose2d_matrix(fixtures::tensor(c["input"]), fixtures::tensor(c["weight"]),
                                                 fixtures::transposed_params(c));
        CHECK(fixtures::mismatch(y, c["output"]) == "");
    }
}

TEST_CASE("Cᵀ·vec(x) from the listed entries matches PyTorch on every fixture case", "[matrix][fixtures]") {
    for (const json& c : fixtures::cases("conv_transpose2d.json")) {
        INFO(c["name"].get<std::string>());
        const Tensor x = fixtures::tensor(c["input"]), w = fixtures::tensor(c["weight"]);
        const ConvTransposeParams p = fixtures::transposed_params(c);
        const Shape4 in = shape_of(x), k = shape_of(w), out = output_shape(in, k, p);
        const auto entries = forward_matrix_entries(in, k, p);
        CHECK(static_cast<std::int64_t>(entries.size()) == matrix_nonzero_count(in, k, p));
        const std::int64_t rows = in[1] * in[2] * in[3], cols = out[1] * out[2] * out[3];
        Tensor y = zeros(out);
        for (std::int64_t n = 0; n < in[0]; ++n)
            for (const MatrixEntry& e : entries) {
                REQUIRE(e.row >= 0);
                REQUIRE(e.row < rows);
                REQUIRE(e.col >= 0);
                REQUIRE(e.col < cols);
                REQUIRE(e.weight_index >= 0);
                REQUIRE(static_cast<std::size_t>(e.weight_index) < w.size());
                y.data()[n * cols + e.col] += w.data()[e.weight_index] * x.data()[n * rows + e.row];
            }
        CHECK(fixtures::mismatch(y, c["output"]) == "");
    }
}

TEST_CASE("entries are sorted by row then column, without duplicates", "[matrix]") {
    std::mt19937 rng(7);
    for (int trial = 0; trial < 100; ++trial) {
        const fixtures::Config c = fixtures::random_config(rng);
        INFO(c.describe());
        const auto entries = forward_matrix_entries(shape_of(c.x), shape_of(c.w), c.params);
        for (std::size_t i = 1; i < entries.size(); ++i) {
            const bool ordered = entries[i - 1].row < entries[i].row ||
                                 (entries[i - 1].row == entries[i].row && entries[i - 1].col < entries[i].col);
            if (!ordered) FAIL("entry " << i << " is out of order");
        }
    }
}

TEST_CASE("Cᵀ and the gradient: C is the 4x16 matrix of the post", "[matrix][question]") {
    // conv2d of a 4x4 input with a 3x3 kernel gives 2x2; the transposed convolution maps 2x2 (rows of C) to 4x4
    // (columns). Row 0 of C holds w[0] at columns 0..2, w[1] at 4..6 and w[2] at 8..10, as in the gradient question.
    const auto entries = forward_matrix_entries({1, 1, 2, 2}, {1, 1, 3, 3}, {});
    REQUIRE(entries.size() == 36);
    const int first_col[4] = {0, 1, 4, 5};  // the top-left of each 3x3 window in the 4x4 grid
    for (int row = 0; row < 4; ++row)
        for (int tap = 0; tap < 9; ++tap) {
            const MatrixEntry& e = entries[row * 9 + tap];
            CHECK(e.row == row);
            CHECK(e.col == first_col[row] + (tap / 3) * 4 + tap % 3);
            CHECK(e.weight_index == tap);
        }
}

TEST_CASE("the corner question: column (0, 1) of the output gathers taps 5 and 7", "[matrix][question]") {
    ConvTransposeParams p;
    p.stride = {2, 2};
    p.padding = {1, 1};
    const auto entries = forward_matrix_entries({1, 1, 4, 4}, {1, 1, 4, 4}, p);
    std::vector<std::pair<std::int32_t, std::int32_t>> column_one;  // (row, weight_index) for output cell (0, 1)
    for (const MatrixEntry& e : entries)
        if (e.col == 1) column_one.emplace_back(e.row, e.weight_index);
    // input (0, 0) through w[1, 2] (index 6 = value 7) and input (0, 1) through w[1, 0] (index 4 = value 5)
    REQUIRE(column_one.size() == 2);
    CHECK(column_one[0] == std::make_pair(0, 6));
    CHECK(column_one[1] == std::make_pair(1, 4));
}

TEST_CASE("adjoint identity: <C·a, b> = <a, Cᵀ·b> for every method", "[matrix][adjoint]") {
    std::mt19937 rng(2024);
    for (int trial = 0; trial < 150; ++trial) {
        fixtures::Config c = fixtures::random_config(rng);
        Shape4 in = shape_of(c.x);
        in[0] = 1;                                                 // C is per batch item
        const Tensor b = fixtures::random_tensor(rng, in, false);  // lives on C's rows: the transposed conv's input
        const Shape4 out = output_shape(in, shape_of(c.w), c.params);
        const Tensor a = fixtures::random_tensor(rng, out, false);  // lives on C's columns: its output
        INFO(c.describe());
        // C·a straight from the entries, in double so the reference is more exact than the float methods.
        std::vector<double> c_a(b.size(), 0.0);
        for (const MatrixEntry& e : forward_matrix_entries(in, shape_of(c.w), c.params))
            c_a[e.row] += double(c.w.data()[e.weight_index]) * a.data()[e.col];
        double left = 0.0, scale = 0.0;
        for (std::size_t i = 0; i < b.size(); ++i) {
            left += c_a[i] * b.data()[i];
            scale += std::abs(c_a[i] * b.data()[i]);
        }
        for (Method method : {Method::matrix, Method::scatter, Method::padded_direct, Method::fast}) {
            const Tensor ct_b = conv_transpose2d(b, c.w, c.params, method);
            REQUIRE(shape_of(ct_b) == out);
            double right = 0.0;
            for (std::size_t i = 0; i < a.size(); ++i) right += double(a.data()[i]) * ct_b.data()[i];
            INFO("method " << static_cast<int>(method));
            CHECK(right == Approx(left).epsilon(1e-4).margin(1e-4 * (1.0 + scale)));
        }
    }
}

TEST_CASE("the nonzero count is exact and computed per axis", "[matrix]") {
    std::mt19937 rng(99);
    for (int trial = 0; trial < 100; ++trial) {
        const fixtures::Config c = fixtures::random_config(rng);
        INFO(c.describe());
        std::int64_t visited = 0;
        for_each_matrix_entry(shape_of(c.x), shape_of(c.w), c.params,
                              [&](std::int64_t, std::int64_t, std::int64_t) { ++visited; });
        CHECK(visited == matrix_nonzero_count(shape_of(c.x), shape_of(c.w), c.params));
    }
    // the corner question: every input pixel has 4x4 taps; padding 1 crops the taps k=0 of row/col 0 and k=3 of
    // row/col 3.
    ConvTransposeParams p;
    p.stride = {2, 2};
    p.padding = {1, 1};
    CHECK(matrix_nonzero_count({1, 1, 4, 4}, {1, 1, 4, 4}, p) == 14 * 14);
}

TEST_CASE("max_matrix_nonzeros refuses to list a huge C, before allocating it", "[matrix][limits]") {
    // Valid and within every other cap (82M multiply-adds), but C has 16*16*(64*8)^2 = 67,108,864 nonzeros.
    const Shape4 in{1, 16, 64, 64}, k{16, 16, 8, 8};
    REQUIRE_FALSE(validation_error(in, element_count(in), k, element_count(k), {}));
    CHECK(matrix_nonzero_count(in, k, {}) == 67108864);
    fixtures::reset_largest_allocation();
    try {
        forward_matrix_entries(in, k, {});
        FAIL("forward_matrix_entries listed 67 million nonzeros");
    } catch (const Error& e) {
        CHECK(e.detail().parameter == "limits");
        CHECK_THAT(std::string(e.what()), Catch::Contains("67108864") && Catch::Contains("4194304"));
    }
    CHECK(fixtures::largest_allocation() < 4096);
    // 4096 on every size: the per-axis count loops 4096*4096 times, not 4096^4, and saturates instead of wrapping.
    const Shape4 big{1, 4096, 4096, 4096}, big_k{4096, 4096, 4096, 4096};
    CHECK(matrix_nonzero_count(big, big_k, {}) == INT64_MAX);
    CHECK_THROWS_AS(forward_matrix_entries(big, big_k, {}), Error);
}

TEST_CASE("the matrix method rejects every invalid fixture", "[matrix][invalid]") {
    for (const json& c : fixtures::cases("invalid.json")) {
        INFO(c["name"].get<std::string>());
        try {
            conv_transpose2d_matrix(fixtures::zeros_of(c["input_shape"]), fixtures::zeros_of(c["weight_shape"]),
                                    fixtures::transposed_params(c));
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.detail().parameter == c["parameter"].get<std::string>());
        }
    }
}
