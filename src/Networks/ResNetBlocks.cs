namespace NetDsl.Networks;

// Residual blocks of He, Zhang, Ren, Sun 2016, "Deep Residual Learning for Image Recognition", in torchvision's
// layout (names conv1/bn1/…/downsample.0, stride on the 3×3 convolution). The shortcut is a projection (1×1 conv +
// BatchNorm, the paper's option B) only where the shape changes; elsewhere it is the identity.

/// <summary>Two 3×3 convolutions (ResNet-18/34, Table 1); output channels = width.</summary>
[Block("width")]
public partial class BasicBlock
{
    [Conv("width", Kernel = 3, Padding = 1, Strided = true, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu,
     Conv("width", Kernel = 3, Padding = 1, Bias = false, Name = "conv2"), BatchNorm(Name = "bn2")]
    public partial Stage Body { get; }

    [From(Stage.Input), Conv("width", Kernel = 1, Strided = true, Bias = false, Name = "downsample.0"), BatchNorm(Name = "downsample.1"), Projection]
    public partial Stage Shortcut { get; }

    [Add(nameof(Body), nameof(Shortcut)), Relu] public partial Stage Out { get; }
}

/// <summary>1×1 reduce, 3×3, 1×1 expand by 4 (ResNet-50/101/152, Table 1); output channels = 4 × width.</summary>
[Block("width")]
public partial class Bottleneck
{
    [Conv("width", Kernel = 1, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu,
     Conv("width", Kernel = 3, Padding = 1, Strided = true, Bias = false, Name = "conv2"), BatchNorm(Name = "bn2"), Relu,
     Conv("width * 4", Kernel = 1, Bias = false, Name = "conv3"), BatchNorm(Name = "bn3")]
    public partial Stage Body { get; }

    [From(Stage.Input), Conv("width * 4", Kernel = 1, Strided = true, Bias = false, Name = "downsample.0"), BatchNorm(Name = "downsample.1"), Projection]
    public partial Stage Shortcut { get; }

    [Add(nameof(Body), nameof(Shortcut)), Relu] public partial Stage Out { get; }
}
