namespace NetDsl.Runtime.Cpu;

/// <summary>
/// Sizes of one upsampling layer, as PyTorch's nn.Upsample with integer scale factors: each plane of
/// <paramref name="Channels"/> grows from Height × Width to (Height·ScaleHeight) × (Width·ScaleWidth).
/// </summary>
public readonly record struct UpsampleGeometry(int Channels, int Height, int Width, int ScaleHeight, int ScaleWidth)
{
    public int OutHeight => Height * ScaleHeight;
    public int OutWidth => Width * ScaleWidth;
    public int InSize => Channels * Height * Width;
    public int OutSize => Channels * OutHeight * OutWidth;
}
