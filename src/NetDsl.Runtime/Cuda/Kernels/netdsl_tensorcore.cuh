// Convolutions on tensor cores (TF32, sm_80+): every direction is one implicit GEMM, C (M×N) = A (M×K) · B (K×N),
// whose operands are gathered straight from the tensors (no im2col buffer) by a small problem policy:
//   forward           y (n,Co,Ho,Wo):  M = Co, N = n·Ho·Wo, K = Ci·K²;  A = w,  B = im2col(x);  + bias, activation
//   backward input    dx (n,Ci,H,W):   M = Ci, N = n·H·W,   K = Co·K²;  A = wᵀ, B = dy' gathered back through the
//                                      window (zero where the stride does not divide or out of range)
//   backward weights  dw (Co,Ci,K,K):  M = Co, N = Ci·K²,   K = n·Ho·Wo; A = dy', B = im2col(x)ᵀ
// where dy' = dL/d(pre-activation) of a fused activation (through_activation). The weight gradient splits its long K
// across blocks into per-split partials in scratch, which a second kernel sums in a fixed order (no atomics).
//
// The GEMM core: 128 threads (4 warps, 2×2) per 64×64 block tile, each warp 32×32 = 2×4 m16n8k8 MMAs per 8-deep
// step, a K step of 32, double-buffered shared tiles: one barrier per K step. Barriers are what an emulated block
// pays for most (each wakes all 128 OS threads): K 32 rather than 16 and the second stage each halve them, and the
// next step's global loads overlap the MMAs on a GPU. Two stages of As[64][36] and Bs[32][72] take 36 KiB, under the
// 48 KiB a block gets without opting in. The pads (+4, +8 floats) make the fragment reads conflict-free: lane (g, t)
// reads bank 4g + t of As and 8t + g of Bs. Operands are rounded to TF32 (cvt.rna) once, when stored to shared memory.
//
// Under cuda_emulation.h the MMA also receives the shared tiles its fragments were read from (ignored on a GPU): it
// checks every lane's registers against PTX's fragment layout and computes this lane's results from the tiles, with
// no warp barrier per MMA (see netdsl_emu::mma_m16n8k8_tf32). An exchange of registers through the warp would need
// no tiles but a barrier per MMA: 32 per K step here, against the one the block pays now. The trade-off: the check
// proves the fragments are loaded in the documented layout from the tiles the kernel names, not that those tiles are
// where the registers came from; the results are compared with the reference kernels, which catches a wrong tile.
// The launches (src/NetDsl.Generator/Emitting/TensorCorePlan.cs) give each block Threads threads and SharedFloats
// floats of dynamic shared memory.
#pragma once
#include "netdsl_kernels.cuh"

namespace netdsl {
namespace tc {

constexpr int BM = 64, BN = 64, BK = 32, Threads = 128;
constexpr int AStride = BK + 4, BStride = BN + 8;
constexpr int StageFloats = BM * AStride + BK * BStride, SharedFloats = 2 * StageFloats;

#ifdef NETDSL_CUDA_EMULATION
#define NETDSL_UNROLL
__device__ __forceinline__ float* shared_tiles() { return reinterpret_cast<float*>(netdsl_dynamic_shared); }
__device__ __forceinline__ unsigned to_tf32(float v) { return netdsl_emu::tf32_rna(v); }
#else
#define NETDSL_UNROLL _Pragma("unroll")
extern __shared__ __align__(16) float netdsl_tc_shared[];
__device__ __forceinline__ float* shared_tiles() { return netdsl_tc_shared; }
__device__ __forceinline__ unsigned to_tf32(float v)
{
    unsigned r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(v));
    return r;
}
#endif

// d += A·B for one m16n8k8 tile; aTile/bTile (row strides lda, ldb) are where the fragments were read from.
__device__ __forceinline__ void mma_tf32(float (&d)[4], const unsigned (&a)[4], const unsigned (&b)[2],
                                         const float* aTile, int lda, const float* bTile, int ldb)
{
#ifdef NETDSL_CUDA_EMULATION
    netdsl_emu::mma_m16n8k8_tf32(d, a, b, aTile, lda, bTile, ldb);
#else
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                 : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#endif
}

// (NETDSL_UNROLL: the fragment and accumulator arrays must be indexed by constants to live in registers; nvcc unrolls
// the short inner loops by itself.)
// One block's 64×64 tile of C at (m0, n0) over K in [k0, k1), handed to p.store(m, n, value) for every element
// inside M×N. A Problem gives M, columns() (N), Depth (K, for gemm), the gathers a(m, k) and b(k, n) (called only
// inside M, N and [k0, k1)) and store.
template <class Problem>
__device__ void gemm_tile(const Problem& p, int m0, long long n0, long long k0, long long k1)
{
    float* const tiles = shared_tiles();   // two stages of As[m][k] (row stride AStride) then Bs[k][n] (BStride)
    const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32, g = lane >> 2, t = lane & 3;
    const int wm = (warp & 1) * 32, wn = (warp >> 1) * 32;
    const long long N = p.columns();
    constexpr int PerThread = BM * BK / Threads;
    static_assert(BK * BN / Threads == PerThread && Threads == 4 * 32, "each thread gathers as much of A as of B; 2x2 warps");

    float acc[2][4][4] = {};
    float ra[PerThread], rb[PerThread];
    // Consecutive threads take consecutive k of A (a weight row is contiguous) and consecutive n of B (a row of x).
    auto gather = [&](long long k)
    {
NETDSL_UNROLL
        for (int i = 0; i < PerThread; i++)
        {
            int e = tid + i * Threads, am = e / BK, ak = e % BK, bk = e / BN, bn = e % BN;
            ra[i] = m0 + am < Problem::M && k + ak < k1 ? p.a(m0 + am, k + ak) : 0.0f;
            rb[i] = k + bk < k1 && n0 + bn < N ? p.b(k + bk, n0 + bn) : 0.0f;
        }
    };
    auto stash = [&](int stage)
    {
        float *As = tiles + stage * StageFloats, *Bs = As + BM * AStride;
NETDSL_UNROLL
        for (int i = 0; i < PerThread; i++)
        {
            int e = tid + i * Threads;
            As[e / BK * AStride + e % BK] = __uint_as_float(to_tf32(ra[i]));
            Bs[e / BN * BStride + e % BN] = __uint_as_float(to_tf32(rb[i]));
        }
    };

    // Double-buffered: while the warps read one stage, the next K step is gathered into registers and stored to the
    // other, so one barrier per K step separates both the stores from the reads after them and the reads from the
    // stores that overwrite them.
    if (k0 < k1) gather(k0), stash(0);
    __syncthreads();
    int stage = 0;
    for (long long k = k0; k < k1; k += BK, stage ^= 1)
    {
        const bool more = k + BK < k1;
        if (more) gather(k + BK);   // global loads in flight while the tensor cores work
        const float *As = tiles + stage * StageFloats, *Bs = As + BM * AStride;
NETDSL_UNROLL
        for (int kk = 0; kk < BK; kk += 8)
        {
            unsigned a[2][4], b[4][2];
            for (int i = 0; i < 2; i++)
            {
                const float* at = As + (wm + 16 * i) * AStride + kk;
                a[i][0] = __float_as_uint(at[g * AStride + t]);
                a[i][1] = __float_as_uint(at[(g + 8) * AStride + t]);
                a[i][2] = __float_as_uint(at[g * AStride + t + 4]);
                a[i][3] = __float_as_uint(at[(g + 8) * AStride + t + 4]);
            }
            for (int j = 0; j < 4; j++)
            {
                const float* bt = Bs + kk * BStride + wn + 8 * j;
                b[j][0] = __float_as_uint(bt[t * BStride + g]);
                b[j][1] = __float_as_uint(bt[(t + 4) * BStride + g]);
            }
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 4; j++)
                    mma_tf32(acc[i][j], a[i], b[j], As + (wm + 16 * i) * AStride + kk, AStride, Bs + kk * BStride + wn + 8 * j, BStride);
        }
        if (more) stash(stage ^ 1);
        __syncthreads();
    }

    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 4; j++)
            for (int r = 0; r < 4; r++)
            {
                int m = m0 + wm + 16 * i + g + 8 * (r >> 1);
                long long n = n0 + wn + 8 * j + 2 * t + (r & 1);
                if (m < Problem::M && n < N) p.store(m, n, acc[i][j][r]);
            }
}

// Launches cover at least ⌈M/64⌉·⌈N/64⌉ blocks (m fastest); the extra ones return at once.
template <class Problem>
__device__ void gemm(const Problem& p)
{
    constexpr int TilesM = (Problem::M + BM - 1) / BM;
    long long tile = blockIdx.x, n0 = tile / TilesM * BN;
    if (n0 >= p.columns()) return;
    gemm_tile(p, (int)(tile % TilesM) * BM, n0, 0, Problem::Depth);
}

// ---- the three convolution problems (sizes as conv2d_forward's) -----------------------------------------------------
template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, bool Bias, int Act>
struct ConvForward
{
    static constexpr int M = Co, Depth = Ci * K * K;
    float* y; const float* x; const float* w; const float* bias; int n;

    __device__ long long columns() const { return (long long)n * Ho * Wo; }
    __device__ float a(int co, long long k) const { return w[(long long)co * Depth + k]; }
    __device__ float b(long long k, long long col) const
    {
        int ci = (int)(k / (K * K)), kh = (int)(k / K % K), kw = (int)(k % K);
        int ow = (int)(col % Wo), oh = (int)(col / Wo % Ho), ih = oh * S - P + kh, iw = ow * S - P + kw;
        long long s = col / (Ho * Wo);
        return ih >= 0 && ih < H && iw >= 0 && iw < W ? x[((s * Ci + ci) * H + ih) * W + iw] : 0.0f;
    }
    __device__ void store(int co, long long col, float v) const
    {
        y[(col / (Ho * Wo) * Co + co) * (Ho * Wo) + col % (Ho * Wo)] = activate<Act>(v + (Bias ? bias[co] : 0.0f));
    }
};

// dy' at output (s, co, oh, ow): dy through the fused activation's derivative.
template <int Co, int Ho, int Wo, int Act>
__device__ __forceinline__ float pre_activation_gradient(const float* dy, const float* y, long long s, int co, int oh, int ow)
{
    long long o = ((s * Co + co) * Ho + oh) * Wo + ow;
    return through_activation<Act>(dy[o], Act ? y[o] : 0.0f);
}

template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, int Act>
struct ConvBackwardInput
{
    static constexpr int M = Ci, Depth = Co * K * K;
    float* dx; const float* dy; const float* y; const float* w; int n;

    __device__ long long columns() const { return (long long)n * H * W; }
    __device__ float a(int ci, long long k) const   // k = (co, kh, kw)
    {
        return w[((k / (K * K) * Ci + ci) * K + k / K % K) * K + k % K];
    }
    __device__ float b(long long k, long long col) const
    {
        int co = (int)(k / (K * K)), kh = (int)(k / K % K), kw = (int)(k % K);
        int iw = (int)(col % W), ih = (int)(col / W % H), th = ih + P - kh, tw = iw + P - kw;
        if (th < 0 || tw < 0 || th % S != 0 || tw % S != 0 || th / S >= Ho || tw / S >= Wo) return 0.0f;
        return pre_activation_gradient<Co, Ho, Wo, Act>(dy, y, col / (H * W), co, th / S, tw / S);
    }
    __device__ void store(int ci, long long col, float v) const
    {
        dx[(col / (H * W) * Ci + ci) * (H * W) + col % (H * W)] = v;
    }
};

// Split `split` of Splits: the partial sum over its share of K = n·Ho·Wo, into partials[split][co][ci·K²].
template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, int Act>
struct ConvWeightPartials
{
    static constexpr int M = Co, N = Ci * K * K;
    float* partials; const float* dy; const float* y; const float* x; int split;

    __device__ long long columns() const { return N; }
    __device__ float a(int co, long long k) const   // k = (s, oh, ow)
    {
        return pre_activation_gradient<Co, Ho, Wo, Act>(dy, y, k / (Ho * Wo), co, (int)(k / Wo % Ho), (int)(k % Wo));
    }
    __device__ float b(long long k, long long col) const
    {
        int ci = (int)(col / (K * K)), kh = (int)(col / K % K), kw = (int)(col % K);
        int ow = (int)(k % Wo), oh = (int)(k / Wo % Ho), ih = oh * S - P + kh, iw = ow * S - P + kw;
        long long s = k / (Ho * Wo);
        return ih >= 0 && ih < H && iw >= 0 && iw < W ? x[((s * Ci + ci) * H + ih) * W + iw] : 0.0f;
    }
    __device__ void store(int co, long long col, float v) const { partials[((long long)split * M + co) * N + col] = v; }
};

}  // namespace tc

// ---- the kernels' bodies, named as the reference ones with _tc --------------------------------------------------------
template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, bool Bias, int Act = 0>
__device__ void conv2d_forward_tc(float* y, const float* x, const float* w, const float* b, int n)
{
    tc::gemm(tc::ConvForward<Ci, H, W, Co, K, S, P, Ho, Wo, Bias, Act>{y, x, w, b, n});
}

template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, int Act = 0>
__device__ void conv2d_backward_input_tc(float* dx, const float* dy, const float* y, const float* w, int n)
{
    tc::gemm(tc::ConvBackwardInput<Ci, H, W, Co, K, S, P, Ho, Wo, Act>{dx, dy, y, w, n});
}

// Blocks: Splits × ⌈Co/64⌉ × ⌈Ci·K²/64⌉, tiles fastest. Split s takes K range [s·chunk, (s+1)·chunk) of n·Ho·Wo, chunk
// a multiple of the K step; empty splits still write their zeros, so the sum never reads stale scratch.
template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, int Splits, int Act = 0>
__device__ void conv2d_weight_partials_tc(float* partials, const float* dy, const float* y, const float* x, int n)
{
    using Problem = tc::ConvWeightPartials<Ci, H, W, Co, K, S, P, Ho, Wo, Act>;
    constexpr int TilesM = (Co + tc::BM - 1) / tc::BM, TilesN = (Problem::N + tc::BN - 1) / tc::BN;
    int tile = blockIdx.x % (TilesM * TilesN), split = blockIdx.x / (TilesM * TilesN);
    if (split >= Splits) return;
    long long total = (long long)n * Ho * Wo, chunk = (total + Splits * tc::BK - 1) / (Splits * tc::BK) * tc::BK;
    long long k0 = split * chunk, k1 = k0 + chunk < total ? k0 + chunk : total;
    tc::gemm_tile(Problem{partials, dy, y, x, split}, tile % TilesM * tc::BM, (long long)(tile / TilesM) * tc::BN, k0, k1);
}

// dw (Co, Ci, K, K) += Σ over splits of the partials, in split order; db (Co) += Σ dy'. Any grid.
template <int Ci, int Co, int K, int Ho, int Wo, int Splits, bool Bias, int Act = 0>
__device__ void conv2d_weight_sum_tc(float* dw, float* db, const float* partials, const float* dy, const float* y, int n)
{
    constexpr long long Weights = (long long)Co * Ci * K * K;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < Weights + (Bias ? Co : 0); i += (long long)gridDim.x * blockDim.x)
    {
        if (i >= Weights)
        {
            int co = (int)(i - Weights);
            db[co] += conv2d_bias_gradient<Co, Ho * Wo>(ThroughActivation<Act>{dy, y}, co, n);
            continue;
        }
        float sum = 0.0f;
        for (int s = 0; s < Splits; s++) sum += partials[s * Weights + i];
        dw[i] += sum;
    }
}

}  // namespace netdsl
