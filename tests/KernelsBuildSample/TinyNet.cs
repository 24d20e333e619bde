using NetDsl;

namespace KernelsBuildSample;

/// <summary>Small enough that NVRTC compiles its program in about a second (three whole-network kernels).</summary>
[Network(Input = new[] { 1, 12, 12 })]
public partial class TinyNet
{
    [Conv(4, Kernel = 3), Relu, MaxPool(2)] public partial Stage Features { get; }
    [Dense(10)]                             public partial Stage Logits { get; }
}
