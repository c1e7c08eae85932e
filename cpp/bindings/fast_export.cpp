// The fast method without Embind, for web/engine.js's hot path: reading a call's ~50 values through Embind costs
// more than a small convolution itself, so the data lives in wasm memory and the shapes and options arrive as one
// block of int32. Validation is the same resolve() as every other entry point; it records the broken rule without
// writing any text, so there is nothing to cache: a refused call returns 0 and the caller asks convTranspose for
// the message.
#include "fast_method.hpp"

#include <tconv/tconv.hpp>

#include <emscripten/em_macros.h>

#include <cstdint>
#include <vector>

namespace {

/// Storage kept between calls: once grown, a call allocates nothing.
struct FastCall {
    tconv::FastWorkspace workspace;
    tconv::Shape input_shape, weight_shape;  ///< reused, so that a call allocates nothing
    tconv::ConvTransposeOptions options;
    std::vector<float> output;
    std::int32_t result[7] = {};  ///< output rank, shape (5 slots), address of the output floats
};

}  // namespace

void tconv_bindings::conv_transpose_fast(const tconv::Geometry& g, const float* x, const float* w, const float* b,
                                         float* y) {
    tconv::conv_transpose_fast(g, x, w, b, y);
}

extern "C" {

/// config (int32): [0] input rank, [1..5] input shape, [6] weight rank, [7..11] weight shape, then per spatial axis
/// (r entries each, in public order, slots of 3): [12] stride, [15] dilation, [18] output_padding, [21] 1 if
/// output_padding was given, [22] padding mode (0 explicit, 1 valid, 2 same, 3 same_lower), [23] padding before,
/// [26] padding after, [29] output_size length, [30..34] output_size, [35] groups, [36] input length, [37] weight
/// length, [38] bias length or −1. input, weight and bias are addresses of floats in wasm memory. Returns the address
/// of {output rank, shape[5], address of the output floats}, valid until the next call, or 0 if refused.
EMSCRIPTEN_KEEPALIVE const std::int32_t* tconv_fast_conv_transpose(const float* input, const float* weight,
                                                                   const float* bias, const std::int32_t* config) {
    static FastCall call;
    const int input_rank = config[0], weight_rank = config[6];
    if (input_rank < 2 || input_rank > 5 || weight_rank < 3 || weight_rank > 5) return nullptr;
    tconv::Shape& in = call.input_shape;
    tconv::Shape& k = call.weight_shape;
    in.assign(config + 1, config + 1 + input_rank);
    k.assign(config + 7, config + 7 + weight_rank);
    const int r = weight_rank - 2;
    tconv::ConvTransposeOptions& o = call.options;
    o = tconv::ConvTransposeOptions{};
    for (int i = 0; i < r; ++i) {
        const int a = 3 - r + i;
        o.stride[a] = config[12 + i];
        o.dilation[a] = config[15 + i];
        o.output_padding[a] = config[18 + i];
        o.padding_before[a] = config[23 + i];
        o.padding_after[a] = config[26 + i];
    }
    o.output_padding_given = config[21] != 0;
    const int mode = config[22];
    if (mode < 0 || mode > 3) return nullptr;
    o.padding_mode = static_cast<tconv::PaddingMode>(mode);
    const int sizes = config[29];
    if (sizes < 0 || sizes > 5) return nullptr;
    o.output_size.assign(config + 30, config + 30 + sizes);
    o.groups = config[35];
    const tconv::Resolution resolution = tconv::resolve(in, config[36], k, config[37], o, config[38]);
    if (resolution.violation) return nullptr;
    const tconv::Geometry& g = resolution.geometry;
    call.output.resize(static_cast<std::size_t>(tconv::volume(g.output5())));
    tconv::conv_transpose_fast_into(g, input, weight, g.has_bias ? bias : nullptr, call.output.data(), call.workspace);
    const tconv::Shape out = g.output_shape();
    call.result[0] = static_cast<std::int32_t>(out.size());
    for (std::size_t i = 0; i < out.size(); ++i) call.result[1 + i] = static_cast<std::int32_t>(out[i]);
    call.result[6] = static_cast<std::int32_t>(reinterpret_cast<std::uintptr_t>(call.output.data()));
    return call.result;
}

}  // extern "C"
