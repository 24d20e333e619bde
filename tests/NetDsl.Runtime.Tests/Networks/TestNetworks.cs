namespace NetDsl.Runtime.Tests.Networks;

// Small networks declared exactly as users declare them, so whole-network tests run generated code.

/// <summary>Every layer kind: padded and strided convolution, tanh, sigmoid, relu, average and overlapping max pooling, dropout, dense.</summary>
[Network(Input = new[] { 2, 10, 10 })]
public partial class EveryLayer
{
    [Conv(3, Kernel = 3, Padding = 1), Tanh, AvgPool(2)]       public partial Stage A { get; }
    [Conv(4, Kernel = 3, Stride = 2, Padding = 1), Sigmoid]    public partial Stage B { get; }
    [MaxPool(2, Stride = 1), Relu]                             public partial Stage C { get; }
    [Dense(6), Dropout(0.3), Relu, Dense(3)]                   public partial Stage Head { get; }
}

/// <summary>Starts with layers that have no parameters, so the generator must skip their backward entirely.</summary>
[Network(Input = new[] { 1, 6, 6 })]
public partial class PoolFirst
{
    [MaxPool(3, Stride = 3), Relu]  public partial Stage Stem { get; }
    [Conv(2, Kernel = 1)]           public partial Stage Mix { get; }
    [Dense(4)]                      public partial Stage Logits { get; }
}

/// <summary>A residual block with BatchNorm and a projection shortcut that appears only when the shape changes.</summary>
[Block("width")]
public partial class TestResidual
{
    [Conv("width", Kernel = 3, Padding = 1, Strided = true, Bias = false), BatchNorm, Relu, Conv("width", Kernel = 3, Padding = 1)]
    public partial Stage Body { get; }
    [From(Stage.Input), Conv("width", Kernel = 1, Strided = true), Projection] public partial Stage Shortcut { get; }
    [Add(nameof(Body), nameof(Shortcut)), Relu] public partial Stage Out { get; }
}

/// <summary>
/// A graph: 'same' padding, LRN, blocks (identity and projection shortcuts), two branches reading one tensor,
/// padded ceil-mode max pooling, concatenation, global average and max pooling read from one tensor, dropout.
/// </summary>
[Network(Input = new[] { 2, 8, 8 })]
public partial class GraphNet
{
    [Conv(4, Kernel = 3, Padding = Pad.Same), Lrn(3), Tanh]                       public partial Stage Stem { get; }
    [Use<TestResidual>(4), Use<TestResidual>(6, Stride = 2)]                       public partial Stage Res { get; }
    [From(nameof(Res)), MaxPool(3, Stride = 2, Padding = 1, CeilMode = true)]      public partial Stage A { get; }
    [From(nameof(Res)), AvgPool(2, Stride = 1)]                                    public partial Stage B { get; }
    [Concat(nameof(A), nameof(B)), Dropout(0.2)]                                   public partial Stage Joined { get; }
    [From(nameof(Joined)), GlobalAvgPool]                                          public partial Stage Mean { get; }
    [From(nameof(Joined)), GlobalMaxPool]                                          public partial Stage Max { get; }
    [Concat(nameof(Mean), nameof(Max)), Dense(5)]                                  public partial Stage Logits { get; }
}

/// <summary>The parameterized activations, fused into a convolution and a dense layer (LeakyRelu, Elu) and on their own (Gelu).</summary>
[Network(Input = new[] { 2, 6, 6 })]
public partial class MoreActivations
{
    [Conv(3, Kernel = 3, Padding = 1), LeakyRelu(0.2)]   public partial Stage A { get; }
    [Conv(3, Kernel = 3), Gelu, MaxPool(2)]              public partial Stage B { get; }
    [Dense(5), Elu(0.7), Dense(3)]                       public partial Stage Head { get; }
}

/// <summary>Flatten and Identity, which copy: between layers, and where they keep an activation from fusing.</summary>
[Network(Input = new[] { 2, 5, 5 })]
public partial class Readable
{
    [Conv(3, Kernel = 3), Identity, Relu]   public partial Stage A { get; }
    [Flatten, Dense(4), Identity, Tanh]     public partial Stage B { get; }
    [Dense(3)]                              public partial Stage Logits { get; }
}

/// <summary>Softmax layers inside a network: over channels at every position (an attention-like gate), and over a vector.</summary>
[Network(Input = new[] { 3, 4, 4 })]
public partial class SoftmaxInside
{
    [Conv(4, Kernel = 1), Softmax]   public partial Stage Gate { get; }
    [Dense(5), Softmax, Dense(3)]     public partial Stage Head { get; }
}

/// <summary>Average pooling that excludes padding from its divisor, padded and in ceil mode, after a convolution it must not fuse into.</summary>
[Network(Input = new[] { 2, 7, 7 })]
public partial class AveragesWithoutPadding
{
    [Conv(3, Kernel = 3, Padding = 1), Relu, AvgPool(3, Stride = 2, Padding = 1, CountIncludePad = false)]    public partial Stage A { get; }
    [AvgPool(2, CeilMode = true, CountIncludePad = false), Dense(3)]                                         public partial Stage Head { get; }
}

/// <summary>
/// The general convolution: grouped, depthwise (multiplier 2) with a fused ReLU, dilated with 'same' padding, and a
/// rectangular kernel, stride and padding; a 1×1 pointwise convolution keeps the plain kernels in the mix.
/// </summary>
[Network(Input = new[] { 4, 9, 8 })]
public partial class GeneralConvolutions
{
    [Conv(6, Kernel = 3, Padding = 1, Groups = 2), Tanh]                            public partial Stage Grouped { get; }
    [Conv(12, Kernel = 3, Groups = 6, Bias = false), Relu, Conv(4, Kernel = 1)]     public partial Stage Separable { get; }
    [Conv(4, Kernel = 3, Dilation = 2, Padding = Pad.Same)]                         public partial Stage Dilated { get; }
    [Conv(3, KernelHW = new[] { 3, 1 }, StrideHW = new[] { 2, 1 }, PaddingHW = new[] { 1, 0 }), Sigmoid, Dense(3)] public partial Stage Head { get; }
}

/// <summary>Transposed convolutions: a strided one with a fused ReLU, one with padding and output padding, one without bias.</summary>
[Network(Input = new[] { 2, 4, 5 })]
public partial class Transposed
{
    [ConvTranspose(3), Relu]                                                  public partial Stage Up { get; }
    [ConvTranspose(2, Kernel = 3, Stride = 2, Padding = 1, OutputPadding = 1)] public partial Stage Out { get; }
    [ConvTranspose(2, Kernel = 1, Stride = 1, Bias = false), Tanh, Dense(3)]  public partial Stage Head { get; }
}

/// <summary>Upsampling: nearest by 2, bilinear by 3 in height and 2 in width, each after a convolution.</summary>
[Network(Input = new[] { 2, 3, 4 })]
public partial class Upsampled
{
    [Conv(3, Kernel = 1), Upsample(2)]                                        public partial Stage Near { get; }
    [Conv(2, Kernel = 3), Relu, Upsample(3, ScaleWidth = 2, Mode = UpsampleMode.Bilinear)] public partial Stage Smooth { get; }
    [Dense(3)]                                                                public partial Stage Head { get; }
}

/// <summary>Segmentation: per-pixel softmax cross-entropy over 3 classes, some pixels labeled 255 (ignored).</summary>
[Network(Input = new[] { 2, 6, 6 }, Head = Head.PixelSoftmaxCrossEntropy, IgnoreLabel = 255)]
public partial class PixelHead
{
    [Conv(4, Kernel = 3, Padding = 1), Relu, MaxPool(2)] public partial Stage Encode { get; }
    [ConvTranspose(3, Kernel = 2, Stride = 2)] public partial Stage Score { get; }
}

/// <summary>Regression to two values: mean squared error on a dense output.</summary>
[Network(Input = new[] { 1, 5, 5 }, Head = Head.MeanSquaredError)]
public partial class SquaredErrorHead
{
    [Conv(3, Kernel = 3), Tanh] public partial Stage C { get; }
    [Dense(2)] public partial Stage Out { get; }
}

/// <summary>Single-output regression with L1 on a spatial output (a (1,3,3) map of values).</summary>
[Network(Input = new[] { 2, 5, 5 }, Head = Head.L1)]
public partial class AbsoluteErrorHead
{
    [Conv(1, Kernel = 3)] public partial Stage Out { get; }
}

/// <summary>Multi-label: four independent yes/no logits.</summary>
[Network(Input = new[] { 1, 6, 6 }, Head = Head.BinaryCrossEntropyWithLogits)]
public partial class MultiLabelHead
{
    [Conv(3, Kernel = 3), Relu, MaxPool(2)] public partial Stage C { get; }
    [Dense(4)] public partial Stage Out { get; }
}

/// <summary>
/// Two auxiliary classifiers (GoogLeNet's pattern): one branches off the first stage between main stages, one reads a
/// stage through [From]; each has a dropout, and the main path continues past them.
/// </summary>
[Network(Input = new[] { 2, 8, 8 })]
public partial class AuxiliaryHeads
{
    [Conv(4, Kernel = 3, Padding = 1), Relu] public partial Stage C1 { get; }
    [AuxiliaryHead(Weight = 0.3), AvgPool(2), Conv(2, Kernel = 1), Relu, Dropout(0.5), Dense(5)] public partial Stage Aux1 { get; }
    [Conv(6, Kernel = 3, Stride = 2, Padding = 1), Relu] public partial Stage C2 { get; }
    [Dense(5)] public partial Stage Logits { get; }
    [AuxiliaryHead(Weight = 0.5), From(nameof(C2)), GlobalAvgPool, Dense(5)] public partial Stage Aux2 { get; }
}

/// <summary>The whole-network kernels with a regression head: a small chain ending in mean squared error.</summary>
[Network(Input = new[] { 1, 8, 8 }, Head = Head.MeanSquaredError)]
public partial class WholeRegression
{
    [Conv(3, Kernel = 3), Relu, MaxPool(2)] public partial Stage C { get; }
    [Dense(2)] public partial Stage Out { get; }
}

/// <summary>The whole-network kernels with a multi-label head.</summary>
[Network(Input = new[] { 1, 8, 8 }, Head = Head.BinaryCrossEntropyWithLogits)]
public partial class WholeMultiLabel
{
    [Conv(3, Kernel = 3), Tanh, MaxPool(2)] public partial Stage C { get; }
    [Dense(4)] public partial Stage Out { get; }
}

/// <summary>The whole-network kernels with a per-pixel head: convolutions only, the last one scoring 3 classes per pixel.</summary>
[Network(Input = new[] { 2, 6, 6 }, Head = Head.PixelSoftmaxCrossEntropy, IgnoreLabel = 255)]
public partial class WholePixel
{
    [Conv(4, Kernel = 3, Padding = 1), Relu] public partial Stage C { get; }
    [Conv(3, Kernel = 1)] public partial Stage Score { get; }
}
