// Catch2's main, plus a replaced global operator new that records the largest single allocation, so the limit tests
// can prove that hostile configurations are refused before the engine allocates anything big.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "fixtures.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::size_t> largest{0};

void* allocate(std::size_t size) {
    std::size_t seen = largest.load(std::memory_order_relaxed);
    while (size > seen && !largest.compare_exchange_weak(seen, size, std::memory_order_relaxed)) {
    }
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
}  // namespace

namespace fixtures {
std::size_t largest_allocation() {
    return largest.load();
}
void reset_largest_allocation() {
    largest.store(0);
}
}  // namespace fixtures

// Every non-aligned form is replaced, the nothrow ones included: AddressSanitizer supplies its own versions of any
// form left out, and memory from its nothrow new freed by our delete is reported as an alloc-dealloc mismatch
// (Catch2 and std::stable_sort use nothrow new). The aligned (std::align_val_t) forms are left to the library as a
// matching set; the engine does not use over-aligned types.
void* operator new(std::size_t size) {
    return allocate(size);
}
void* operator new[](std::size_t size) {
    return allocate(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return allocate(size);
    } catch (const std::bad_alloc&) {
        return nullptr;
    }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return allocate(size);
    } catch (const std::bad_alloc&) {
        return nullptr;
    }
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
