// The fast method as seen from the other binding files: defined once, in fast_export.cpp, which is compiled for speed
// (-O3). bindings.cpp is compiled for size (-Os); calling the fast method through this declaration keeps every copy
// of its kernels in the -O3 file (an inline kernel instantiated in both files would be merged into one copy, and
// the linker may keep either).
#pragma once

#include <tconv/params.hpp>

namespace tconv_bindings {

/// tconv::conv_transpose_fast on canonical buffers: x input5, w weight5, b [Cout] or null, y output5.
void conv_transpose_fast(const tconv::Geometry& g, const float* x, const float* w, const float* b, float* y);

}  // namespace tconv_bindings
