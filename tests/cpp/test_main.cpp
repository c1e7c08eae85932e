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

void* operator new(std::size_t size) {
    return allocate(size);
}
void* operator new[](std::size_t size) {
    return allocate(size);
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
