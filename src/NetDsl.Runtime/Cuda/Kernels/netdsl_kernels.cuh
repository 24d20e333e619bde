// NetDsl's CUDA layer library: one device function per layer direction, the same names and semantics as the CPU
// kernels (src/NetDsl.Runtime/Cpu). Sizes are mostly template arguments, constants in the generated kernel; where one
// kernel serves layers of many shapes (BatchNorm, the tensor-core convolutions) they come from the launch's values.
// Every function is a loop over independent outputs shared by a team: by default the whole grid (grid-stride: any
// grid is correct, there are no atomics, and results do not depend on the launch shape), or with netdsl::Block the
// threads of one block working on its tile of samples in shared memory (the whole-network kernels). This is the
// reference CUDA path; fused and tensor-core kernels are validated against it.
//
// Shapes: x, y (n, C, H, W) NCHW; conv weights (Cout, Cin, K, K); dense weights (Out, In); per-sample slots as on the CPU.
#pragma once
#include "netdsl_abi.cuh"

namespace netdsl {

// The dropout seed of the running step: kernels read it through here, wherever the ABI keeps it.
__device__ __forceinline__ unsigned long long step_seed(const NetDslArgs& a) { return a.step->seed; }

// +∞ as a bit pattern: NVRTC has no <math.h>, so no INFINITY macro.
__device__ __forceinline__ float infinity() { return __int_as_float(0x7f800000); }

// n / d for 0 ≤ n < 2³¹ by one multiply-high and a shift (Granlund & Montgomery): a divisor known only at run time
// (a shape passed in a launch's values) would otherwise cost a ~20-instruction division on every element.
struct Divider
{
    int d;
    unsigned magic;
    int shift;

    __device__ explicit Divider(int divisor) : d(divisor), shift(0)
    {
        while ((1u << shift) < (unsigned)divisor) shift++;
        magic = (unsigned)((((1ull << shift) - (unsigned)divisor) << 32) / (unsigned)divisor + 1);
    }
    __device__ __forceinline__ int div(int n) const { return (int)((__umulhi((unsigned)n, magic) + (unsigned)n) >> shift); }
};

#define NETDSL_FOR(i, total) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(total); i += (long long)gridDim.x * blockDim.x)

// ---- who shares a loop: every thread of the grid (one kernel per layer, the default) or the threads of one block (the
// whole-network kernels, where a block owns a tile of samples in shared memory and n is the tile's sample count).
// Weight gradients: the grid adds into the batch's gradient; a block stores its tile's partial sums, which
// sum_tiles adds up in a fixed order (no atomics), so they need no clearing.
struct Grid
{
    static __device__ __forceinline__ long long first() { return (long long)blockIdx.x * blockDim.x + threadIdx.x; }
    static __device__ __forceinline__ long long stride() { return (long long)gridDim.x * blockDim.x; }
    static __device__ __forceinline__ void deposit(float& gradient, float sum) { gradient += sum; }
};
struct Block
{
    static __device__ __forceinline__ long long first() { return threadIdx.x; }
    static __device__ __forceinline__ long long stride() { return blockDim.x; }
    static __device__ __forceinline__ void deposit(float& gradient, float sum) { gradient = sum; }
};
#define NETDSL_TEAM_FOR(i, total) for (long long i = Team::first(); i < (long long)(total); i += Team::stride())

// ---- activations, as types: Act::forward(v) and Act::backward(dy, x, y) = dL/dx. A parameter (a slope) travels as
// its float's bits in a template argument (C++17 has no float template arguments), so it is a constant in the kernel.
// ReadsOutput / ReadsInput: which of y and x backward needs (the other is passed as 0). An activation that needs only
// y fuses: a convolution or dense layer whose only reader it is computes it in place, and its backward recovers
// dL/d(pre-activation) from the stored y. Identity, "no activation", needs neither. ----------------------------------------------------------
struct Identity
{
    static constexpr bool ReadsOutput = false, ReadsInput = false;
    static __device__ __forceinline__ float forward(float v) { return v; }
    static __device__ __forceinline__ float backward(float dy, float, float) { return dy; }
};
struct Relu
{
    static constexpr bool ReadsOutput = true, ReadsInput = false;
    static __device__ __forceinline__ float forward(float v) { return v > 0.0f ? v : 0.0f; }
    static __device__ __forceinline__ float backward(float dy, float, float y) { return y > 0.0f ? dy : 0.0f; }
};
struct Tanh
{
    static constexpr bool ReadsOutput = true, ReadsInput = false;
    static __device__ __forceinline__ float forward(float v) { return tanhf(v); }
    static __device__ __forceinline__ float backward(float dy, float, float y) { return dy * (1.0f - y * y); }
};
struct Sigmoid
{
    static constexpr bool ReadsOutput = true, ReadsInput = false;
    static __device__ __forceinline__ float forward(float v) { return 1.0f / (1.0f + expf(-v)); }
    static __device__ __forceinline__ float backward(float dy, float, float y) { return dy * y * (1.0f - y); }
};
// x if x > 0, else slope·x. With slope ≥ 0 (the generator's rule) y > 0 exactly when x > 0.
template <int SlopeBits> struct LeakyRelu
{
    static constexpr bool ReadsOutput = true, ReadsInput = false;
    static __device__ __forceinline__ float forward(float v) { return v > 0.0f ? v : __int_as_float(SlopeBits) * v; }
    static __device__ __forceinline__ float backward(float dy, float, float y) { return y > 0.0f ? dy : __int_as_float(SlopeBits) * dy; }
};
// x if x > 0, else alpha·(eˣ − 1), whose derivative there is y + alpha. With alpha > 0, y > 0 exactly when x > 0.
template <int AlphaBits> struct Elu
{
    static constexpr bool ReadsOutput = true, ReadsInput = false;
    static __device__ __forceinline__ float forward(float v) { return v > 0.0f ? v : __int_as_float(AlphaBits) * (expf(v) - 1.0f); }
    static __device__ __forceinline__ float backward(float dy, float, float y) { return y > 0.0f ? dy : dy * (y + __int_as_float(AlphaBits)); }
};
// x·Φ(x) with the exact normal CDF (PyTorch's default); its derivative Φ(x) + x·φ(x) needs x, so it never fuses.
struct Gelu
{
    static constexpr bool ReadsOutput = false, ReadsInput = true;
    static __device__ __forceinline__ float forward(float v) { return 0.5f * v * (1.0f + erff(v * 0.70710678118654752f)); }
    static __device__ __forceinline__ float backward(float dy, float x, float)
    {
        return dy * (0.5f * (1.0f + erff(x * 0.70710678118654752f)) + x * 0.39894228040143268f * expf(-0.5f * x * x));
    }
};

// An activation layer on its own: y = f(x), dx = f'(x)·dy.
template <class Act, class Team = Grid> __device__ void activation_forward(float* y, const float* x, long long total)
{
    NETDSL_TEAM_FOR(i, total) y[i] = Act::forward(x[i]);
}
template <class Act, class Team = Grid> __device__ void activation_backward(float* dx, const float* dy, const float* x, const float* y, long long total)
{
    NETDSL_TEAM_FOR(i, total) dx[i] = Act::backward(dy[i], Act::ReadsInput ? x[i] : 0.0f, Act::ReadsOutput ? y[i] : 0.0f);
}

// ---- softmax over channels: y (n, C, Spatial) = exp(x − max_c x) / Σ_c exp(x − max_c x) at each sample and position;
// dx = y ⊙ (dy − Σ_c dy·y). As the CPU's Softmax: PyTorch's F.softmax(x, dim=1), Spatial 1 for (n, C) inputs. ------------
// One thread per (sample, position) owns its C outputs: it recomputes exp rather than keeping C values in registers.
// In place (y = x, dx = dy) works: a position's reads that precede its writes all come from that position.
template <int C, int Spatial, class Team = Grid>
__device__ void softmax_forward(float* y, const float* x, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * Spatial)
    {
        long long first = i / Spatial * C * Spatial + i % Spatial;
        float top = x[first];
        for (int c = 1; c < C; c++) top = fmaxf(top, x[first + (long long)c * Spatial]);
        float sum = 0.0f;
        for (int c = 0; c < C; c++) sum += expf(x[first + (long long)c * Spatial] - top);
        for (int c = 0; c < C; c++) y[first + (long long)c * Spatial] = expf(x[first + (long long)c * Spatial] - top) / sum;
    }
}

template <int C, int Spatial, class Team = Grid>
__device__ void softmax_backward(float* dx, const float* dy, const float* y, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * Spatial)
    {
        long long first = i / Spatial * C * Spatial + i % Spatial;
        float dot = 0.0f;
        for (int c = 0; c < C; c++) dot += dy[first + (long long)c * Spatial] * y[first + (long long)c * Spatial];
        for (int c = 0; c < C; c++)
        {
            long long j = first + (long long)c * Spatial;
            dx[j] = y[j] * (dy[j] - dot);
        }
    }
}

// ---- convolution: y (n, Co, Ho, Wo) = act(conv(x (n, Ci, H, W), w) + b) ----------------------------------------------
// One output (sample s, channel co, position oh, ow) before the activation.
template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, bool Bias>
__device__ __forceinline__ float conv2d_at(const float* x, const float* w, const float* b, long long s, int co, int oh, int ow)
{
    float sum = Bias ? b[co] : 0.0f;
    for (int ci = 0; ci < Ci; ci++)
        for (int kh = 0; kh < K; kh++)
        {
            int ih = oh * S - P + kh;
            if (ih < 0 || ih >= H) continue;
            for (int kw = 0; kw < K; kw++)
            {
                int iw = ow * S - P + kw;
                if (iw < 0 || iw >= W) continue;
                sum += x[((s * Ci + ci) * H + ih) * W + iw] * w[((co * Ci + ci) * K + kh) * K + kw];
            }
        }
    return sum;
}

template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, bool Bias, class Act = Identity, class Team = Grid>
__device__ void conv2d_forward(float* y, const float* x, const float* w, const float* b, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * Co * Ho * Wo)
    {
        int ow = (int)(i % Wo), oh = (int)(i / Wo % Ho), co = (int)(i / ((long long)Wo * Ho) % Co);
        y[i] = Act::forward(conv2d_at<Ci, H, W, Co, K, S, P, Ho, Wo, Bias>(x, w, b, i / ((long long)Wo * Ho * Co), co, oh, ow));
    }
}

// dL/d(pre-activation) at output o from the activation's gradient dy and output y (Identity: dy itself). The convolution
// backward reads its output gradient through such a source; ThroughPool (netdsl_fused.cuh) is the other one.
template <class Act> struct ThroughActivation
{
    const float* dy;
    const float* y;
    __device__ __forceinline__ float operator()(long long o) const { return Act::backward(dy[o], 0.0f, Act::ReadsOutput ? y[o] : 0.0f); }
};

// dx (n, Ci, H, W): every output position whose window covers (ih, iw), from dz, a source of dL/d(conv output).
template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, class Team = Grid, class Dz>
__device__ void conv2d_backward_input_from(float* dx, Dz dz, const float* w, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * Ci * H * W)
    {
        int iw = (int)(i % W), ih = (int)(i / W % H), ci = (int)(i / ((long long)W * H) % Ci);
        long long s = i / ((long long)W * H * Ci);
        float sum = 0.0f;
        for (int kh = 0; kh < K; kh++)
        {
            int t = ih + P - kh;
            if (t < 0 || t % S != 0 || t / S >= Ho) continue;
            for (int kw = 0; kw < K; kw++)
            {
                int u = iw + P - kw;
                if (u < 0 || u % S != 0 || u / S >= Wo) continue;
                for (int co = 0; co < Co; co++)
                {
                    long long o = ((s * Co + co) * Ho + t / S) * Wo + u / S;
                    sum += dz(o) * w[((co * Ci + ci) * K + kh) * K + kw];
                }
            }
        }
        dx[i] = sum;
    }
}

// Σ over samples and positions of channel co's dL/d(conv output), read from dz: its bias gradient. Co and Spatial are
// constants where the caller's are, run-time values for the tensor-core weight sum.
template <class Dz>
__device__ __forceinline__ float conv2d_bias_gradient(Dz dz, int Co, int Spatial, int co, int n)
{
    float sum = 0.0f;
    for (int s = 0; s < n; s++)
        for (int p = 0; p < Spatial; p++) sum += dz(((long long)s * Co + co) * Spatial + p);
    return sum;
}

// With Act, dy and y are the activation's.
template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, class Act = Identity, class Team = Grid>
__device__ void conv2d_backward_input(float* dx, const float* dy, const float* y, const float* w, int n)
{
    conv2d_backward_input_from<Ci, H, W, Co, K, S, P, Ho, Wo, Team>(dx, ThroughActivation<Act>{dy, y}, w, n);
}

// dw (Co, Ci, K, K) += Σ over samples and positions; db (Co) += Σ dy.
template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, bool Bias, class Team = Grid, class Dz>
__device__ void conv2d_backward_weights_from(float* dw, float* db, Dz dz, const float* x, int n)
{
    NETDSL_TEAM_FOR(i, (long long)Co * Ci * K * K + (Bias ? Co : 0))
    {
        if (i >= (long long)Co * Ci * K * K)
        {
            int co = (int)(i - (long long)Co * Ci * K * K);
            Team::deposit(db[co], conv2d_bias_gradient(dz, Co, Ho * Wo, co, n));
            continue;
        }
        int kw = (int)(i % K), kh = (int)(i / K % K), ci = (int)(i / (K * K) % Ci), co = (int)(i / ((long long)K * K * Ci));
        float sum = 0.0f;
        for (int s = 0; s < n; s++)
            for (int oh = 0; oh < Ho; oh++)
            {
                int ih = oh * S - P + kh;
                if (ih < 0 || ih >= H) continue;
                for (int ow = 0; ow < Wo; ow++)
                {
                    int iw = ow * S - P + kw;
                    if (iw < 0 || iw >= W) continue;
                    sum += dz((((long long)s * Co + co) * Ho + oh) * Wo + ow) * x[(((long long)s * Ci + ci) * H + ih) * W + iw];
                }
            }
        Team::deposit(dw[i], sum);
    }
}

template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, bool Bias, class Act = Identity, class Team = Grid>
__device__ void conv2d_backward_weights(float* dw, float* db, const float* dy, const float* y, const float* x, int n)
{
    conv2d_backward_weights_from<Ci, H, W, Co, K, S, P, Ho, Wo, Bias, Team>(dw, db, ThroughActivation<Act>{dy, y}, x, n);
}

// ---- general convolution: PyTorch's Conv2d with groups, dilation and a rectangular kernel, stride and padding ------
// w (Co, Ci/Groups, KH, KW); group g maps input channels [g·Ci/G, (g+1)·Ci/G) to output channels [g·Co/G, (g+1)·Co/G)
// (Groups = Ci: depthwise). Tap (kh, kw) of output (oh, ow) reads input (oh·SH − PH + kh·DH, ow·SW − PW + kw·DW).
// Sizes are template arguments as in conv2d_*; Ho and Wo are checked against PyTorch's formula at compile time.
template <int Size, int K, int S, int P, int D> struct ConvOutputSize
{
    static constexpr int value = (Size + 2 * P - D * (K - 1) - 1) / S + 1;
};

// One output (sample s, channel co, position oh, ow) before the activation.
template <int Ci, int H, int W, int Co, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int Groups, int Ho, int Wo, bool Bias>
__device__ __forceinline__ float conv2d_general_at(const float* x, const float* w, const float* b, long long s, int co, int oh, int ow)
{
    constexpr int CiG = Ci / Groups, CoG = Co / Groups;
    const float* xg = x + (s * Ci + co / CoG * CiG) * H * W;   // the group's first input channel
    const float* wc = w + (long long)co * CiG * KH * KW;
    float sum = Bias ? b[co] : 0.0f;
    for (int c = 0; c < CiG; c++)
        for (int kh = 0; kh < KH; kh++)
        {
            int ih = oh * SH - PH + kh * DH;
            if (ih < 0 || ih >= H) continue;
            for (int kw = 0; kw < KW; kw++)
            {
                int iw = ow * SW - PW + kw * DW;
                if (iw < 0 || iw >= W) continue;
                sum += xg[((long long)c * H + ih) * W + iw] * wc[(c * KH + kh) * KW + kw];
            }
        }
    return sum;
}

template <int Ci, int H, int W, int Co, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int Groups, int Ho, int Wo, bool Bias,
          class Act = Identity, class Team = Grid>
__device__ void conv2d_general_forward(float* y, const float* x, const float* w, const float* b, int n)
{
    static_assert(Ci % Groups == 0 && Co % Groups == 0, "channels split evenly into groups");
    static_assert(Ho == ConvOutputSize<H, KH, SH, PH, DH>::value && Wo == ConvOutputSize<W, KW, SW, PW, DW>::value, "Ho, Wo as PyTorch's");
    NETDSL_TEAM_FOR(i, (long long)n * Co * Ho * Wo)
    {
        int ow = (int)(i % Wo), oh = (int)(i / Wo % Ho), co = (int)(i / ((long long)Wo * Ho) % Co);
        y[i] = Act::forward(conv2d_general_at<Ci, H, W, Co, KH, KW, SH, SW, PH, PW, DH, DW, Groups, Ho, Wo, Bias>(
            x, w, b, i / ((long long)Wo * Ho * Co), co, oh, ow));
    }
}

// dx (n, Ci, H, W) from dz, a source of dL/d(conv output): a gather over the output positions whose windows cover
// (ih, iw) — those where ih + PH − kh·DH is a multiple of SH inside [0, Ho·SH) — and the group's output channels.
template <int Ci, int H, int W, int Co, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int Groups, int Ho, int Wo,
          class Team = Grid, class Dz>
__device__ void conv2d_general_backward_input_from(float* dx, Dz dz, const float* w, int n)
{
    static_assert(Ci % Groups == 0 && Co % Groups == 0, "channels split evenly into groups");
    static_assert(Ho == ConvOutputSize<H, KH, SH, PH, DH>::value && Wo == ConvOutputSize<W, KW, SW, PW, DW>::value, "Ho, Wo as PyTorch's");
    constexpr int CiG = Ci / Groups, CoG = Co / Groups;
    NETDSL_TEAM_FOR(i, (long long)n * Ci * H * W)
    {
        int iw = (int)(i % W), ih = (int)(i / W % H), ci = (int)(i / ((long long)W * H) % Ci);
        long long s = i / ((long long)W * H * Ci);
        int c = ci % CiG, co0 = ci / CiG * CoG;   // channel within its group; the group's first output channel
        float sum = 0.0f;
        for (int kh = 0; kh < KH; kh++)
        {
            int t = ih + PH - kh * DH;
            if (t < 0 || t % SH != 0 || t / SH >= Ho) continue;
            for (int kw = 0; kw < KW; kw++)
            {
                int u = iw + PW - kw * DW;
                if (u < 0 || u % SW != 0 || u / SW >= Wo) continue;
                for (int co = co0; co < co0 + CoG; co++)
                    sum += dz(((s * Co + co) * Ho + t / SH) * Wo + u / SW) * w[(((long long)co * CiG + c) * KH + kh) * KW + kw];
            }
        }
        dx[i] = sum;
    }
}

// With Act, dy and y are the activation's.
template <int Ci, int H, int W, int Co, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int Groups, int Ho, int Wo,
          class Act = Identity, class Team = Grid>
__device__ void conv2d_general_backward_input(float* dx, const float* dy, const float* y, const float* w, int n)
{
    conv2d_general_backward_input_from<Ci, H, W, Co, KH, KW, SH, SW, PH, PW, DH, DW, Groups, Ho, Wo, Team>(dx, ThroughActivation<Act>{dy, y}, w, n);
}

// dw (Co, Ci/Groups, KH, KW) += Σ over samples and positions; db (Co) += Σ dz. One thread per weight: no atomics.
template <int Ci, int H, int W, int Co, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int Groups, int Ho, int Wo, bool Bias,
          class Team = Grid, class Dz>
__device__ void conv2d_general_backward_weights_from(float* dw, float* db, Dz dz, const float* x, int n)
{
    static_assert(Ci % Groups == 0 && Co % Groups == 0, "channels split evenly into groups");
    static_assert(Ho == ConvOutputSize<H, KH, SH, PH, DH>::value && Wo == ConvOutputSize<W, KW, SW, PW, DW>::value, "Ho, Wo as PyTorch's");
    constexpr int CiG = Ci / Groups, CoG = Co / Groups;
    constexpr long long Weights = (long long)Co * CiG * KH * KW;
    NETDSL_TEAM_FOR(i, Weights + (Bias ? Co : 0))
    {
        if (i >= Weights)
        {
            int co = (int)(i - Weights);
            Team::deposit(db[co], conv2d_bias_gradient(dz, Co, Ho * Wo, co, n));
            continue;
        }
        int kw = (int)(i % KW), kh = (int)(i / KW % KH), c = (int)(i / (KW * KH) % CiG), co = (int)(i / ((long long)KW * KH * CiG));
        int ci = co / CoG * CiG + c;
        float sum = 0.0f;
        for (int s = 0; s < n; s++)
            for (int oh = 0; oh < Ho; oh++)
            {
                int ih = oh * SH - PH + kh * DH;
                if (ih < 0 || ih >= H) continue;
                for (int ow = 0; ow < Wo; ow++)
                {
                    int iw = ow * SW - PW + kw * DW;
                    if (iw < 0 || iw >= W) continue;
                    sum += dz((((long long)s * Co + co) * Ho + oh) * Wo + ow) * x[(((long long)s * Ci + ci) * H + ih) * W + iw];
                }
            }
        Team::deposit(dw[i], sum);
    }
}

template <int Ci, int H, int W, int Co, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW, int Groups, int Ho, int Wo, bool Bias,
          class Act = Identity, class Team = Grid>
__device__ void conv2d_general_backward_weights(float* dw, float* db, const float* dy, const float* y, const float* x, int n)
{
    conv2d_general_backward_weights_from<Ci, H, W, Co, KH, KW, SH, SW, PH, PW, DH, DW, Groups, Ho, Wo, Bias, Team>(
        dw, db, ThroughActivation<Act>{dy, y}, x, n);
}

// ---- dense: y (n, Out) = act(x (n, In) · wᵀ + b) --------------------------------------------------------------------
template <int In, int Out, class Act = Identity, class Team = Grid>
__device__ void dense_forward(float* y, const float* x, const float* w, const float* b, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * Out)
    {
        int o = (int)(i % Out);
        long long s = i / Out;
        float sum = b[o];
        for (int k = 0; k < In; k++) sum += x[s * In + k] * w[(long long)o * In + k];
        y[i] = Act::forward(sum);
    }
}

template <int In, int Out, class Act = Identity, class Team = Grid>
__device__ void dense_backward_input(float* dx, const float* dy, const float* y, const float* w, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * In)
    {
        int k = (int)(i % In);
        long long s = i / In;
        float sum = 0.0f;
        for (int o = 0; o < Out; o++) sum += Act::backward(dy[s * Out + o], 0.0f, Act::ReadsOutput ? y[s * Out + o] : 0.0f) * w[(long long)o * In + k];
        dx[i] = sum;
    }
}

template <int In, int Out, class Act = Identity, class Team = Grid>
__device__ void dense_backward_weights(float* dw, float* db, const float* dy, const float* y, const float* x, int n)
{
    NETDSL_TEAM_FOR(i, (long long)Out * In + Out)
    {
        float sum = 0.0f;
        if (i >= (long long)Out * In)
        {
            int o = (int)(i - (long long)Out * In);
            for (int s = 0; s < n; s++) sum += Act::backward(dy[(long long)s * Out + o], 0.0f, Act::ReadsOutput ? y[(long long)s * Out + o] : 0.0f);
            Team::deposit(db[o], sum);
            continue;
        }
        int o = (int)(i / In), k = (int)(i % In);
        for (int s = 0; s < n; s++)
            sum += Act::backward(dy[(long long)s * Out + o], 0.0f, Act::ReadsOutput ? y[(long long)s * Out + o] : 0.0f) * x[(long long)s * In + k];
        Team::deposit(dw[i], sum);
    }
}

// ---- pooling (floor or ceil mode, padding; average divides as PyTorch's count_include_pad, true by default) -----------
// CountPad, last so that the forms without it keep their meaning: average pooling's divisor is the window's extent
// within the padded input, clipped only at its far edge (H + P, W + P) (true), or its number of elements of x (false).
// Max pooling ignores it.
template <int H, int W, int K, int P, bool CountPad>
__device__ __forceinline__ float pool_divisor(int h0, int w0)
{
    int h1 = min(h0 + K, H + P), w1 = min(w0 + K, W + P);
    if (!CountPad) { h0 = max(h0, 0); w0 = max(w0, 0); h1 = min(h1, H); w1 = min(w1, W); }
    return (float)((h1 - h0) * (w1 - w0));
}

// The window starting at (h0, w0) over an H×W plane whose values value(h, w) gives (a read, or a fused convolution).
template <int H, int W, int K, int P, bool Max, class Value, bool CountPad = true>
__device__ __forceinline__ float pool_window(int h0, int w0, Value value)
{
    int h1 = min(h0 + K, H + P), w1 = min(w0 + K, W + P);
    float acc = Max ? -infinity() : 0.0f;
    for (int h = max(h0, 0); h < min(h1, H); h++)
        for (int w = max(w0, 0); w < min(w1, W); w++)
        {
            float v = value(h, w);
            if (Max) { if (v > acc || v != v) acc = v; } else acc += v;
        }
    return Max ? acc : acc / pool_divisor<H, W, K, P, CountPad>(h0, w0);
}

// Where in the plane the first maximum of the window at (h0, w0) lies (h · W + w): max pooling's backward routes there.
template <int H, int W, int K>
__device__ __forceinline__ int pool_first_max(const float* plane, int h0, int w0)
{
    int best = -1;
    float top = -infinity();
    for (int a = max(h0, 0); a < min(h0 + K, H); a++)
        for (int b = max(w0, 0); b < min(w0 + K, W); b++)
        {
            float v = plane[a * W + b];
            if (best < 0 || v > top || v != v) { if (!(top != top)) { top = v; best = a * W + b; } }
        }
    return best;
}

template <int C, int H, int W, int K, int S, int P, int Ho, int Wo, bool Max, class Team = Grid, bool CountPad = true>
__device__ void pool2d_forward(float* y, const float* x, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * C * Ho * Wo)
    {
        int ow = (int)(i % Wo), oh = (int)(i / Wo % Ho);
        const float* plane = x + i / ((long long)Wo * Ho) * H * W;
        auto read = [&](int h, int w) { return plane[h * W + w]; };
        y[i] = pool_window<H, W, K, P, Max, decltype(read), CountPad>(oh * S - P, ow * S - P, read);
    }
}

// dx: every window covering (h, w); max pooling routes to the first maximum of each window, as the CPU does.
template <int C, int H, int W, int K, int S, int P, int Ho, int Wo, bool Max, class Team = Grid, bool CountPad = true>
__device__ void pool2d_backward(float* dx, const float* dy, const float* x, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * C * H * W)
    {
        int w = (int)(i % W), h = (int)(i / W % H);
        long long plane = i / ((long long)W * H);
        float sum = 0.0f;
        for (int oh = max(0, (h + P - K + S) / S); oh < Ho && oh * S - P <= h; oh++)
            for (int ow = max(0, (w + P - K + S) / S); ow < Wo && ow * S - P <= w; ow++)
            {
                int h0 = oh * S - P, w0 = ow * S - P;
                if (h >= h0 + K || w >= w0 + K) continue;
                float g = dy[(plane * Ho + oh) * Wo + ow];
                if (Max)
                {
                    if (pool_first_max<H, W, K>(x + plane * H * W, h0, w0) == h * W + w) sum += g;
                }
                else sum += g / pool_divisor<H, W, K, P, CountPad>(h0, w0);
            }
        dx[i] = sum;
    }
}

template <int C, int Spatial, bool Max>
__device__ void global_pool_forward(float* y, const float* x, int n)
{
    NETDSL_FOR(i, (long long)n * C)
    {
        float acc = Max ? -infinity() : 0.0f;
        for (int p = 0; p < Spatial; p++)
        {
            float v = x[i * Spatial + p];
            if (Max) { if (v > acc) acc = v; } else acc += v;
        }
        y[i] = Max ? acc : acc / Spatial;
    }
}

template <int C, int Spatial, bool Max>
__device__ void global_pool_backward(float* dx, const float* dy, const float* x, int n)
{
    NETDSL_FOR(i, (long long)n * C * Spatial)
    {
        long long plane = i / Spatial;
        if (!Max) { dx[i] = dy[plane] / Spatial; continue; }
        int first = 0;
        for (int p = 1; p < Spatial; p++) if (x[plane * Spatial + p] > x[plane * Spatial + first]) first = p;
        dx[i] = (i % Spatial == first) ? dy[plane] : 0.0f;
    }
}

// ---- transposed convolution: y (n, Co, Ho, Wo) = act(convtranspose(x (n, Ci, H, W), w (Ci, Co, K, K)) + b) ----------
// PyTorch's ConvTranspose2d (groups 1, dilation 1): input pixel (ih, iw) adds w[ci, co] · x onto output (ih·S − P + kh,
// iw·S − P + kw). Ho = (H − 1)·S − 2P + K + output padding, so Ho and Wo carry the output padding. Each loop gathers
// what lands on its own element instead of scattering, so there are no atomics.
template <int H, int W, int K, int S, int P, int Ho, int Wo>
__device__ __forceinline__ void convtranspose2d_check_sizes()
{
    static_assert(Ho - ((H - 1) * S - 2 * P + K) >= 0 && Ho - ((H - 1) * S - 2 * P + K) < S, "Ho is not (H - 1)·S − 2P + K + an output padding below S");
    static_assert(Wo - ((W - 1) * S - 2 * P + K) >= 0 && Wo - ((W - 1) * S - 2 * P + K) < S, "Wo is not (W - 1)·S − 2P + K + an output padding below S");
}

// The input row (or column) whose tap k lands on output o, or −1: o = i·S − P + k. Taps of o step by S from (o + P) mod S.
template <int S, int P, int In>
__device__ __forceinline__ int convtranspose2d_source(int o, int k)
{
    int t = o + P - k;
    return t < 0 || t % S != 0 || t / S >= In ? -1 : t / S;
}

template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, bool Bias, class Act = Identity, class Team = Grid>
__device__ void convtranspose2d_forward(float* y, const float* x, const float* w, const float* b, int n)
{
    convtranspose2d_check_sizes<H, W, K, S, P, Ho, Wo>();
    NETDSL_TEAM_FOR(i, (long long)n * Co * Ho * Wo)
    {
        int ow = (int)(i % Wo), oh = (int)(i / Wo % Ho), co = (int)(i / ((long long)Wo * Ho) % Co);
        long long s = i / ((long long)Wo * Ho * Co);
        float sum = Bias ? b[co] : 0.0f;
        // Only every S-th tap reaches (oh, ow): start at the first and step by S.
        for (int kh = (oh + P) % S; kh < K; kh += S)
        {
            int ih = convtranspose2d_source<S, P, H>(oh, kh);
            if (ih < 0) continue;
            for (int kw = (ow + P) % S; kw < K; kw += S)
            {
                int iw = convtranspose2d_source<S, P, W>(ow, kw);
                if (iw < 0) continue;
                for (int ci = 0; ci < Ci; ci++)
                    sum += x[((s * Ci + ci) * H + ih) * W + iw] * w[((ci * Co + co) * K + kh) * K + kw];
            }
        }
        y[i] = Act::forward(sum);
    }
}

// dx (n, Ci, H, W): a convolution of dz, the source of dL/d(transposed convolution output), over the taps inside it.
template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, class Team = Grid, class Dz>
__device__ void convtranspose2d_backward_input_from(float* dx, Dz dz, const float* w, int n)
{
    convtranspose2d_check_sizes<H, W, K, S, P, Ho, Wo>();
    NETDSL_TEAM_FOR(i, (long long)n * Ci * H * W)
    {
        int iw = (int)(i % W), ih = (int)(i / W % H), ci = (int)(i / ((long long)W * H) % Ci);
        long long s = i / ((long long)W * H * Ci);
        float sum = 0.0f;
        for (int co = 0; co < Co; co++)
            for (int kh = 0; kh < K; kh++)
            {
                int oh = ih * S - P + kh;
                if (oh < 0 || oh >= Ho) continue;
                for (int kw = 0; kw < K; kw++)
                {
                    int ow = iw * S - P + kw;
                    if (ow < 0 || ow >= Wo) continue;
                    sum += dz(((s * Co + co) * Ho + oh) * Wo + ow) * w[((ci * Co + co) * K + kh) * K + kw];
                }
            }
        dx[i] = sum;
    }
}

// With Act, dy and y are the activation's.
template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, class Act = Identity, class Team = Grid>
__device__ void convtranspose2d_backward_input(float* dx, const float* dy, const float* y, const float* w, int n)
{
    convtranspose2d_backward_input_from<Ci, H, W, Co, K, S, P, Ho, Wo, Team>(dx, ThroughActivation<Act>{dy, y}, w, n);
}

// dw (Ci, Co, K, K) += Σ over samples and input pixels of x · dz at the output the tap lands on; db (Co) += Σ dz.
template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, bool Bias, class Team = Grid, class Dz>
__device__ void convtranspose2d_backward_weights_from(float* dw, float* db, Dz dz, const float* x, int n)
{
    convtranspose2d_check_sizes<H, W, K, S, P, Ho, Wo>();
    NETDSL_TEAM_FOR(i, (long long)Ci * Co * K * K + (Bias ? Co : 0))
    {
        if (i >= (long long)Ci * Co * K * K)
        {
            int co = (int)(i - (long long)Ci * Co * K * K);
            Team::deposit(db[co], conv2d_bias_gradient(dz, Co, Ho * Wo, co, n));
            continue;
        }
        int kw = (int)(i % K), kh = (int)(i / K % K), co = (int)(i / (K * K) % Co), ci = (int)(i / ((long long)K * K * Co));
        float sum = 0.0f;
        for (int s = 0; s < n; s++)
            for (int ih = 0; ih < H; ih++)
            {
                int oh = ih * S - P + kh;
                if (oh < 0 || oh >= Ho) continue;
                for (int iw = 0; iw < W; iw++)
                {
                    int ow = iw * S - P + kw;
                    if (ow < 0 || ow >= Wo) continue;
                    sum += x[(((long long)s * Ci + ci) * H + ih) * W + iw] * dz((((long long)s * Co + co) * Ho + oh) * Wo + ow);
                }
            }
        Team::deposit(dw[i], sum);
    }
}

template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, bool Bias, class Act = Identity, class Team = Grid>
__device__ void convtranspose2d_backward_weights(float* dw, float* db, const float* dy, const float* y, const float* x, int n)
{
    convtranspose2d_backward_weights_from<Ci, H, W, Co, K, S, P, Ho, Wo, Bias, Team>(dw, db, ThroughActivation<Act>{dy, y}, x, n);
}

// ---- upsampling by integer factors SH, SW (nn.Upsample): y (n, C, H·SH, W·SW) from x (n, C, H, W) -------------------
// Nearest: output o reads input o / S on each axis. Bilinear with align_corners=False: output o sits at source
// coordinate (o + ½)/S − ½, clamped at 0 (PyTorch's area_pixel_compute_source_index), and blends input low (weight
// 1 − λ) with high = min(low + 1, In − 1) (weight λ); the axes are independent. The backward passes gather, per input
// element, the outputs that read it (no atomics), with the forward's weights.
struct UpsampleTap
{
    int low, high;
    float lowWeight, highWeight;
};

// The source coordinate is (2o + 1 − S) / 2S: its floor and fraction come exactly from integers, as on the CPU.
template <int S, int In>
__device__ __forceinline__ UpsampleTap upsample_linear_tap(int o)
{
    int source = max(0, 2 * o + 1 - S), low = source / (2 * S), rest = source - low * (2 * S);
    return UpsampleTap{low, min(low + 1, In - 1), (float)(2 * S - rest) / (float)(2 * S), (float)rest / (float)(2 * S)};
}

// The weight of input i in output o along one axis: 0 when o does not read it, both weights at the edge where low = high.
template <int S, int In>
__device__ __forceinline__ float upsample_linear_weight(int o, int i)
{
    UpsampleTap t = upsample_linear_tap<S, In>(o);
    return (t.low == i ? t.lowWeight : 0.0f) + (t.high == i ? t.highWeight : 0.0f);
}

template <int C, int H, int W, int SH, int SW, class Team = Grid>
__device__ void upsample_nearest_forward(float* y, const float* x, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * C * H * SH * W * SW)
    {
        int ow = (int)(i % (W * SW)), oh = (int)(i / (W * SW) % (H * SH));
        long long plane = i / ((long long)W * SW * H * SH);
        y[i] = x[(plane * H + oh / SH) * W + ow / SW];
    }
}

// dx: the sum over the SH × SW block of outputs that copied the element.
template <int C, int H, int W, int SH, int SW, class Team = Grid>
__device__ void upsample_nearest_backward(float* dx, const float* dy, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * C * H * W)
    {
        int w = (int)(i % W), h = (int)(i / W % H);
        long long plane = i / ((long long)W * H);
        const float* block = dy + ((plane * H + h) * SH * W + w) * SW;
        float sum = 0.0f;
        for (int a = 0; a < SH; a++)
            for (int b = 0; b < SW; b++) sum += block[a * W * SW + b];
        dx[i] = sum;
    }
}

template <int C, int H, int W, int SH, int SW, class Team = Grid>
__device__ void upsample_bilinear_forward(float* y, const float* x, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * C * H * SH * W * SW)
    {
        int ow = (int)(i % (W * SW)), oh = (int)(i / (W * SW) % (H * SH));
        const float* plane = x + i / ((long long)W * SW * H * SH) * H * W;
        UpsampleTap th = upsample_linear_tap<SH, H>(oh), tw = upsample_linear_tap<SW, W>(ow);
        const float *low = plane + th.low * W, *high = plane + th.high * W;
        y[i] = th.lowWeight * (tw.lowWeight * low[tw.low] + tw.highWeight * low[tw.high])
             + th.highWeight * (tw.lowWeight * high[tw.low] + tw.highWeight * high[tw.high]);
    }
}

// dx: Σ over outputs (oh, ow) of row weight × column weight × dy. An output reads input i as low or high only if its
// low is i − 1 or i, which puts it in [(i − 1)·S, (i + 2)·S); the clamps at 0 and In − 1 stay inside that range too.
template <int C, int H, int W, int SH, int SW, class Team = Grid>
__device__ void upsample_bilinear_backward(float* dx, const float* dy, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * C * H * W)
    {
        int w = (int)(i % W), h = (int)(i / W % H);
        const float* plane = dy + i / ((long long)W * H) * (H * SH) * (W * SW);
        float sum = 0.0f;
        for (int oh = max(0, (h - 1) * SH); oh < min(H * SH, (h + 2) * SH); oh++)
        {
            float rowWeight = upsample_linear_weight<SH, H>(oh, h);
            if (rowWeight == 0.0f) continue;
            float row = 0.0f;
            for (int ow = max(0, (w - 1) * SW); ow < min(W * SW, (w + 2) * SW); ow++)
                row += upsample_linear_weight<SW, W>(ow, w) * plane[oh * (W * SW) + ow];
            sum += rowWeight * row;
        }
        dx[i] = sum;
    }
}

// ---- dropout: the same counter-based SplitMix64 stream per sample as the CPU, so masks are identical ----------------
__device__ inline unsigned long long splitmix64_mix(unsigned long long z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Sample s of these n is sample firstSample + s of the batch (a whole-network block passes its tile's first).
template <int PerSample, class Team = Grid>
__device__ void dropout_forward(float* y, float* mask, const float* x, double p, unsigned long long seed, int n, long long firstSample = 0)
{
    const unsigned long long golden = 0x9E3779B97F4A7C15ULL;
    unsigned long long threshold = (unsigned long long)(p * 9007199254740992.0);   // p · 2^53
    float keep = p < 1 ? (float)(1.0 / (1.0 - p)) : 0.0f;
    NETDSL_TEAM_FOR(i, (long long)n * PerSample)
    {
        unsigned long long s = (unsigned long long)(firstSample + i / PerSample), e = (unsigned long long)(i % PerSample);
        unsigned long long state = splitmix64_mix(splitmix64_mix(splitmix64_mix(seed + golden) ^ s));   // Hash(seed, s, 0)
        float m = (splitmix64_mix(state + (e + 1) * golden) >> 11) >= threshold ? keep : 0.0f;
        mask[i] = m;
        y[i] = x[i] * m;
    }
}

template <class Team = Grid> __device__ void multiply(float* y, const float* a, const float* b, long long total) { NETDSL_TEAM_FOR(i, total) y[i] = a[i] * b[i]; }
template <class Team = Grid> __device__ void copy(float* y, const float* x, long long total) { NETDSL_TEAM_FOR(i, total) y[i] = x[i]; }
__device__ inline void add(float* y, const float* a, const float* b, long long total) { NETDSL_FOR(i, total) y[i] = a[i] + b[i]; }
__device__ inline void accumulate(float* y, const float* x, long long total) { NETDSL_FOR(i, total) y[i] += x[i]; }

// ---- concatenation along channels: x (n, XPer) into y (n, YPer) at Offset --------------------------------------------
template <int YPer, int XPer, int Offset>
__device__ void concat_forward(float* y, const float* x, int n) { NETDSL_FOR(i, (long long)n * XPer) y[i / XPer * YPer + Offset + i % XPer] = x[i]; }
template <int YPer, int XPer, int Offset>
__device__ void concat_backward(float* dx, const float* dy, int n) { NETDSL_FOR(i, (long long)n * XPer) dx[i] = dy[i / XPer * YPer + Offset + i % XPer]; }

// ---- local response normalization across channels (PyTorch's definition) --------------------------------------------
template <int C, int Spatial, int Size>
__device__ float lrn_scale(const float* x, long long sample, int c, int p, float alpha, float k)
{
    float sum = 0.0f;
    for (int d = c - Size / 2; d <= c + (Size - 1) / 2; d++)
        if (d >= 0 && d < C) { float v = x[(sample * C + d) * Spatial + p]; sum += v * v; }
    return k + alpha / Size * sum;
}

template <int C, int Spatial, int Size>
__device__ void lrn_forward(float* y, const float* x, float alpha, float beta, float k, int n)
{
    NETDSL_FOR(i, (long long)n * C * Spatial)
    {
        int p = (int)(i % Spatial), c = (int)(i / Spatial % C);
        long long s = i / ((long long)Spatial * C);
        y[i] = x[i] * powf(lrn_scale<C, Spatial, Size>(x, s, c, p, alpha, k), -beta);
    }
}

// dx_c = dy_c · s_c^−β − (2αβ/Size) · x_c · Σ_{d: c ∈ window(d)} dy_d · y_d / s_d
template <int C, int Spatial, int Size>
__device__ void lrn_backward(float* dx, const float* dy, const float* x, const float* y, float alpha, float beta, float k, int n)
{
    NETDSL_FOR(i, (long long)n * C * Spatial)
    {
        int p = (int)(i % Spatial), c = (int)(i / Spatial % C);
        long long s = i / ((long long)Spatial * C);
        float cross = 0.0f;
        for (int d = c - (Size - 1) / 2; d <= c + Size / 2; d++)
            if (d >= 0 && d < C)
            {
                long long j = (s * C + d) * Spatial + p;
                cross += dy[j] * y[j] / lrn_scale<C, Spatial, Size>(x, s, d, p, alpha, k);
            }
        dx[i] = dy[i] * powf(lrn_scale<C, Spatial, Size>(x, s, c, p, alpha, k), -beta) - 2.0f * alpha * beta / Size * x[i] * cross;
    }
}

// ---- batch normalization over (n, Spatial) per channel; stats = [mean (C) | variance (C) | Σdy (C) | Σdy·x̂ (C)] -------
// C and Spatial are run-time values, so one kernel serves every BatchNorm of a network (ResNet-50 has twelve shapes).
__device__ void batchnorm_statistics(int C, int Spatial, float* stats, float* runningMean, float* runningVar, const float* x, float momentum, int n, int training)
{
    NETDSL_FOR(c, C)
    {
        double sum = 0, squares = 0;
        long long count = (long long)n * Spatial;
        for (int s = 0; s < n; s++)
            for (int p = 0; p < Spatial; p++) { double v = x[((long long)s * C + c) * Spatial + p]; sum += v; }
        double mean = sum / count;
        for (int s = 0; s < n; s++)
            for (int p = 0; p < Spatial; p++) { double v = x[((long long)s * C + c) * Spatial + p] - mean; squares += v * v; }
        double variance = squares / count;
        stats[c] = (float)mean;
        stats[C + c] = (float)variance;
        if (training)
        {
            runningMean[c] = (1 - momentum) * runningMean[c] + momentum * (float)mean;
            runningVar[c] = (1 - momentum) * runningVar[c] + momentum * (float)(variance * count / (count - 1));
        }
    }
}

// The channel of element i of an (n, C, Spatial) tensor (fewer than 2³¹ elements).
struct ChannelOf
{
    Divider bySpatial, byC;
    __device__ ChannelOf(int C, int Spatial) : bySpatial(Spatial), byC(C) {}
    __device__ __forceinline__ int operator()(long long i) const
    {
        int plane = bySpatial.div((int)i);
        return plane - byC.div(plane) * byC.d;
    }
};

__device__ void batchnorm_normalize(int C, int Spatial, float* y, const float* x, const float* mean, const float* variance, const float* gamma, const float* beta, float epsilon, int n)
{
    const ChannelOf channel(C, Spatial);
    NETDSL_FOR(i, (long long)n * C * Spatial)
    {
        int c = channel(i);
        y[i] = (x[i] - mean[c]) * rsqrtf(variance[c] + epsilon) * gamma[c] + beta[c];
    }
}

__device__ void batchnorm_backward_sums(int C, int Spatial, float* sums, float* dgamma, float* dbeta, const float* dy, const float* x, const float* stats, float epsilon, int n)
{
    NETDSL_FOR(c, C)
    {
        float mean = stats[c], inv = rsqrtf(stats[C + c] + epsilon);
        double sumDy = 0, sumDyXhat = 0;
        for (int s = 0; s < n; s++)
            for (int p = 0; p < Spatial; p++)
            {
                long long j = ((long long)s * C + c) * Spatial + p;
                sumDy += dy[j];
                sumDyXhat += dy[j] * (x[j] - mean) * inv;
            }
        sums[c] = (float)sumDy;
        sums[C + c] = (float)sumDyXhat;
        dgamma[c] += (float)sumDyXhat;
        dbeta[c] += (float)sumDy;
    }
}

__device__ void batchnorm_backward_input(int C, int Spatial, float* dx, const float* dy, const float* x, const float* stats, const float* sums, const float* gamma, float epsilon, int n)
{
    const ChannelOf channel(C, Spatial);
    NETDSL_FOR(i, (long long)n * C * Spatial)
    {
        int c = channel(i);
        float inv = rsqrtf(stats[C + c] + epsilon), m = (float)((long long)n * Spatial);
        float xhat = (x[i] - stats[c]) * inv;
        dx[i] = gamma[c] * inv / m * (m * dy[i] - sums[c] - xhat * sums[C + c]);
    }
}

__device__ void batchnorm_inference(int C, int Spatial, float* y, const float* x, const float* runningMean, const float* runningVar, const float* gamma, const float* beta, float epsilon, int n)
{
    batchnorm_normalize(C, Spatial, y, x, runningMean, runningVar, gamma, beta, epsilon, n);
}

// ---- softmax cross-entropy: probabilities and per-sample loss; dlogits = (p − onehot) · scale -----------------------
template <int Classes, class Team = Grid>
__device__ void softmax_cross_entropy_forward(float* probs, float* losses, const float* logits, const int* labels, int n)
{
    NETDSL_TEAM_FOR(s, n)
    {
        const float* z = logits + s * Classes;
        float top = z[0];
        for (int c = 1; c < Classes; c++) top = fmaxf(top, z[c]);
        float sum = 0.0f;
        for (int c = 0; c < Classes; c++) sum += expf(z[c] - top);
        for (int c = 0; c < Classes; c++) probs[s * Classes + c] = expf(z[c] - top) / sum;
        losses[s] = logf(sum) + top - z[labels[s]];
    }
}

template <int Classes, class Team = Grid>
__device__ void softmax_cross_entropy_backward(float* dlogits, const float* probs, const int* labels, float scale, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * Classes)
    {
        long long s = i / Classes;
        dlogits[i] = (probs[i] - (labels[s] == (int)(i % Classes) ? 1.0f : 0.0f)) * scale;
    }
}

// ---- pixel softmax cross-entropy: F.cross_entropy over (Classes, Height, Width) logits against a (Height, Width) label
// map, pixels labeled IgnoreLabel left out; as the CPU's PixelSoftmaxCrossEntropy. losses[s] sums the sample's labeled
// pixels and counts[s] says how many there are, so scale = 1 / labeled_pixels(counts, batch) makes Σ losses · scale
// PyTorch's mean (the divisor is the batch's labeled pixels, not its samples). A label outside [0, Classes) that is not
// IgnoreLabel, which the CPU rejects, counts as ignored here: no loss, no count, zero gradient.
template <int Classes, int IgnoreLabel>
__device__ __forceinline__ bool pixel_labeled(int label) { return label != IgnoreLabel && (unsigned)label < (unsigned)Classes; }

template <int Classes, int Height, int Width, int IgnoreLabel, class Team = Grid>
__device__ void pixel_softmax_cross_entropy_forward(float* probs, float* losses, float* counts, const float* logits, const int* labels, int n)
{
    constexpr int Pixels = Height * Width;
    // Probabilities, which the backward reads, one pixel per iteration.
    NETDSL_TEAM_FOR(i, (long long)n * Pixels)
    {
        long long s = i / Pixels, p = i % Pixels;
        const float* z = logits + s * Classes * Pixels + p;
        float top = z[0];
        for (int c = 1; c < Classes; c++) top = fmaxf(top, z[c * Pixels]);
        float sum = 0.0f;
        for (int c = 0; c < Classes; c++) sum += expf(z[c * Pixels] - top);
        for (int c = 0; c < Classes; c++) probs[s * Classes * Pixels + c * Pixels + p] = expf(z[c * Pixels] - top) / sum;
    }
    // Losses and counts, one sample per iteration: a sum without atomics that does not depend on the launch. It reads
    // logits, not the probabilities above (other threads may still be writing them), at the cost of a second exp each.
    NETDSL_TEAM_FOR(s, n)
    {
        float loss = 0.0f, labeled = 0.0f;
        for (int p = 0; p < Pixels; p++)
        {
            int label = labels[s * Pixels + p];
            if (!pixel_labeled<Classes, IgnoreLabel>(label)) continue;
            const float* z = logits + s * Classes * Pixels + p;
            float top = z[0];
            for (int c = 1; c < Classes; c++) top = fmaxf(top, z[c * Pixels]);
            float sum = 0.0f;
            for (int c = 0; c < Classes; c++) sum += expf(z[c * Pixels] - top);
            loss += logf(sum) + top - z[label * Pixels];
            labeled += 1.0f;
        }
        losses[s] = loss;
        counts[s] = labeled;
    }
}

// The batch's labeled pixels from the forward's per-sample counts, summed in a fixed order (exact below 2^24 pixels).
__device__ __forceinline__ float labeled_pixels(const float* counts, int n)
{
    float total = 0.0f;
    for (int s = 0; s < n; s++) total += counts[s];
    return total;
}

template <int Classes, int Height, int Width, int IgnoreLabel, class Team = Grid>
__device__ void pixel_softmax_cross_entropy_backward(float* dlogits, const float* probs, const int* labels, float scale, int n)
{
    constexpr int Pixels = Height * Width;
    NETDSL_TEAM_FOR(i, (long long)n * Classes * Pixels)
    {
        long long s = i / (Classes * Pixels), p = i % Pixels;
        int c = (int)(i / Pixels % Classes), label = labels[s * Pixels + p];
        dlogits[i] = pixel_labeled<Classes, IgnoreLabel>(label) ? (probs[i] - (label == c ? 1.0f : 0.0f)) * scale : 0.0f;
    }
}

// ---- element-wise heads (regression, multi-label): float targets of the output's shape, Size per sample, as the CPU's
// MeanSquaredError, L1Loss and BinaryCrossEntropyWithLogits. losses[s] = Σ over the sample's outputs of
// Loss::value(x, t); dx = Loss::gradient(x, t) · scale. PyTorch's mean is over every element of the batch, so
// scale = 1 / (batch · Size) makes Σ losses · scale its loss. ----------------------------------------------------------
// (x − t)², PyTorch's F.mse_loss.
struct SquaredError
{
    static __device__ __forceinline__ float value(float x, float t) { return (x - t) * (x - t); }
    static __device__ __forceinline__ float gradient(float x, float t) { return (x - t) * 2.0f; }
};
// |x − t|, PyTorch's F.l1_loss; its gradient is PyTorch's sign: 0 where x = t, NaN stays NaN.
struct AbsoluteError
{
    static __device__ __forceinline__ float value(float x, float t) { return fabsf(x - t); }
    static __device__ __forceinline__ float gradient(float x, float t)
    {
        float d = x - t;
        return d > 0.0f ? 1.0f : d < 0.0f ? -1.0f : d * 0.0f;
    }
};
// PyTorch's F.binary_cross_entropy_with_logits: max(x, 0) − x·t + log(1 + e^−|x|) and σ(x) − t, neither of which
// takes e to a positive power, so logits of any size stay finite.
struct BinaryCrossEntropyWithLogits
{
    static __device__ __forceinline__ float value(float x, float t) { return fmaxf(x, 0.0f) - x * t + log1pf(expf(-fabsf(x))); }
    static __device__ __forceinline__ float gradient(float x, float t)
    {
        float e = expf(-fabsf(x));
        return (x >= 0.0f ? 1.0f : e) / (1.0f + e) - t;
    }
};

// One sample per iteration: its sum in a fixed order, without atomics.
template <class Loss, int Size, class Team = Grid>
__device__ void elementwise_loss_forward(float* losses, const float* x, const float* targets, int n)
{
    NETDSL_TEAM_FOR(s, n)
    {
        float sum = 0.0f;
        for (int i = 0; i < Size; i++) sum += Loss::value(x[s * Size + i], targets[s * Size + i]);
        losses[s] = sum;
    }
}

template <class Loss, int Size, class Team = Grid>
__device__ void elementwise_loss_backward(float* dx, const float* x, const float* targets, float scale, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * Size) dx[i] = Loss::gradient(x[i], targets[i]) * scale;
}

// ---- auxiliary heads: losses[s] += weight · headLosses[s], in training only (evaluation skips the branch's loss).
__device__ inline void add_auxiliary_losses(float* losses, const float* headLosses, float weight, int n, int training)
{
    if (!training) return;
    NETDSL_FOR(s, n) losses[s] += weight * headLosses[s];
}

// ---- optimizer: PyTorch's SGD over the trainable prefix. d = g + wd·p; buf = m·buf + d; p −= lr·buf. A zeroed buffer
// gives PyTorch's first step (buf = d) exactly, since dampening is 0.
__device__ inline void sgd_step(float* p, float* buf, const float* g, int count, float lr, float momentum, float weightDecay)
{
    NETDSL_FOR(i, count)
    {
        float d = g[i] + weightDecay * p[i];
        float v = momentum * buf[i] + d;
        buf[i] = v;
        p[i] -= lr * v;
    }
}

// ---- optimizer: PyTorch's Adam (L2 decay added to g) or AdamW (p scaled by 1 − lr·wd first), as the CPU's Adam:
// m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g², p += stepSize·m / (√v / √(1 − β2ᵗ) + eps), each a + b·c fused where
// the CPU fuses it. The bias corrections come per step through NetDslStep.
template <bool Decoupled>
__device__ void adam_step(const NetDslArgs& a)
{
    float *p = a.parameters, *m = a.optimizerState, *v = a.optimizerState + a.trainableCount;
    const float* g = a.parameterGradients;
    const NetDslStep& step = *a.step;
    NETDSL_FOR(i, a.trainableCount)
    {
        float gi = g[i], pi = p[i];
        if (!Decoupled && a.weightDecay != 0.0f) gi = fmaf(pi, a.weightDecay, gi);
        if (Decoupled) pi *= step.decayFactor;
        float mi = fmaf(gi, a.oneMinusBeta1, m[i] * a.beta1);
        float vi = fmaf(a.oneMinusBeta2 * gi, gi, v[i] * a.beta2);
        m[i] = mi;
        v[i] = vi;
        p[i] = pi + step.adamStepSize * mi / (sqrtf(vi) / step.adamCorrection2Sqrt + a.epsilon);
    }
}

#undef NETDSL_FOR
}  // namespace netdsl

/// One optimizer step over the flat parameter buffer: the same kernels for every network.
extern "C" __global__ void netdsl_sgd_step(NetDslArgs a)
{
    netdsl::sgd_step(a.parameters, a.optimizerState, a.parameterGradients, a.trainableCount, a.step->learningRate, a.momentum, a.weightDecay);
}

extern "C" __global__ void netdsl_adam_step(NetDslArgs a)
{
    netdsl::adam_step<false>(a);
}

extern "C" __global__ void netdsl_adamw_step(NetDslArgs a)
{
    netdsl::adam_step<true>(a);
}
