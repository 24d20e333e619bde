// NetDsl's CUDA kernel ABI. Every generated kernel is
//     extern "C" __global__ void <layer>_<forward|backward>(NetDslArgs a)
// so a launch plan needs only the kernel name, grid and block. Buffers mirror the CPU workspace exactly: activation
// slot k of a batch with capacity C starts at element offset_k * C and holds C samples back to back.
// This header is compiled by NVRTC on a GPU and by g++ (with cuda_emulation.h) in CI, so it uses plain C types.
#pragma once

struct NetDslArgs
{
    float* activations;         // the activation workspace (per-sample slots × capacity)
    float* gradients;           // gradients of the activations, same layout
    float* parameters;          // the flat parameter buffer (trainable tensors first, then running statistics)
    float* parameterGradients;  // same layout as parameters
    float* scratch;             // per-launch scratch (im2col columns and the like)
    float* reductions;          // batch-wide partial sums (BatchNorm)
    const int* labels;          // one class index per sample
    float* losses;              // one loss per sample
    int n;                      // samples in this batch (≤ capacity)
    int capacity;               // slot stride of the workspace
    int batchSize;              // samples the loss is averaged over
    int training;               // 1 in training (dropout, batch statistics), 0 in evaluation
    unsigned long long seed;    // this step's dropout seed
    float* optimizerState;      // SGD's momentum buffer (trainableCount floats, zero before the first step)
    int trainableCount;         // the trainable prefix of parameters, which the optimizer updates
    float learningRate;
    float momentum;
    float weightDecay;
};
