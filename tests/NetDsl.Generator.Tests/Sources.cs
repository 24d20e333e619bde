namespace NetDsl.Generator.Tests;

/// <summary>Networks used across generator tests, written as a user would write them.</summary>
internal static class Sources
{
    /// <summary>The zoo's own declaration, so its generated code is what the snapshots approve.</summary>
    public static readonly string LeNet5 = File.ReadAllText(Path.Combine(DiagnosticTests.RepoRoot(), "src", "Networks", "LeNet5.cs"));

    /// <summary>
    /// Per-layer CUDA kernels (BatchNorm keeps it off the whole-network path) with both pooling fusions: max pooling
    /// tiling the plane (forward and backward fused) and overlapping average pooling (forward fused).
    /// </summary>
    public const string FusedPools = """
        using NetDsl;

        [Network(Input = new[] { 2, 12, 12 })]
        public partial class FusedPools
        {
            [Conv(3, Kernel = 3, Padding = 1), Relu, MaxPool(2)]                          public partial Stage A { get; }
            [Conv(4, Kernel = 3, Padding = 1), Tanh, AvgPool(3, Stride = 2, Padding = 1)] public partial Stage B { get; }
            [BatchNorm, Dense(3)]                                                        public partial Stage Head { get; }
        }
        """;

    /// <summary>The 1998 flavour: tanh and average pooling, 32×32 input, no padding.</summary>
    public const string LeNet5Classic = """
        using NetDsl;
        namespace Zoo;

        [Network(Input = new[] { 1, 32, 32 })]
        internal partial class LeNet5Classic
        {
            [Conv(6, Kernel = 5), Tanh, AvgPool(2)]  public partial Stage C1 { get; }
            [Conv(16, Kernel = 5), Tanh, AvgPool(2)] public partial Stage C3 { get; }
            [Conv(120, Kernel = 5), Tanh]            public partial Stage C5 { get; }
            [Dense(84), Tanh]                        public partial Stage F6 { get; }
            [Dense(10)]                              internal partial Stage Output { get; }
        }
        """;

    /// <summary>Strided and padded convolution, overlapping max pooling, dropout, sigmoid; global namespace; starts with a pool.</summary>
    public const string Strided = """
        using NetDsl;

        [Network(Input = new[] { 3, 17, 17 })]
        public sealed partial class Strided
        {
            [AvgPool(1)]                                         public partial Stage Stem { get; }
            [Conv(8, Kernel = 3, Stride = 2, Padding = 1), Relu] public partial Stage Down { get; }
            [MaxPool(3, Stride = 2), Dropout(0.25)]              public partial Stage Pool { get; }
            [Dense(16), Sigmoid, Dropout, Dense(4)]              public partial Stage Head { get; }

            public int NotAStage => 42;
        }
        """;

    /// <summary>Convolutions large enough for tensor cores (Ci·k² ≥ 64, Co ≥ 32), one with BatchNorm, one fused with its ReLU and a pool kept apart.</summary>
    public const string TensorCores = """
        using NetDsl;

        namespace Samples;

        [Network(Input = new[] { 8, 12, 12 })]
        public sealed partial class TensorCores
        {
            [Conv(32, Kernel = 3, Padding = 1, Bias = false), BatchNorm, Relu] public partial Stage Stem { get; }
            [Conv(32, Kernel = 3, Padding = 1), Relu, MaxPool(2)]             public partial Stage Body { get; }
            [GlobalAvgPool, Dense(5)]                                          public partial Stage Head { get; }
        }
        """;

    /// <summary>
    /// The lectures' later layers in one graph (summary rows, narration and kernels): grouped, dilated and rectangular
    /// convolutions, parameterized activations, pooling without padding in the count, transposed convolution,
    /// upsampling, flatten, identity and a readable softmax.
    /// </summary>
    public const string LaterLayers = """
        using NetDsl;

        namespace Samples;

        [Network(Input = new[] { 4, 16, 16 })]
        public partial class LaterLayers
        {
            [Conv(8, Kernel = 3, Padding = 1, Groups = 4), LeakyRelu(0.1)]                          public partial Stage Grouped { get; }
            [Conv(8, Kernel = 3, Padding = 1, Groups = 8, Bias = false), Elu, Identity]             public partial Stage Depthwise { get; }
            [Conv(8, Kernel = 3, Dilation = 2, Padding = Pad.Same), Gelu]                           public partial Stage Dilated { get; }
            [Conv(8, KernelHW = new[] { 3, 1 }, StrideHW = new[] { 2, 1 }, PaddingHW = new[] { 1, 0 })] public partial Stage Tall { get; }
            [AvgPool(3, Stride = 2, Padding = 1, CountIncludePad = false)]                          public partial Stage Pool { get; }
            [ConvTranspose(6, Kernel = 3, Stride = 2, Padding = 1, OutputPadding = 1), Relu]        public partial Stage Up { get; }
            [Upsample(2, Mode = UpsampleMode.Bilinear), Softmax]                                    public partial Stage Probabilities { get; }
            [Flatten, Dense(10)]                                                                    public partial Stage Logits { get; }
        }
        """;

    /// <summary>
    /// Heads: a per-pixel softmax cross-entropy over a (3,8,8) output with an ignore label, and an auxiliary head that
    /// branches off the encoder (training only, weight 0.4) while the main path reads past it.
    /// </summary>
    public const string Segmenter = """
        using NetDsl;

        namespace Samples;

        [Network(Input = new[] { 1, 8, 8 }, Head = Head.PixelSoftmaxCrossEntropy, IgnoreLabel = 255)]
        public partial class Segmenter
        {
            [Conv(4, Kernel = 3, Padding = 1), Relu, MaxPool(2)]                 public partial Stage Encode { get; }
            [AuxiliaryHead(Weight = 0.4), Conv(3, Kernel = 1), Upsample(2)]      public partial Stage Side { get; }
            [Conv(6, Kernel = 3, Padding = 1), Relu]                             public partial Stage Middle { get; }
            [ConvTranspose(3, Kernel = 2, Stride = 2)]                           public partial Stage Score { get; }
        }
        """;
}
