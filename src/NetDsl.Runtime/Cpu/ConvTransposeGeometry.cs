namespace NetDsl.Runtime.Cpu;

/// <summary>
/// Sizes of one transposed convolution, as PyTorch's ConvTranspose2d (groups 1, dilation 1): every input pixel spreads
/// a K×K kernel onto the output at <paramref name="Stride"/>, the outer <paramref name="Padding"/> rows and columns are
/// cropped, and <paramref name="OutputPadding"/> (0 ≤ OutputPadding &lt; Stride) adds rows and columns at the bottom and
/// right, telling apart the input sizes a strided convolution maps to the same output size.
/// </summary>
public readonly record struct ConvTransposeGeometry(int InChannels, int Height, int Width, int OutChannels, int Kernel, int Stride, int Padding, int OutputPadding = 0)
{
    public int OutHeight => SlidingWindow.Transposed(Height, Kernel, Stride, Padding, OutputPadding);
    public int OutWidth => SlidingWindow.Transposed(Width, Kernel, Stride, Padding, OutputPadding);
    public int InSize => InChannels * Height * Width;
    public int OutSize => OutChannels * OutHeight * OutWidth;
    /// <summary>Weights (InChannels, OutChannels, K, K), PyTorch's layout.</summary>
    public int WeightLength => InChannels * OutChannels * Kernel * Kernel;

    /// <summary>
    /// The convolution this one is the adjoint of: from the output (OutChannels, OutHeight, OutWidth) back to the input
    /// (InChannels, Height, Width) with the same kernel, stride and padding. Its weights (InChannels, OutChannels, K, K)
    /// are these weights, and since OutputPadding &lt; Stride its output is exactly Height × Width.
    /// </summary>
    public ConvGeometry Adjoint => new(OutChannels, OutHeight, OutWidth, InChannels, Kernel, Stride, Padding);

    /// <summary>Scratch one worker needs: the adjoint convolution's.</summary>
    public int ScratchLength => Adjoint.ScratchLength;
}
