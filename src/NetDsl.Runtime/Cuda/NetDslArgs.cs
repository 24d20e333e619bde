using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// The C# twin of <c>NetDslArgs</c> in Kernels/netdsl_abi.cuh, the one by-value argument of every generated kernel.
/// Field order and types must match the header exactly (a test compares them); pointers are device addresses. Values
/// that change every step are not here but in <see cref="NetDslStep"/>, which <see cref="Step"/> points at.
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
    public CUdeviceptr Targets;
    public CUdeviceptr Losses;
    public CUdeviceptr HeadLosses;
    public int N;
    public int Capacity;
    public int BatchSize;
    public int Training;
    public CUdeviceptr Step;
    public CUdeviceptr OptimizerState;
    public int TrainableCount;
    public float Momentum;
    public float WeightDecay;
    public float Beta1;
    public float Beta2;
    public float Epsilon;
    public float OneMinusBeta1;
    public float OneMinusBeta2;
    public LaunchValues Values;

    /// <summary>These arguments with <paramref name="launch"/>'s own values: the offsets and sizes of the layer it runs.</summary>
    public readonly NetDslArgs For(CudaLaunch launch)
    {
        var args = this;
        if (launch.Values.Count > LaunchValues.Capacity)
            throw new ArgumentException($"Launch {launch} carries {launch.Values.Count} values; the kernel ABI holds {LaunchValues.Capacity}.", nameof(launch));
        for (int i = 0; i < launch.Values.Count; i++) args.Values[i] = launch.Values[i];
        return args;
    }
}

/// <summary><c>long long values[NETDSL_LAUNCH_VALUES]</c> of NetDslArgs: a launch's offsets and sizes.</summary>
[InlineArray(Capacity)]
public struct LaunchValues
{
    public const int Capacity = 16;
    private long _element;
}

/// <summary>
/// The C# twin of <c>NetDslStep</c>: what changes every step, kept in device memory and copied there asynchronously as
/// part of the step, so a replayed CUDA graph sees this step's values.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct NetDslStep
{
    public ulong Seed;
    public float LearningRate;
    public float AdamStepSize;
    public float AdamCorrection2Sqrt;
    public float DecayFactor;
}
