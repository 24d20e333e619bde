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

// The whole shape arrives at run time, so one kernel serves every convolution with the same bias and activation
// (ResNet-50's 53 convolutions share three forward kernels); every division by a size goes through Divider.
struct ConvShape
{
    int ci, h, w, co, k, s, p, ho, wo;   // input channels and size, output channels, kernel, stride, padding, output size
};

// A shape passed in a launch's values (NetDslArgs.values), in ConvShape's field order.
__device__ __forceinline__ ConvShape conv_shape(const long long* v)
{
    return {(int)v[0], (int)v[1], (int)v[2], (int)v[3], (int)v[4], (int)v[5], (int)v[6], (int)v[7], (int)v[8]};
}

namespace tc {

constexpr int BM = 64, BN = 64, BK = 32, Threads = 128;

// Blocks an SM must fit, __launch_bounds__'s second argument, which caps ptxas's registers: 4 on sm_90 (128 registers,
// 16 warps: the 25 % occupancy floor of KernelBudgets), where the GEMM fits them without spilling; 3 elsewhere (up to
// 170), because sm_80's ptxas spills a few bytes of the forward GEMM at 128.
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
#define NETDSL_TC_BLOCKS_PER_SM 4
#else
#define NETDSL_TC_BLOCKS_PER_SM 3
#endif
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


// (NETDSL_UNROLL: the fragment and accumulator arrays must be indexed by constants to live in registers.)
// One block's 64×64 tile of C at (m0, n0) over depth [k0, k1). Each thread gathers, per K step, one depth of A for 16
// rows and one column of B for 16 depths, so what depends only on its column (B: the sample and window origin) or its
// depth (A) is worked out once per step or tile, not per element. A Problem gives rows() (M), columns() (N),
// depth(k) and a(depth, m) for A, column(n) and b(column, k) for B, and for C outputs(n), then output(outputs, δ) for
// column n + δ (δ < 32) and store(output, m, value).
// (A thread keeping one depth of B and 16 columns instead would hold 16 columns' worth of indices across the K loop.)
template <class Problem>
__device__ void gemm_tile(const Problem& p, int m0, int n0, int k0, int k1)
{
    float* const tiles = shared_tiles();   // two stages of As[m][k] (row stride AStride) then Bs[k][n] (BStride)
    const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32, g = lane >> 2, t = lane & 3;
    const int wm = (warp & 1) * 32, wn = (warp >> 1) * 32;
    constexpr int PerThread = BM * BK / Threads, ARowStep = Threads / BK, BDepthStep = Threads / BN;
    static_assert(BK * BN / Threads == PerThread && Threads == 4 * 32, "each thread gathers as much of A as of B; 2x2 warps");
    // Consecutive threads take consecutive depths of A (a weight row is contiguous) and consecutive columns of B.
    const int ak = tid % BK, am = tid / BK, bn = tid % BN, bk = tid / BN;
    const int M = p.rows(), N = p.columns();
    const bool columnInside = n0 + bn < N;
    const auto column = p.column(columnInside ? n0 + bn : 0);
    const int firstOutput = n0 + wn + 2 * t;
    const auto outputs = p.outputs(firstOutput < N ? firstOutput : 0);

    float acc[2][4][4] = {};
    float ra[PerThread], rb[PerThread];
    auto gather = [&](int k)
    {
        const bool depthInside = k + ak < k1;
        const auto depth = p.depth(depthInside ? k + ak : k0);
NETDSL_UNROLL
        for (int i = 0; i < PerThread; i++)
        {
            const int m = m0 + am + ARowStep * i, kb = k + bk + BDepthStep * i;
            ra[i] = depthInside && m < M ? p.a(depth, m) : 0.0f;
            rb[i] = columnInside && kb < k1 ? p.b(column, kb) : 0.0f;
        }
    };
    auto stash = [&](int stage)
    {
        float *As = tiles + stage * StageFloats, *Bs = As + BM * AStride;
NETDSL_UNROLL
        for (int i = 0; i < PerThread; i++)
        {
            As[(am + ARowStep * i) * AStride + ak] = __uint_as_float(to_tf32(ra[i]));
            Bs[(bk + BDepthStep * i) * BStride + bn] = __uint_as_float(to_tf32(rb[i]));
        }
    };

    // Double-buffered: while the warps read one stage, the next K step is gathered into registers and stored to the
    // other, so one barrier per K step separates both the stores from the reads after them and the reads from the
    // stores that overwrite them.
    if (k0 < k1) gather(k0), stash(0);
    __syncthreads();
    int stage = 0;
    for (int k = k0; k < k1; k += BK, stage ^= 1)
    {
        const bool more = k + BK < k1;
        if (more) gather(k + BK);   // global loads in flight while the tensor cores work
        const float *As = tiles + stage * StageFloats, *Bs = As + BM * AStride;
NETDSL_UNROLL
        for (int kk = 0; kk < BK; kk += 8)
        {
            unsigned a[2][4], b[4][2];
NETDSL_UNROLL
            for (int i = 0; i < 2; i++)
            {
                const float* at = As + (wm + 16 * i) * AStride + kk;
                a[i][0] = __float_as_uint(at[g * AStride + t]);
                a[i][1] = __float_as_uint(at[(g + 8) * AStride + t]);
                a[i][2] = __float_as_uint(at[g * AStride + t + 4]);
                a[i][3] = __float_as_uint(at[(g + 8) * AStride + t + 4]);
            }
NETDSL_UNROLL
            for (int j = 0; j < 4; j++)
            {
                const float* bt = Bs + kk * BStride + wn + 8 * j;
                b[j][0] = __float_as_uint(bt[t * BStride + g]);
                b[j][1] = __float_as_uint(bt[(t + 4) * BStride + g]);
            }
NETDSL_UNROLL
            for (int i = 0; i < 2; i++)
NETDSL_UNROLL
                for (int j = 0; j < 4; j++)
                    mma_tf32(acc[i][j], a[i], b[j], As + (wm + 16 * i) * AStride + kk, AStride, Bs + kk * BStride + wn + 8 * j, BStride);
        }
        if (more) stash(stage ^ 1);
        __syncthreads();
    }

    // Each thread holds 8 columns (j, and the pair 2t, 2t + 1) of 4 rows each (i, and g or g + 8), found from its
    // first column (split before the K loop, so the sizes it divides by need no registers through it).
NETDSL_UNROLL
    for (int j = 0; j < 4; j++)
NETDSL_UNROLL
        for (int c = 0; c < 2; c++)
        {
            if (firstOutput + 8 * j + c >= N) continue;
            const long long output = p.output(outputs, 8 * j + c);
NETDSL_UNROLL
            for (int i = 0; i < 2; i++)
NETDSL_UNROLL
                for (int h = 0; h < 2; h++)
                {
                    const int m = m0 + wm + 16 * i + g + 8 * h;
                    if (m < M) p.store(output, m, acc[i][j][2 * h + c]);
                }
        }
}

// Launches cover at least ⌈M/64⌉·⌈N/64⌉ blocks (m fastest); the extra ones return at once.
template <class Problem>
__device__ void gemm(const Problem& p)
{
    const int tilesM = (p.rows() + BM - 1) / BM, n0 = (int)(blockIdx.x / tilesM) * BN;
    if (n0 >= p.columns()) return;
    gemm_tile(p, (int)(blockIdx.x % tilesM) * BM, n0, 0, p.depths());
}

// A position of an (n, C, H·W) tensor: the sample's offset plus the spatial index. Offsets inside one sample are int
// (a sample of one layer holds fewer than 2³¹ values), which keeps the 16 gathers of a K step within 128 registers.
__device__ __forceinline__ long long plane_offset(int sample, int channels, int spatial, int position)
{
    return (long long)sample * channels * spatial + position;
}

// Column col = (sample, position) of an (n, C, spatial) output; plus(δ) steps to column col + δ without dividing.
struct Position
{
    int sample, position;
    static __device__ Position of(int col, const Divider& byH, const Divider& byW)
    {
        int sample = byH.div(byW.div(col));
        return {sample, col - sample * byH.d * byW.d};
    }
    __device__ long long plus(int delta, int spatial, int channels) const
    {
        int s = sample, p = position + delta;
        while (p >= spatial) p -= spatial, s++;
        return plane_offset(s, channels, spatial, p);
    }
};

// ---- the three convolution problems --------------------------------------------------------------------------------
// Splits a depth or column index (c, kh, kw) of a K×K window: two multiply-highs, as a constant K would cost.
struct WindowIndex
{
    Divider byArea, byK;
    __device__ explicit WindowIndex(int k) : byArea(k * k), byK(k) {}
    __device__ __forceinline__ void split(int index, int& c, int& kh, int& kw) const
    {
        c = byArea.div(index);
        int r = index - c * byArea.d;
        kh = byK.div(r);
        kw = r - kh * byK.d;
    }
};

template <bool Bias, class Act>
struct ConvForward
{
    float* y; const float* x; const float* w; const float* bias; ConvShape s; int n;
    Divider byWo, byHo; WindowIndex window;

    __device__ ConvForward(float* y, const float* x, const float* w, const float* bias, ConvShape s, int n)
        : y(y), x(x), w(w), bias(bias), s(s), n(n), byWo(s.wo), byHo(s.ho), window(s.k) {}

    __device__ int rows() const { return s.co; }
    __device__ int columns() const { return n * s.ho * s.wo; }
    __device__ int depths() const { return s.ci * s.k * s.k; }
    __device__ int depth(int k) const { return k; }
    __device__ float a(int k, int co) const { return w[co * depths() + k]; }

    struct Column { const float* x; int ih, iw; };   // the sample's input and its window's top-left corner
    __device__ Column column(int col) const
    {
        int q = byWo.div(col), ow = col - q * s.wo, sample = byHo.div(q), oh = q - sample * s.ho;
        return {x + plane_offset(sample, s.ci, s.h * s.w, 0), oh * s.s - s.p, ow * s.s - s.p};
    }
    __device__ float b(const Column& c, int k) const
    {
        int ci, kh, kw;
        window.split(k, ci, kh, kw);
        int ih = c.ih + kh, iw = c.iw + kw;
        return ih >= 0 && ih < s.h && iw >= 0 && iw < s.w ? c.x[(ci * s.h + ih) * s.w + iw] : 0.0f;
    }
    __device__ Position outputs(int col) const { return Position::of(col, byHo, byWo); }
    __device__ long long output(Position first, int delta) const { return first.plus(delta, s.ho * s.wo, s.co); }
    __device__ void store(long long o, int co, float v) const
    {
        y[o + (long long)co * s.ho * s.wo] = Act::forward(v + (Bias ? bias[co] : 0.0f));
    }
};

template <class Act>
struct ConvBackwardInput
{
    float* dx; const float* dy; const float* y; const float* w; ConvShape s; int n;
    Divider byW, byH, byS; WindowIndex window;

    __device__ ConvBackwardInput(float* dx, const float* dy, const float* y, const float* w, ConvShape s, int n)
        : dx(dx), dy(dy), y(y), w(w), s(s), n(n), byW(s.w), byH(s.h), byS(s.s), window(s.k) {}

    __device__ int rows() const { return s.ci; }
    __device__ int columns() const { return n * s.h * s.w; }
    __device__ int depths() const { return s.co * s.k * s.k; }
    // Depth k = (co, kh, kw); A = wᵀ: w (Co, Ci, K, K) at (co, ci, kh, kw) = depth(k) + ci·K².
    __device__ int depth(int k) const
    {
        int co = window.byArea.div(k);
        return co * s.ci * window.byArea.d + (k - co * window.byArea.d);
    }
    __device__ float a(int depth, int ci) const { return w[depth + ci * window.byArea.d]; }

    struct Column { long long sample; int th, tw; };   // the sample's output offset; (ih, iw) + padding
    __device__ Column column(int col) const
    {
        int q = byW.div(col), iw = col - q * s.w, sample = byH.div(q), ih = q - sample * s.h;
        return {plane_offset(sample, s.co, s.ho * s.wo, 0), ih + s.p, iw + s.p};
    }
    // dy' at the output whose window puts (kh, kw) over this column's input: zero where the stride does not divide.
    __device__ float b(const Column& c, int k) const
    {
        int co, kh, kw;
        window.split(k, co, kh, kw);
        int th = c.th - kh, tw = c.tw - kw;
        if (th < 0 || tw < 0) return 0.0f;
        int oh = byS.div(th), ow = byS.div(tw);
        if (oh * s.s != th || ow * s.s != tw || oh >= s.ho || ow >= s.wo) return 0.0f;
        return ThroughActivation<Act>{dy, y}(c.sample + (co * s.ho + oh) * s.wo + ow);
    }
    __device__ Position outputs(int col) const { return Position::of(col, byH, byW); }
    __device__ long long output(Position first, int delta) const { return first.plus(delta, s.h * s.w, s.ci); }
    __device__ void store(long long o, int ci, float v) const { dx[o + (long long)ci * s.h * s.w] = v; }
};

// Split `split`'s partial sum over its share of depth = n·Ho·Wo, into partials[split][co][ci·K²].
template <class Act>
struct ConvWeightPartials
{
    float* partials; const float* dy; const float* y; const float* x; ConvShape s; int split;
    Divider bySpatial, byWo;

    __device__ ConvWeightPartials(float* partials, const float* dy, const float* y, const float* x, ConvShape s, int split)
        : partials(partials), dy(dy), y(y), x(x), s(s), split(split), bySpatial(s.ho * s.wo), byWo(s.wo) {}

    __device__ int rows() const { return s.co; }
    __device__ int columns() const { return s.ci * s.k * s.k; }
    // Depth k = (sample, oh, ow): A = dy' at (sample, co, oh, ow) = depth(k) + co·Ho·Wo.
    __device__ long long depth(int k) const
    {
        int sample = bySpatial.div(k);
        return plane_offset(sample, s.co, bySpatial.d, k - sample * bySpatial.d);
    }
    __device__ float a(long long depth, int co) const
    {
        return ThroughActivation<Act>{dy, y}(depth + co * bySpatial.d);
    }

    struct Column { const float* x; int kh, kw; };   // the input channel's plane in sample 0; kernel offsets − padding
    __device__ Column column(int col) const
    {
        int ci, kh, kw;
        WindowIndex(s.k).split(col, ci, kh, kw);
        return {x + (long long)ci * s.h * s.w, kh - s.p, kw - s.p};
    }
    // 32-bit offsets inside one layer's tensor (fewer than 2³¹ elements): the 16 gathers per K step stay in registers.
    __device__ float b(const Column& c, int k) const
    {
        int sample = bySpatial.div(k), position = k - sample * bySpatial.d, oh = byWo.div(position);
        int ih = oh * s.s + c.kh, iw = (position - oh * s.wo) * s.s + c.kw;
        return ih >= 0 && ih < s.h && iw >= 0 && iw < s.w ? c.x[sample * (s.ci * s.h * s.w) + ih * s.w + iw] : 0.0f;
    }
    __device__ int outputs(int col) const { return col; }
    __device__ long long output(int first, int delta) const { return (long long)split * s.co * columns() + first + delta; }
    __device__ void store(long long o, int co, float v) const { partials[o + (long long)co * columns()] = v; }
};

}  // namespace tc

// ---- the kernels' bodies, named as the reference ones with _tc ----------------------------------------------------------
template <bool Bias, class Act = Identity>
__device__ void conv2d_forward_tc(float* y, const float* x, const float* w, const float* b, ConvShape shape, int n)
{
    tc::gemm(tc::ConvForward<Bias, Act>(y, x, w, b, shape, n));
}

template <class Act = Identity>
__device__ void conv2d_backward_input_tc(float* dx, const float* dy, const float* y, const float* w, ConvShape shape, int n)
{
    tc::gemm(tc::ConvBackwardInput<Act>(dx, dy, y, w, shape, n));
}

// Blocks: splits × ⌈Co/64⌉ × ⌈Ci·K²/64⌉, tiles fastest. Split s takes depths [s·chunk, (s+1)·chunk) of n·Ho·Wo, chunk
// a multiple of the K step; empty splits still write their zeros, so the sum never reads stale scratch.
template <class Act = Identity>
__device__ void conv2d_weight_partials_tc(float* partials, const float* dy, const float* y, const float* x, ConvShape shape, int splits, int n)
{
    const int tilesM = (shape.co + tc::BM - 1) / tc::BM, tilesN = (shape.ci * shape.k * shape.k + tc::BN - 1) / tc::BN;
    const int tile = blockIdx.x % (tilesM * tilesN), split = blockIdx.x / (tilesM * tilesN);
    if (split >= splits) return;
    const int total = n * shape.ho * shape.wo, chunk = (total + splits * tc::BK - 1) / (splits * tc::BK) * tc::BK;
    const int k0 = split * chunk, k1 = k0 + chunk < total ? k0 + chunk : total;
    tc::gemm_tile(tc::ConvWeightPartials<Act>(partials, dy, y, x, shape, split), tile % tilesM * tc::BM, tile / tilesM * tc::BN, k0, k1);
}

// dw (Co, Ci, K, K) += Σ over splits of the partials, in split order; db (Co) += Σ dy'. Any grid.
template <bool Bias, class Act = Identity>
__device__ void conv2d_weight_sum_tc(float* dw, float* db, const float* partials, const float* dy, const float* y,
                                     ConvShape shape, int splits, int n)
{
    const long long weights = (long long)shape.co * shape.ci * shape.k * shape.k;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < weights + (Bias ? shape.co : 0); i += (long long)gridDim.x * blockDim.x)
    {
        if (i >= weights)
        {
            int co = (int)(i - weights);
            db[co] += conv2d_bias_gradient(ThroughActivation<Act>{dy, y}, shape.co, shape.ho * shape.wo, co, n);
            continue;
        }
        float sum = 0.0f;
        for (int s = 0; s < splits; s++) sum += partials[s * weights + i];
        dw[i] += sum;
    }
}

}  // namespace netdsl
