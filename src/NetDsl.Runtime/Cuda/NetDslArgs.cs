using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// The C# twin of <c>NetDslArgs</c> in Kernels/netdsl_abi.cuh, the one by-value argument of every generated kernel.
/// Field order and types must match the header exactly (a test compares them); pointers are device addresses.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct NetDslArgs
{
    public CUdeviceptr Activations;
    public CUdeviceptr Gradients;
    public CUdeviceptr Parameters;
    public CUdeviceptr ParameterGradients;
    public CUdeviceptr Scratch;
    public CUdeviceptr Reductions;
    public CUdeviceptr Labels;
    public CUdeviceptr Losses;
    public int N;
    public int Capacity;
    public int BatchSize;
    public int Training;
    public ulong Seed;
    public CUdeviceptr OptimizerState;
    public int TrainableCount;
    public float LearningRate;
    public float Momentum;
    public float WeightDecay;
}
