namespace NetDsl.Runtime.Cpu;

/// <summary>
/// Sizes of one convolution, as PyTorch's Conv2d, baked in by the generator as a static readonly field: weights
/// (OutChannels, InChannels / Groups, KernelHeight, KernelWidth); group g maps input channels
/// [g·Cin/G, (g+1)·Cin/G) to output channels [g·Cout/G, (g+1)·Cout/G) (Groups = InChannels: depthwise).
/// </summary>
public readonly record struct ConvGeometry
{
    /// <summary>A square <paramref name="kernel"/> with the same stride and padding on both axes, no dilation, one group.</summary>
    public ConvGeometry(int inChannels, int height, int width, int outChannels, int kernel, int stride, int padding)
        : this(inChannels, height, width, outChannels, (kernel, kernel), (stride, stride), (padding, padding), (1, 1), 1) { }

    /// <summary>The general form: (height, width) of kernel, stride, padding (each side) and dilation, and the group count.</summary>
    public ConvGeometry(int inChannels, int height, int width, int outChannels,
        (int Height, int Width) kernel, (int Height, int Width) stride, (int Height, int Width) padding, (int Height, int Width) dilation, int groups)
    {
        (InChannels, Height, Width, OutChannels, Groups) = (inChannels, height, width, outChannels, groups);
        (KernelHeight, KernelWidth) = kernel;
        (StrideHeight, StrideWidth) = stride;
        (PaddingHeight, PaddingWidth) = padding;
        (DilationHeight, DilationWidth) = dilation;
    }

    public int InChannels { get; }
    public int Height { get; }
    public int Width { get; }
    public int OutChannels { get; }
    public int KernelHeight { get; }
    public int KernelWidth { get; }
    public int StrideHeight { get; }
    public int StrideWidth { get; }
    public int PaddingHeight { get; }
    public int PaddingWidth { get; }
    public int DilationHeight { get; }
    public int DilationWidth { get; }
    public int Groups { get; }

    public int OutHeight => SlidingWindow.Count(Height, ReachHeight, StrideHeight, PaddingHeight);
    public int OutWidth => SlidingWindow.Count(Width, ReachWidth, StrideWidth, PaddingWidth);
    public int InSize => InChannels * Height * Width;
    public int OutSize => OutChannels * OutHeight * OutWidth;
    /// <summary>Weights per output channel, (Cin / Groups)·Kh·Kw: a row of w, and the rows of one group's im2col block.</summary>
    public int Patch => InChannels / Groups * KernelHeight * KernelWidth;
    /// <summary>Scratch one worker needs: the im2col matrix of one sample (every group's block) and its gradient.</summary>
    public int ScratchLength => 2 * Groups * Patch * OutHeight * OutWidth;

    /// <summary>Input rows (columns) one window spans, dilation included.</summary>
    internal int ReachHeight => DilationHeight * (KernelHeight - 1) + 1;
    internal int ReachWidth => DilationWidth * (KernelWidth - 1) + 1;

    /// <summary>1×1, stride 1, unpadded: already a matrix product, x itself is the im2col matrix.</summary>
    internal bool Pointwise => KernelHeight == 1 && KernelWidth == 1 && StrideHeight == 1 && StrideWidth == 1 && PaddingHeight == 0 && PaddingWidth == 0;

    // Only the defining sizes: the derived ones would divide by an invalid stride in Check's message.
    public override string ToString() =>
        $"ConvGeometry {{ {InChannels}×{Height}×{Width} → {OutChannels}, kernel {KernelHeight}×{KernelWidth}, stride {StrideHeight}×{StrideWidth}, " +
        $"padding {PaddingHeight}×{PaddingWidth}, dilation {DilationHeight}×{DilationWidth}, groups {Groups} }}";
}

/// <summary>
/// Sizes of one pooling layer, as PyTorch's MaxPool2d/AvgPool2d: <paramref name="Padding"/> on every side (−∞ for max,
/// zeros for average) and, in <paramref name="CeilMode"/>, a last partial window on each axis unless it would start in
/// the right/bottom padding. <paramref name="CountIncludePad"/> is AvgPool2d's count_include_pad: average pooling divides
/// by the window's extent within the padded input (true, PyTorch's default) or by its number of elements of x (false).
/// Max pooling ignores it.
/// </summary>
public readonly record struct PoolGeometry(int Channels, int Height, int Width, int Kernel, int Stride, int Padding = 0, bool CeilMode = false,
    bool CountIncludePad = true)
{
    public int OutHeight => SlidingWindow.Count(Height, Kernel, Stride, Padding, CeilMode);
    public int OutWidth => SlidingWindow.Count(Width, Kernel, Stride, Padding, CeilMode);
    public int InSize => Channels * Height * Width;
    public int OutSize => Channels * OutHeight * OutWidth;

    /// <summary>Every window lies whole inside the input: no padding, and ceil mode adds no partial window.</summary>
    internal bool WindowsInside => Padding == 0 && OutHeight == (Height - Kernel) / Stride + 1 && OutWidth == (Width - Kernel) / Stride + 1;
}
