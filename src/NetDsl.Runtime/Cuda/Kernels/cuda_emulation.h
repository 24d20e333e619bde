// CUDA C on the CPU, so CI without a GPU can run the kernels NetDsl generates for NVRTC. A .cu file is compiled with
//     g++ -std=c++20 -O2 -shared -fPIC -fvisibility=hidden -pthread -include cuda_emulation.h -x c++ kernels.cu
// (EmulatedCudaModule in NetDsl.Testing does this) and launched through netdsl_emulate_launch at the end.
//
// Execution model: the blocks of a launch run one after another; the threads of a block run at the same time, one
// OS thread each from a persistent pool, so __syncthreads, __syncwarp and the shuffles are real synchronization and a
// kernel that forgets a barrier races here as it would on a GPU. What follows from it:
//  - __shared__ variables are static storage that every block reuses, which is why blocks never overlap. Before each
//    block, shared memory is filled with 0xFF bytes (NaN as float, -1 as int), as a GPU leaves garbage there: a read
//    before the block's own write shows instead of returning a plausible leftover. (Not in function templates, whose
//    statics g++ 12 keeps out of named sections: those start as the last block left them.)
//  - `extern __shared__ T name[];` cannot come out of a macro (`extern static` is ill-formed), so the source is first
//    rewritten to `extern T name[] NETDSL_DYNAMIC_SHARED;` (EmulatedCudaModule does it; by hand:
//    sed -E 's/extern(\s+)__shared__\s+([^;]*\[\s*\])\s*;/extern\1\2 NETDSL_DYNAMIC_SHARED;/').
//  - Warp operations need every lane of the warp that has not exited; a mask naming fewer lanes is reported as an
//    error rather than emulated. Lanes missing from a partial last warp read as 0xFF bytes.
//  - A thread that returns leaves the block's barriers, as exited threads do on a GPU; divergent barriers that a GPU
//    would hang on hang here too.
//  - A barrier costs about a microsecond per thread on a 2-core machine: fine for tests, not for training.
//  - Launches of one module are serialized; __constant__ and __device__ variables are plain globals, with no
//    cudaMemcpyToSymbol.
#pragma once

#include <atomic>
#include <barrier>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "netdsl_abi.cuh"

#define NETDSL_CUDA_EMULATION 1

// ---- Qualifiers. Kernels are the only symbols the module exports (it is built with -fvisibility=hidden).
#define __global__ __attribute__((visibility("default")))
#define __device__
#define __host__
#define __constant__
#define __forceinline__ inline
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
// __restrict__ is already a g++ keyword.

// __shared__ is static storage in a section of its own, named by a counter: one name for all would clash between
// variables of ordinary functions and of inline ones (COMDAT), which g++ refuses to mix in a section. The linker
// brackets each such section with __start_/__stop_ symbols, weakly referenced below for the first 1000 names, so the
// launcher can poison them all. (g++ 12 ignores the section of statics in function templates: those work but start
// each block as the last one left them.)
#define NETDSL_STRINGIZE_(x) #x
#define NETDSL_STRINGIZE(x) NETDSL_STRINGIZE_(x)
#define __shared__ static __attribute__((section("netdsl_shared_" NETDSL_STRINGIZE(__COUNTER__))))
#define NETDSL_DYNAMIC_SHARED __asm__("netdsl_dynamic_shared")

extern "C"
{
    // Dynamic shared memory: as much as an H100 block may opt into.
    inline constexpr unsigned netdsl_dynamic_shared_capacity = 227 * 1024;
    alignas(128) unsigned char netdsl_dynamic_shared[netdsl_dynamic_shared_capacity];
}

namespace netdsl_emu
{
    // Calls X(n) for n = 0 to 999, spelled as __COUNTER__ spells them.
#define NETDSL_DIGIT(X, p) X(p##0) X(p##1) X(p##2) X(p##3) X(p##4) X(p##5) X(p##6) X(p##7) X(p##8) X(p##9)
#define NETDSL_TENS(X, p)                                                                                              \
    NETDSL_DIGIT(X, p##0) NETDSL_DIGIT(X, p##1) NETDSL_DIGIT(X, p##2) NETDSL_DIGIT(X, p##3) NETDSL_DIGIT(X, p##4)      \
    NETDSL_DIGIT(X, p##5) NETDSL_DIGIT(X, p##6) NETDSL_DIGIT(X, p##7) NETDSL_DIGIT(X, p##8) NETDSL_DIGIT(X, p##9)
#define NETDSL_UP_TO_999(X)                                                                                            \
    NETDSL_DIGIT(X, ) NETDSL_DIGIT(X, 1) NETDSL_DIGIT(X, 2) NETDSL_DIGIT(X, 3) NETDSL_DIGIT(X, 4) NETDSL_DIGIT(X, 5)   \
    NETDSL_DIGIT(X, 6) NETDSL_DIGIT(X, 7) NETDSL_DIGIT(X, 8) NETDSL_DIGIT(X, 9) NETDSL_TENS(X, 1) NETDSL_TENS(X, 2)    \
    NETDSL_TENS(X, 3) NETDSL_TENS(X, 4) NETDSL_TENS(X, 5) NETDSL_TENS(X, 6) NETDSL_TENS(X, 7) NETDSL_TENS(X, 8)        \
    NETDSL_TENS(X, 9)
#define NETDSL_DECLARE_BOUNDS(n)                                                                                       \
    extern "C" __attribute__((weak, visibility("hidden"))) unsigned char __start_netdsl_shared_##n[], __stop_netdsl_shared_##n[];
#define NETDSL_BOUNDS(n) {__start_netdsl_shared_##n, __stop_netdsl_shared_##n},
    NETDSL_UP_TO_999(NETDSL_DECLARE_BOUNDS)
    // Null where no variable took that number.
    inline unsigned char* const static_shared[][2] = {NETDSL_UP_TO_999(NETDSL_BOUNDS)};
#undef NETDSL_BOUNDS
#undef NETDSL_DECLARE_BOUNDS
#undef NETDSL_UP_TO_999
#undef NETDSL_TENS
#undef NETDSL_DIGIT
}

// ---- Built-in types and variables.
struct uint3 { unsigned int x, y, z; };

struct dim3
{
    unsigned int x, y, z;
    constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
    constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
    constexpr operator uint3() const { return {x, y, z}; }
};

struct __align__(8) int2 { int x, y; };
struct __align__(16) int4 { int x, y, z, w; };
struct __align__(8) float2 { float x, y; };
struct __align__(16) float4 { float x, y, z, w; };
inline int2 make_int2(int x, int y) { return {x, y}; }
inline int4 make_int4(int x, int y, int z, int w) { return {x, y, z, w}; }
inline float2 make_float2(float x, float y) { return {x, y}; }
inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
inline uint3 make_uint3(unsigned x, unsigned y, unsigned z) { return {x, y, z}; }

// Blocks run one at a time, so only threadIdx differs between the threads that run concurrently.
inline thread_local uint3 threadIdx;
inline uint3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;
constexpr int warpSize = 32;

namespace netdsl_emu
{
    struct Warp
    {
        std::optional<std::barrier<>> sync;
        unsigned lanes = 0;  // bit i: lane i exists in this block
        // Two exchange buffers used alternately: a lane can only come back to one after every lane has passed the
        // barrier of the other, by which time every read of it is done; so one barrier per exchange suffices.
        alignas(64) std::uint64_t slots[2][32];
    };

    struct Lane
    {
        Warp* warp = nullptr;
        unsigned index = 0;
        unsigned parity = 0;
    };

    inline std::optional<std::barrier<>> block_barrier;
    inline Warp warps[32];
    inline thread_local Lane lane;

    [[noreturn]] inline void fail(const std::string& message) { throw std::runtime_error(message); }

    inline void require_whole_warp(unsigned mask, const char* operation)
    {
        unsigned lanes = lane.warp->lanes;
        if ((mask & lanes) == lanes) return;
        char message[160];
        std::snprintf(message, sizeof message, "%s: mask 0x%08x leaves out lanes of the warp; only whole-warp masks are emulated",
                      operation, mask);
        fail(message);
    }

    // Every lane publishes `value` and returns what lane `source` published (the caller's own when out of range).
    template <class T>
    T exchange(unsigned mask, T value, unsigned source, const char* operation)
    {
        static_assert(sizeof(T) <= 8 && std::is_trivially_copyable_v<T>, "warp exchanges move up to 8 bytes");
        require_whole_warp(mask, operation);
        std::uint64_t* slots = lane.warp->slots[lane.parity];
        lane.parity ^= 1;
        std::uint64_t bits = 0;
        std::memcpy(&bits, &value, sizeof value);
        slots[lane.index] = bits;
        lane.warp->sync->arrive_and_wait();
        if (source >= 32) return value;
        T result;
        std::memcpy(&result, &slots[source], sizeof result);
        return result;
    }

    // The 32 published predicates of a vote; lanes that do not exist count as false.
    inline unsigned vote(unsigned mask, int predicate, const char* operation)
    {
        require_whole_warp(mask, operation);
        std::uint64_t* slots = lane.warp->slots[lane.parity];
        lane.parity ^= 1;
        slots[lane.index] = predicate != 0;
        lane.warp->sync->arrive_and_wait();
        unsigned ballot = 0;
        for (unsigned i = 0; i < 32; i++)
            if ((lane.warp->lanes >> i & 1) && slots[i] == 1) ballot |= 1u << i;
        return ballot;
    }

    template <class T, class Op>
    T atomic_update(T* address, Op op)
    {
        std::atomic_ref<T> target(*address);
        T old = target.load();
        while (!target.compare_exchange_weak(old, op(old))) {}
        return old;
    }
}

// ---- Synchronization.
inline void __syncthreads() { netdsl_emu::block_barrier->arrive_and_wait(); }
inline void __syncwarp(unsigned mask = 0xffffffffu)
{
    netdsl_emu::require_whole_warp(mask, "__syncwarp");
    netdsl_emu::lane.warp->sync->arrive_and_wait();
}
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }
inline void __threadfence_block() { std::atomic_thread_fence(std::memory_order_seq_cst); }
[[noreturn]] inline void __trap() { netdsl_emu::fail("__trap()"); }
inline unsigned __activemask() { return netdsl_emu::lane.warp->lanes; }

// ---- Warp shuffles and votes (width: a power of two up to 32 splitting the warp into independent segments).
template <class T>
T __shfl_sync(unsigned mask, T var, int srcLane, int width = warpSize)
{
    unsigned self = netdsl_emu::lane.index, w = static_cast<unsigned>(width);
    return netdsl_emu::exchange(mask, var, (self & ~(w - 1)) + (static_cast<unsigned>(srcLane) & (w - 1)), "__shfl_sync");
}
template <class T>
T __shfl_up_sync(unsigned mask, T var, unsigned delta, int width = warpSize)
{
    unsigned self = netdsl_emu::lane.index, w = static_cast<unsigned>(width);
    return netdsl_emu::exchange(mask, var, (self & (w - 1)) >= delta ? self - delta : self, "__shfl_up_sync");
}
template <class T>
T __shfl_down_sync(unsigned mask, T var, unsigned delta, int width = warpSize)
{
    unsigned self = netdsl_emu::lane.index, w = static_cast<unsigned>(width);
    return netdsl_emu::exchange(mask, var, (self & (w - 1)) + delta < w ? self + delta : self, "__shfl_down_sync");
}
template <class T>
T __shfl_xor_sync(unsigned mask, T var, int laneMask, int width = warpSize)
{
    unsigned self = netdsl_emu::lane.index, w = static_cast<unsigned>(width);
    unsigned source = self ^ static_cast<unsigned>(laneMask);
    // Lanes may read earlier segments but not later ones.
    return netdsl_emu::exchange(mask, var, source < (self & ~(w - 1)) + w ? source : self, "__shfl_xor_sync");
}
inline unsigned __ballot_sync(unsigned mask, int predicate) { return netdsl_emu::vote(mask, predicate, "__ballot_sync"); }
inline int __any_sync(unsigned mask, int predicate) { return netdsl_emu::vote(mask, predicate, "__any_sync") != 0; }
inline int __all_sync(unsigned mask, int predicate)
{
    return netdsl_emu::vote(mask, predicate, "__all_sync") == netdsl_emu::lane.warp->lanes;
}

// ---- Tensor cores: cvt.rna.tf32.f32 and mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 (netdsl_tensorcore.cuh
// issues them through inline PTX on a GPU and calls these here).
namespace netdsl_emu
{
    // Off (netdsl_emulate_tf32_rounding), TF32 keeps all of float32's bits, so tensor-core kernels can be held to the
    // float32 bounds of the reference path: an indexing mistake then shows apart from TF32's own error.
    inline std::atomic<bool> tf32_rounding{true};

    // cvt.rna.tf32.f32: round to 10 mantissa bits, to nearest with ties away from zero (add half of the dropped 13
    // bits' range to the magnitude, then clear them); infinities stay, a NaN becomes the canonical NaN.
    inline unsigned tf32_rna(float x)
    {
        unsigned bits = std::bit_cast<unsigned>(x);
        if (!tf32_rounding.load(std::memory_order_relaxed)) return bits;
        if ((bits & 0x7fffffffu) > 0x7f800000u) return 0x7fffffffu;
        return (bits + 0x1000u) & ~0x1fffu;
    }

    // One lane's share of the m16n8k8 TF32 MMA, d += A (16x8, row) * B (8x8, col), in PTX's fragment layout
    // (ISA "Matrix Fragments for mma.m16n8k8", .tf32), with g = lane / 4 and t = lane % 4:
    //   a0 A[g][t]  a1 A[g+8][t]  a2 A[g][t+4]  a3 A[g+8][t+4];  b0 B[t][g]  b1 B[t+4][g];
    //   d0 D[g][2t]  d1 D[g][2t+1]  d2 D[g+8][2t]  d3 D[g+8][2t+1].
    // A lane cannot see the other lanes' registers without a warp barrier per MMA, far too slow for whole networks, so
    // the caller also passes the shared-memory tiles its fragments came from (A[r][k] at a[r * lda + k], B[k][c] at
    // b[k * ldb + c]): this lane's registers must be those tiles' elements at the places above, rounded to TF32, or
    // the launch fails; then d comes from the tiles. Every lane checks its own, so the warp's layout is checked whole.
    inline void mma_m16n8k8_tf32(float (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2],
                                 const float* aTile, int lda, const float* bTile, int ldb)
    {
        const unsigned g = lane.index >> 2, t = lane.index & 3;
        auto check = [&](const char* name, unsigned held, char matrix, unsigned row, unsigned col)
        {
            unsigned expected = tf32_rna(matrix == 'A' ? aTile[row * lda + col] : bTile[row * ldb + col]);
            if (held == expected) return;
            char message[200];
            std::snprintf(message, sizeof message,
                          "mma.m16n8k8.tf32: lane %u holds 0x%08x in %s, but the PTX fragment layout puts %c[%u][%u] = 0x%08x there",
                          lane.index, held, name, matrix, row, col, expected);
            fail(message);
        };
        check("a0", a[0], 'A', g, t);
        check("a1", a[1], 'A', g + 8, t);
        check("a2", a[2], 'A', g, t + 4);
        check("a3", a[3], 'A', g + 8, t + 4);
        check("b0", b[0], 'B', t, g);
        check("b1", b[1], 'B', t + 4, g);
        for (unsigned i = 0; i < 4; i++)
        {
            unsigned row = g + 8 * (i >> 1), col = 2 * t + (i & 1);
            float sum = 0.0f;
            for (int k = 0; k < 8; k++)  // TF32 products are exact in float
                sum += std::bit_cast<float>(tf32_rna(aTile[row * lda + k])) * std::bit_cast<float>(tf32_rna(bTile[k * ldb + col]));
            d[i] += sum;
        }
    }
}

// ---- Atomics: each returns the old value.
#define NETDSL_ATOMIC(name, T, expression) \
    inline T name(T* address, T val) { return netdsl_emu::atomic_update(address, [&](T old) { return expression; }); }
inline int atomicAdd(int* address, int val) { return std::atomic_ref(*address).fetch_add(val); }
inline unsigned atomicAdd(unsigned* address, unsigned val) { return std::atomic_ref(*address).fetch_add(val); }
inline unsigned long long atomicAdd(unsigned long long* address, unsigned long long val) { return std::atomic_ref(*address).fetch_add(val); }
inline float atomicAdd(float* address, float val) { return std::atomic_ref(*address).fetch_add(val); }
inline double atomicAdd(double* address, double val) { return std::atomic_ref(*address).fetch_add(val); }
inline int atomicSub(int* address, int val) { return std::atomic_ref(*address).fetch_sub(val); }
inline unsigned atomicSub(unsigned* address, unsigned val) { return std::atomic_ref(*address).fetch_sub(val); }
inline int atomicExch(int* address, int val) { return std::atomic_ref(*address).exchange(val); }
inline unsigned atomicExch(unsigned* address, unsigned val) { return std::atomic_ref(*address).exchange(val); }
inline unsigned long long atomicExch(unsigned long long* address, unsigned long long val) { return std::atomic_ref(*address).exchange(val); }
inline float atomicExch(float* address, float val) { return std::atomic_ref(*address).exchange(val); }
NETDSL_ATOMIC(atomicMax, int, old < val ? val : old)
NETDSL_ATOMIC(atomicMax, unsigned, old < val ? val : old)
NETDSL_ATOMIC(atomicMax, long long, old < val ? val : old)
NETDSL_ATOMIC(atomicMax, unsigned long long, old < val ? val : old)
NETDSL_ATOMIC(atomicMin, int, val < old ? val : old)
NETDSL_ATOMIC(atomicMin, unsigned, val < old ? val : old)
NETDSL_ATOMIC(atomicMin, long long, val < old ? val : old)
NETDSL_ATOMIC(atomicMin, unsigned long long, val < old ? val : old)
NETDSL_ATOMIC(atomicAnd, int, old & val)
NETDSL_ATOMIC(atomicAnd, unsigned, old & val)
NETDSL_ATOMIC(atomicOr, int, old | val)
NETDSL_ATOMIC(atomicOr, unsigned, old | val)
NETDSL_ATOMIC(atomicXor, int, old ^ val)
NETDSL_ATOMIC(atomicXor, unsigned, old ^ val)
#undef NETDSL_ATOMIC
template <class T>
T atomicCAS(T* address, T compare, T val)
{
    static_assert(std::is_integral_v<T>, "atomicCAS takes integers");
    std::atomic_ref<T>(*address).compare_exchange_strong(compare, val);
    return compare;
}

// ---- Math beyond <cmath> (whose expf, logf, sqrtf, tanhf, fmaxf, fminf, fabsf, fmaf, INFINITY... CUDA shares).
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __powf(float x, float y) { return powf(x, y); }
inline float __sinf(float x) { return sinf(x); }
inline float __cosf(float x) { return cosf(x); }
inline float __tanhf(float x) { return tanhf(x); }
inline float __fdividef(float x, float y) { return x / y; }
inline float __frcp_rn(float x) { return 1.0f / x; }
inline float __fsqrt_rn(float x) { return sqrtf(x); }
inline float __saturatef(float x) { return x != x ? 0.0f : fminf(fmaxf(x, 0.0f), 1.0f); }
inline float __fadd_rn(float x, float y) { return x + y; }
inline float __fmul_rn(float x, float y) { return x * y; }
inline float __fmaf_rn(float x, float y, float z) { return fmaf(x, y, z); }
inline int __float2int_rz(float x) { return static_cast<int>(x); }
inline int __float2int_rn(float x) { return static_cast<int>(nearbyintf(x)); }
inline unsigned __float_as_uint(float x) { return std::bit_cast<unsigned>(x); }
inline float __uint_as_float(unsigned x) { return std::bit_cast<float>(x); }
inline int __float_as_int(float x) { return std::bit_cast<int>(x); }
inline float __int_as_float(int x) { return std::bit_cast<float>(x); }
inline unsigned __umulhi(unsigned x, unsigned y) { return (unsigned)(((unsigned long long)x * y) >> 32); }
inline long long __double_as_longlong(double x) { return std::bit_cast<long long>(x); }
inline double __longlong_as_double(long long x) { return std::bit_cast<double>(x); }
inline int __popc(unsigned x) { return std::popcount(x); }
inline int __clz(int x) { return std::countl_zero(static_cast<unsigned>(x)); }
inline int __ffs(int x) { return x == 0 ? 0 : std::countr_zero(static_cast<unsigned>(x)) + 1; }
template <class T> T __ldg(const T* address) { return *address; }

// CUDA's min and max: the usual arithmetic conversions (int with unsigned is unsigned), fminf/fmaxf for floats.
template <class A, class B>
    requires std::is_arithmetic_v<A> && std::is_arithmetic_v<B>
inline std::common_type_t<A, B> min(A a, B b)
{
    using C = std::common_type_t<A, B>;
    if constexpr (std::is_floating_point_v<C>) return std::fmin(C(a), C(b));
    else return C(b) < C(a) ? C(b) : C(a);
}
template <class A, class B>
    requires std::is_arithmetic_v<A> && std::is_arithmetic_v<B>
inline std::common_type_t<A, B> max(A a, B b)
{
    using C = std::common_type_t<A, B>;
    if constexpr (std::is_floating_point_v<C>) return std::fmax(C(a), C(b));
    else return C(a) < C(b) ? C(b) : C(a);
}

// ---- The launcher.
namespace netdsl_emu
{
    struct Launch
    {
        void (*kernel)(NetDslArgs);
        NetDslArgs args;
    };

    // Persistent OS threads; thread i of every block runs on worker i. Grows to the largest block seen.
    class Pool
    {
    public:
        ~Pool() { stop(); }

        // Runs the kernel on threads [0, count) at once and returns when all have left it; then failure() says
        // whether one threw.
        void run_block(unsigned count, const Launch& launch)
        {
            workers_.reserve(count);  // so that no push_back below throws once its thread runs
            while (workers_.size() < count)
            {
                auto id = static_cast<unsigned>(workers_.size());
                auto worker = std::make_unique<Worker>();
                worker->thread = std::thread([this, w = worker.get(), id] { work(*w, id); });
                workers_.push_back(std::move(worker));
            }
            launch_ = &launch;
            running_.store(count, std::memory_order_relaxed);
            std::uint32_t finished = finished_.load(std::memory_order_relaxed);
            // Lowest first, so low threads tend to run ahead of high ones: a missing barrier before reading what
            // higher threads write shows up.
            for (unsigned i = 0; i < count; i++)
            {
                workers_[i]->go.fetch_add(1, std::memory_order_release);
                workers_[i]->go.notify_one();
            }
            finished_.wait(finished, std::memory_order_acquire);
        }

        const std::string& failure() const { return failure_; }
        void clear_failure() { failure_.clear(); }

        void stop()
        {
            stopping_ = true;
            for (auto& worker : workers_)
            {
                worker->go.fetch_add(1, std::memory_order_release);
                worker->go.notify_one();
            }
            for (auto& worker : workers_) worker->thread.join();
            workers_.clear();
            stopping_ = false;
        }

    private:
        struct Worker
        {
            std::thread thread;
            alignas(64) std::atomic<std::uint32_t> go{0};  // bumped once per block this worker runs, and to stop
        };

        void work(Worker& worker, unsigned id)
        {
            for (std::uint32_t seen = 0;; seen++)
            {
                worker.go.wait(seen, std::memory_order_acquire);
                if (stopping_) return;
                run_thread(id);
                if (running_.fetch_sub(1, std::memory_order_acq_rel) == 1)
                {
                    finished_.fetch_add(1, std::memory_order_release);
                    finished_.notify_one();
                }
            }
        }

        void run_thread(unsigned id)
        {
            threadIdx = {id % blockDim.x, id / blockDim.x % blockDim.y, id / (blockDim.x * blockDim.y)};
            lane = {&warps[id / 32], id % 32, 0};
            try
            {
                launch_->kernel(launch_->args);
            }
            catch (const std::exception& e) { record(e.what()); }
            catch (...) { record("an exception"); }
            // A thread that has returned (or thrown) no longer holds up the others' barriers, as on a GPU.
            lane.warp->sync->arrive_and_drop();
            block_barrier->arrive_and_drop();
        }

        void record(const char* what)
        {
            char where[128];
            std::snprintf(where, sizeof where, "thread (%u,%u,%u) of block (%u,%u,%u) threw: ", threadIdx.x, threadIdx.y,
                          threadIdx.z, blockIdx.x, blockIdx.y, blockIdx.z);
            std::lock_guard lock(failure_mutex_);
            if (failure_.empty()) failure_ = std::string(where) + what;
        }

        std::vector<std::unique_ptr<Worker>> workers_;
        const Launch* launch_ = nullptr;
        std::atomic<unsigned> running_{0};
        std::atomic<std::uint32_t> finished_{0};
        bool stopping_ = false;  // published to the workers by the release on `go`
        std::mutex failure_mutex_;
        std::string failure_;
    };

    enum Status : int { ok = 0, invalid_configuration = 1, too_much_shared_memory = 2, kernel_failed = 3, emulator_failed = 4 };

    inline std::mutex launch_mutex;
    inline Pool pool;
    // Per calling thread, like cudaGetLastError, so a launch from another thread cannot overwrite it.
    inline thread_local std::string last_error;

    template <class... Values>
    int refuse(Status status, const char* format, Values... values)
    {
        char message[160];
        std::snprintf(message, sizeof message, format, values...);
        last_error = message;
        return status;
    }

    inline void prepare_block(uint3 index, unsigned threads, unsigned dynamic_shared_bytes)
    {
        blockIdx = index;
        for (auto [start, stop] : static_shared)
            if (start != nullptr) std::memset(start, 0xFF, static_cast<std::size_t>(stop - start));
        std::memset(netdsl_dynamic_shared, 0xFF, dynamic_shared_bytes);
        block_barrier.emplace(threads);
        for (unsigned w = 0; w * 32 < threads; w++)
        {
            unsigned lanes = threads - w * 32 < 32 ? threads - w * 32 : 32;
            warps[w].lanes = lanes == 32 ? 0xffffffffu : (1u << lanes) - 1;
            warps[w].sync.emplace(lanes);
            std::memset(warps[w].slots, 0xFF, sizeof warps[w].slots);
        }
    }
}

// Runs kernel<<<grid, block, sharedBytes>>>(*args) and returns 0, or a netdsl_emu::Status (1 invalid configuration,
// 2 too much shared memory, 3 a kernel thread threw, 4 the emulator ran out of threads or memory) with
// netdsl_emulate_error() saying why. The limits are a GPU's, so a launch that would fail there fails here.
extern "C" __attribute__((visibility("default"))) int netdsl_emulate_launch(
    void (*kernel)(NetDslArgs), unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
    unsigned sharedBytes, const NetDslArgs* args)
{
    using namespace netdsl_emu;
    std::lock_guard lock(launch_mutex);
    last_error.clear();
    unsigned long long threads = 1ull * bx * by * bz;
    if (kernel == nullptr || args == nullptr)
        return refuse(invalid_configuration, "%s", "null kernel or arguments");
    if (threads == 0 || threads > 1024 || bx > 1024 || by > 1024 || bz > 64)
        return refuse(invalid_configuration, "block (%u,%u,%u) has %llu threads; 1 to 1024 (x, y up to 1024, z up to 64)",
                      bx, by, bz, threads);
    if (gx == 0 || gy == 0 || gz == 0 || gx > 0x7fffffffu || gy > 65535 || gz > 65535)
        return refuse(invalid_configuration, "grid (%u,%u,%u): x from 1 to 2^31-1, y and z from 1 to 65535", gx, gy, gz);
    if (sharedBytes > netdsl_dynamic_shared_capacity)
        return refuse(too_much_shared_memory, "%u bytes of dynamic shared memory; at most %u", sharedBytes,
                      netdsl_dynamic_shared_capacity);

    const Launch launch{kernel, *args};
    blockDim = dim3(bx, by, bz);
    gridDim = dim3(gx, gy, gz);
    pool.clear_failure();
    try
    {
        for (unsigned z = 0; z < gz; z++)
            for (unsigned y = 0; y < gy; y++)
                for (unsigned x = 0; x < gx; x++)
                {
                    prepare_block({x, y, z}, static_cast<unsigned>(threads), sharedBytes);
                    pool.run_block(static_cast<unsigned>(threads), launch);
                    if (!pool.failure().empty())
                    {
                        last_error = pool.failure();
                        return kernel_failed;
                    }
                }
    }
    catch (const std::exception& e)  // from setting up a block (no thread of it has started): out of threads or memory
    {
        return refuse(emulator_failed, "the emulator could not set up a block: %s", e.what());
    }
    return ok;
}

// Why this thread's last launch failed ("" after a success); valid until its next launch.
extern "C" __attribute__((visibility("default"))) const char* netdsl_emulate_error() { return netdsl_emu::last_error.c_str(); }

// Whether cvt.rna.tf32.f32 rounds (1, the default and the GPU's behaviour) or keeps float32's bits (0), for later launches.
extern "C" __attribute__((visibility("default"))) void netdsl_emulate_tf32_rounding(int on)
{
    std::lock_guard lock(netdsl_emu::launch_mutex);
    netdsl_emu::tf32_rounding = on != 0;
}

// Joins the pool's threads; call before unloading the module. A later launch starts them again.
extern "C" __attribute__((visibility("default"))) void netdsl_emulate_shutdown()
{
    std::lock_guard lock(netdsl_emu::launch_mutex);
    netdsl_emu::pool.stop();
}
