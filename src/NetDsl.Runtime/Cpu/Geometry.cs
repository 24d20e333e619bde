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

/// <summary>Sizes of one pooling layer (no padding; floor mode).</summary>
public readonly record struct PoolGeometry(int Channels, int Height, int Width, int Kernel, int Stride)
{
    public int OutHeight => (Height - Kernel) / Stride + 1;
    public int OutWidth => (Width - Kernel) / Stride + 1;
    public int InSize => Channels * Height * Width;
    public int OutSize => Channels * OutHeight * OutWidth;
}
