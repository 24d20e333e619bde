namespace NetDsl.Runtime.Cpu;

/// <summary>Sizes of one convolution, baked in by the generator as a static readonly field.</summary>
public readonly record struct ConvGeometry(int InChannels, int Height, int Width, int OutChannels, int Kernel, int Stride, int Padding)
{
    public int OutHeight => (Height + 2 * Padding - Kernel) / Stride + 1;
    public int OutWidth => (Width + 2 * Padding - Kernel) / Stride + 1;
    public int InSize => InChannels * Height * Width;
    public int OutSize => OutChannels * OutHeight * OutWidth;
    /// <summary>Rows of the im2col matrix: one per (input channel, kernel row, kernel column).</summary>
    public int Patch => InChannels * Kernel * Kernel;
    /// <summary>Scratch one worker needs: the im2col matrix of one sample and its gradient.</summary>
    public int ScratchLength => 2 * Patch * OutHeight * OutWidth;
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
    public int OutHeight => OutLength(Height);
    public int OutWidth => OutLength(Width);
    public int InSize => Channels * Height * Width;
    public int OutSize => Channels * OutHeight * OutWidth;

    /// <summary>Every window lies whole inside the input: no padding, and ceil mode adds no partial window.</summary>
    internal bool WindowsInside => Padding == 0 && OutHeight == (Height - Kernel) / Stride + 1 && OutWidth == (Width - Kernel) / Stride + 1;

    // PyTorch's pooling_output_shape with dilation 1.
    int OutLength(int size)
    {
        int span = size + 2 * Padding - Kernel;
        int length = (CeilMode ? (span + Stride - 1) / Stride : span / Stride) + 1;
        return CeilMode && (length - 1) * Stride >= size + Padding ? length - 1 : length;
    }
}
