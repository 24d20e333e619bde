// Fused layer pairs and the whole-network reduction, built from netdsl_kernels.cuh's pieces.
//  - conv2d_pool_forward: convolution + bias + activation + pooling in one kernel, window by window;
//  - ThroughPool: a convolution's backward reads dL/d(pre-activation) straight from the pooled gradient when the pool's
//    windows do not overlap, so the pool needs no backward kernel;
//  - sum_tiles: the whole-network backward leaves one partial parameter gradient per tile; this adds them in tile order.
//
// Shapes: conv as in netdsl_kernels.cuh, producing z (n, Co, Ho, Wo); the pool reads act(z) and writes (n, Co, Hp, Wp).
#pragma once
#include "netdsl_kernels.cuh"

namespace netdsl {

// The first pooling window (along one axis) that covers position h: the one whose backward owns it.
template <int K, int S, int P>
__device__ __forceinline__ int first_window(int h) { return max(0, (h + P - K + S) / S); }

// y (n, Co, Hp, Wp) = pool(act(conv(x) + b)). Overlapping windows recompute the convolution values they share. In
// training yAct (the activation's slot, which backward reads) gets every value once, from the first window covering it;
// the generator fuses only when the windows cover every position. yAct is nullptr in evaluation.
template <int Ci, int H, int W, int Co, int K, int S, int P, int Ho, int Wo, bool Bias, class Act,
          int PK, int PS, int PP, int Hp, int Wp, bool Max, class Team = Grid>
__device__ void conv2d_pool_forward(float* y, float* yAct, const float* x, const float* w, const float* b, int n)
{
    NETDSL_TEAM_FOR(i, (long long)n * Co * Hp * Wp)
    {
        int pw = (int)(i % Wp), ph = (int)(i / Wp % Hp), co = (int)(i / ((long long)Wp * Hp) % Co);
        long long s = i / ((long long)Wp * Hp * Co);
        y[i] = pool_window<Ho, Wo, PK, PP, Max>(ph * PS - PP, pw * PS - PP, [&](int oh, int ow)
        {
            float v = Act::forward(conv2d_at<Ci, H, W, Co, K, S, P, Ho, Wo, Bias>(x, w, b, s, co, oh, ow));
            if (yAct != nullptr && first_window<PK, PS, PP>(oh) == ph && first_window<PK, PS, PP>(ow) == pw)
                yAct[((s * Co + co) * Ho + oh) * Wo + ow] = v;
            return v;
        });
    }
}

// dL/d(pre-activation) at conv output o when a pool with non-overlapping K×K windows (stride K, no padding) follows:
// the pooled gradient dpool routed as pool2d_backward routes it, then through the activation. y is the pool's input
// (the activation's output, or the convolution's own when Act is Identity). Positions no window covers get 0.
template <int C, int H, int W, int K, int Ho, int Wo, bool Max, class Act> struct ThroughPool
{
    const float* dpool;
    const float* y;
    __device__ __forceinline__ float operator()(long long o) const
    {
        int w = (int)(o % W), h = (int)(o / W % H);
        long long plane = o / ((long long)W * H);
        int oh = h / K, ow = w / K;
        if (oh >= Ho || ow >= Wo) return 0.0f;
        float g = dpool[(plane * Ho + oh) * Wo + ow];
        if (Max) g = pool_first_max<H, W, K>(y + plane * H * W, oh * K, ow * K) == h * W + w ? g : 0.0f;
        else g /= (float)(K * K);
        return Act::backward(g, 0.0f, Act::ReadsOutput ? y[o] : 0.0f);
    }
};

// gradient (count) += Σ over tiles t of partials[t · count + i], tile by tile: the same order on every run.
__device__ inline void sum_tiles(float* gradient, const float* partials, int count, int tiles)
{
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += (long long)gridDim.x * blockDim.x)
    {
        float sum = 0.0f;
        for (int t = 0; t < tiles; t++) sum += partials[(long long)t * count + i];
        gradient[i] += sum;
    }
}

}  // namespace netdsl
