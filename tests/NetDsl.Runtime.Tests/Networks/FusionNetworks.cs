namespace NetDsl.Runtime.Tests.Networks;

// Networks that exercise each fused CUDA form. The BatchNorm heads keep the first two off the whole-network kernels
// (batch statistics cross tiles), so their convolutions and pools run as fused per-layer kernels.

/// <summary>
/// Convolution + activation + pool: max without overlap (backward fused too, first layer: no input gradient), average
/// over overlapping padded windows (forward fused, the pool keeps its backward), and a convolution without activation
/// read by overlapping max pooling.
/// </summary>
[Network(Input = new[] { 2, 12, 12 })]
public partial class FusedPools
{
    [Conv(3, Kernel = 3, Padding = 1), Relu, MaxPool(2)]                      public partial Stage A { get; }
    [Conv(4, Kernel = 3, Padding = 1), Tanh, AvgPool(3, Stride = 2, Padding = 1)] public partial Stage B { get; }
    [Conv(4, Kernel = 1), MaxPool(2, Stride = 1)]                             public partial Stage C { get; }
    [BatchNorm, Dense(3)]                                                    public partial Stage Head { get; }
}

/// <summary>
/// A convolution without activation read by average pooling without overlap (both directions fused), then sigmoid and
/// max pooling without overlap where the convolution needs its input gradient, then overlapping max pooling.
/// </summary>
[Network(Input = new[] { 2, 10, 10 })]
public partial class FusedPoolsNoActivation
{
    [Conv(3, Kernel = 3), AvgPool(2)]                                  public partial Stage A { get; }
    [Conv(4, Kernel = 3, Padding = 1), Sigmoid, MaxPool(2)]             public partial Stage B { get; }
    [Conv(3, Kernel = 1), Relu, MaxPool(2, Stride = 1)]                 public partial Stage C { get; }
    [BatchNorm, Relu, Dense(3)]                                        public partial Stage Head { get; }
}

/// <summary>
/// Small enough for the whole-network kernels: tanh and sigmoid fused into convolutions and a dense layer, a pool fused
/// into its convolution, an overlapping pool and a standalone activation as steps of their own, and dropout.
/// </summary>
[Network(Input = new[] { 1, 8, 8 })]
public partial class WholeTiny
{
    [Conv(3, Kernel = 3, Padding = 1), Tanh, AvgPool(2)]     public partial Stage A { get; }
    [Conv(4, Kernel = 3, Padding = 1), MaxPool(2, Stride = 1), Sigmoid] public partial Stage B { get; }
    [Dense(8), Tanh, Dropout(0.5), Relu, Dense(3)]           public partial Stage Head { get; }
}
