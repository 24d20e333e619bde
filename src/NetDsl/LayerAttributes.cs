namespace NetDsl;

// Layer attributes go on a stage property, in the order the layers run. AllowMultiple lets a stage hold
// e.g. [Conv(64), Relu, Conv(64), Relu, MaxPool(2)].

/// <summary>
/// Base of every layer attribute. <see cref="Name"/> overrides the layer's default name (<c>Stage.index</c>) within its
/// network or block, e.g. <c>"conv1"</c> or <c>"downsample.0"</c>, so parameter names can match a PyTorch state_dict.
/// </summary>
public abstract class LayerAttribute : Attribute
{
    public string? Name { get; set; }
}

/// <summary>Padding values with a meaning.</summary>
public static class Pad
{
    /// <summary>'same' padding: (kernel − 1) / 2 on every side; needs an odd kernel and stride 1. Any other negative padding is an error.</summary>
    public const int Same = int.MinValue;
}

/// <summary>
/// 2-D convolution with bias, PyTorch's Conv2d. Output size: floor((in + 2·Padding − Dilation·(Kernel − 1) − 1) / Stride) + 1,
/// per axis; kernel, stride, padding and dilation may differ between height and width (the …HW properties).
/// Inside a block, the channel count may be an expression over the block's parameters, e.g. <c>"width * 4"</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class ConvAttribute : LayerAttribute
{
    public ConvAttribute(int outChannels) => OutChannels = outChannels;
    public ConvAttribute(string outChannels) => OutChannelsExpression = outChannels;

    public const int DefaultKernel = 3, DefaultStride = 1;
    public const bool DefaultBias = true;

    public int OutChannels { get; }
    public string? OutChannelsExpression { get; }
    /// <summary>Square kernel size.</summary>
    public int Kernel { get; set; } = DefaultKernel;
    public int Stride { get; set; } = DefaultStride;
    /// <summary>Zero padding on every side, or <see cref="Pad.Same"/>.</summary>
    public int Padding { get; set; }
    /// <summary>Inside a block: use the stride the block was instantiated with.</summary>
    public bool Strided { get; set; }
    /// <summary>Whether the layer has a bias (false before a BatchNorm, as in torchvision's ResNets).</summary>
    public bool Bias { get; set; } = DefaultBias;

    public const int DefaultGroups = 1, DefaultDilation = 1;

    /// <summary>Channel groups: each output channel sees in/Groups input channels; Groups = in channels is depthwise.</summary>
    public int Groups { get; set; } = DefaultGroups;
    /// <summary>Spacing of the kernel's taps (PyTorch's dilation): a 3×3 kernel with Dilation 2 spans 5×5.</summary>
    public int Dilation { get; set; } = DefaultDilation;
    /// <summary>Rectangular kernel as { height, width }; overrides <see cref="Kernel"/>.</summary>
    public int[]? KernelHW { get; set; }
    /// <summary>Stride as { height, width }; overrides <see cref="Stride"/>.</summary>
    public int[]? StrideHW { get; set; }
    /// <summary>Padding as { height, width }; overrides <see cref="Padding"/>.</summary>
    public int[]? PaddingHW { get; set; }
    /// <summary>Dilation as { height, width }; overrides <see cref="Dilation"/>.</summary>
    public int[]? DilationHW { get; set; }
}

/// <summary>
/// Pooling over Kernel×Kernel windows. Stride defaults to Kernel; a smaller stride overlaps windows. Output size as
/// PyTorch's: floor (or, with <see cref="CeilMode"/>, ceiling) of (in + 2·Padding − Kernel) / Stride, plus one.
/// </summary>
public abstract class PoolAttribute(int kernel) : LayerAttribute
{
    public int Kernel { get; } = kernel;
    /// <summary>0 (the default) means equal to <see cref="Kernel"/>.</summary>
    public int Stride { get; set; }
    /// <summary>Implicit padding on every side (at most half the kernel): −∞ for max pooling, counted zeros for average pooling.</summary>
    public int Padding { get; set; }
    /// <summary>Round the output size up, as PyTorch's ceil_mode (GoogLeNet).</summary>
    public bool CeilMode { get; set; }
    /// <summary>Inside a block: use the stride the block was instantiated with.</summary>
    public bool Strided { get; set; }
}

/// <summary>Max pooling: the largest value of each window.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class MaxPoolAttribute(int kernel) : PoolAttribute(kernel);

/// <summary>Average pooling: by default padding counts towards the divisor, as PyTorch's default (count_include_pad).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class AvgPoolAttribute(int kernel) : PoolAttribute(kernel)
{
    public const bool DefaultCountIncludePad = true;

    /// <summary>False divides each window by the input elements it covers, padding excluded (PyTorch's count_include_pad=False).</summary>
    public bool CountIncludePad { get; set; } = DefaultCountIncludePad;
}

/// <summary>Averages each channel over all positions: (C,H,W) → (C).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class GlobalAvgPoolAttribute : LayerAttribute;

/// <summary>Maximum of each channel over all positions: (C,H,W) → (C).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class GlobalMaxPoolAttribute : LayerAttribute;

/// <summary>Fully connected layer with bias. A (C,H,W) input is flattened in C,H,W order first.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class DenseAttribute(int units) : LayerAttribute
{
    public int Units { get; } = units;
}

/// <summary>Inverted dropout: in training, zeroes each element with probability P and scales the rest by 1/(1-P).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class DropoutAttribute(double p = 0.5) : LayerAttribute
{
    public double P { get; } = p;
}

/// <summary>
/// Batch normalization over (N,H,W) per channel with PyTorch's semantics: batch statistics in training (biased
/// variance to normalize, unbiased for the running variance), running statistics in evaluation.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class BatchNormAttribute : LayerAttribute
{
    public const double DefaultEpsilon = 1e-5, DefaultMomentum = 0.1;

    public double Epsilon { get; set; } = DefaultEpsilon;
    /// <summary>Weight of the new batch in the running statistics.</summary>
    public double Momentum { get; set; } = DefaultMomentum;
}

/// <summary>
/// Local response normalization across channels (PyTorch's definition):
/// y_c = x_c / (K + Alpha/Size · Σ x_c'²)^Beta over the Size channels around c. Defaults are AlexNet's.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class LrnAttribute(int size = 5) : LayerAttribute
{
    public const double DefaultAlpha = 1e-4, DefaultBeta = 0.75, DefaultK = 2.0;

    public int Size { get; } = size;
    public double Alpha { get; set; } = DefaultAlpha;
    public double Beta { get; set; } = DefaultBeta;
    public double K { get; set; } = DefaultK;
}

/// <summary>max(0, x).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class ReluAttribute : LayerAttribute;

/// <summary>tanh(x).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class TanhAttribute : LayerAttribute;

/// <summary>1 / (1 + e^-x).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class SigmoidAttribute : LayerAttribute;

/// <summary>x if x &gt; 0, else Slope·x (PyTorch's LeakyReLU). The slope must be zero or more.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class LeakyReluAttribute(double slope = LeakyReluAttribute.DefaultSlope) : LayerAttribute
{
    public const double DefaultSlope = 0.01;
    public double Slope { get; } = slope;
}

/// <summary>x if x &gt; 0, else Alpha·(eˣ − 1) (PyTorch's ELU). Alpha must be positive.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class EluAttribute(double alpha = EluAttribute.DefaultAlpha) : LayerAttribute
{
    public const double DefaultAlpha = 1.0;
    public double Alpha { get; } = alpha;
}

/// <summary>x·Φ(x), Φ the standard normal CDF (PyTorch's exact GELU). Its backward reads x, so it is never fused.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class GeluAttribute : LayerAttribute;

/// <summary>(C,H,W) → (C·H·W), in C,H,W order (PyTorch's Flatten). Dense flattens by itself; this makes it readable.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class FlattenAttribute : LayerAttribute;

/// <summary>Passes its input on unchanged: a named place in a stage (a tap, a stand-in while experimenting).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class IdentityAttribute : LayerAttribute;

/// <summary>
/// Softmax over channels as a layer whose output you can read: over (C) for a vector, over C at each position for
/// (C,H,W) (PyTorch's softmax(dim=1)). The loss heads take logits; put it where you want probabilities inside the network.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class SoftmaxAttribute : LayerAttribute;

/// <summary>
/// Transposed 2-D convolution with bias (PyTorch's ConvTranspose2d), the learned upsampling of segmentation networks.
/// Output size: (in − 1)·Stride − 2·Padding + Kernel + OutputPadding; weights (in, out, Kernel, Kernel).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class ConvTransposeAttribute(int outChannels) : LayerAttribute
{
    public const int DefaultKernel = 2, DefaultStride = 2;
    public const bool DefaultBias = true;

    public int OutChannels { get; } = outChannels;
    public int Kernel { get; set; } = DefaultKernel;
    public int Stride { get; set; } = DefaultStride;
    /// <summary>Removed from each side of the full output.</summary>
    public int Padding { get; set; }
    /// <summary>Added to one side of the output (below the stride): picks one of the sizes a strided convolution maps back from.</summary>
    public int OutputPadding { get; set; }
    public bool Bias { get; set; } = DefaultBias;
}

/// <summary>How <see cref="UpsampleAttribute"/> fills new pixels.</summary>
public enum UpsampleMode
{
    /// <summary>Each output pixel copies the input pixel it falls in.</summary>
    Nearest = 0,
    /// <summary>Linear in both axes between the four nearest input pixel centres (PyTorch's align_corners=False).</summary>
    Bilinear = 1,
}

/// <summary>Enlarges H and W by integer factors (PyTorch's Upsample with scale_factor).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class UpsampleAttribute(int scale = UpsampleAttribute.DefaultScale) : LayerAttribute
{
    public const int DefaultScale = 2;

    public int Scale { get; } = scale;
    /// <summary>A different factor for the width; 0 (the default) means <see cref="Scale"/>.</summary>
    public int ScaleWidth { get; set; }
    public UpsampleMode Mode { get; set; }
}
