// NetDsl's CUDA kernel ABI. Every generated kernel is
//     extern "C" __global__ void <layer>_<forward|backward>(NetDslArgs a)
// so a launch plan needs only the kernel name, grid and block. Buffers mirror the CPU workspace exactly: activation
// slot k of a batch with capacity C starts at element offset_k * C and holds C samples back to back.
// This header is compiled by NVRTC on a GPU and by g++ (with cuda_emulation.h) in CI, so it uses plain C types.
#pragma once

// What changes from one training step to the next. It lives in device memory and is written by an asynchronous copy
// that is part of the step, so a captured CUDA graph replays with fresh values instead of the ones it was captured with.
struct NetDslStep
{
    unsigned long long seed;    // this step's dropout seed
    float learningRate;         // SGD's learning rate
    float adamStepSize;         // Adam: −lr / (1 − β1ᵗ)
    float adamCorrection2Sqrt;  // Adam: √(1 − β2ᵗ)
    float decayFactor;          // AdamW: 1 − lr·wd
};

// A kernel is shared by every layer whose code differs only in where its buffers are (and, for tensor-core
// convolutions, in its shape): each launch passes those numbers here, so a network compiles one kernel per distinct
// body instead of one per layer.
#define NETDSL_LAUNCH_VALUES 16

struct NetDslArgs
{
    float* activations;         // the activation workspace (per-sample slots × capacity)
    float* gradients;           // gradients of the activations, same layout
    float* parameters;          // the flat parameter buffer (trainable tensors first, then running statistics)
    float* parameterGradients;  // same layout as parameters
    float* scratch;             // per-launch scratch (im2col columns and the like)
    float* reductions;          // batch-wide partial sums (BatchNorm)
    const int* labels;          // class labels: one per sample, or an H×W map per sample
    const float* targets;       // float targets shaped like the output (regression, multi-label)
    float* losses;              // one loss per sample
    float* headLosses;          // per sample: an auxiliary head's loss, or a label map's labeled-pixel count
    int n;                      // samples in this batch (≤ capacity)
    int capacity;               // slot stride of the workspace
    int batchSize;              // samples the loss is averaged over
    int training;               // 1 in training (dropout, batch statistics), 0 in evaluation
    const NetDslStep* step;     // this step's values, in device memory
    float* optimizerState;      // SGD's momentum, or Adam's exp_avg then exp_avg_sq (trainableCount floats each)
    int trainableCount;         // the trainable prefix of parameters, which the optimizer updates
    float momentum;             // SGD
    float weightDecay;          // SGD and Adam (L2); AdamW's comes through step->decayFactor
    float beta1;                // Adam's β1, β2 and eps, and 1 − β rounded from double as the CPU's Adam rounds it
    float beta2;
    float epsilon;
    float oneMinusBeta1;
    float oneMinusBeta2;
    long long values[NETDSL_LAUNCH_VALUES];  // this launch's buffer offsets and sizes: layers share one kernel by them
};
