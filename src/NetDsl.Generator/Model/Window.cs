namespace NetDsl.Generator.Model;

/// <summary>
/// A sliding window over (H, W): kernel, stride, zero padding on each side and dilation per axis, and PyTorch's ceil
/// mode. Its output sizes come from the runtime's SlidingWindow, the one rule the generator and the kernels share.
/// </summary>
internal readonly record struct Window(int KH, int KW, int SH, int SW, int PH, int PW, int DH = 1, int DW = 1, bool Ceil = false)
{
    public static Window Square(int kernel, int stride, int padding, bool ceil = false) => new(kernel, kernel, stride, stride, padding, padding, Ceil: ceil);

    public bool IsSquare => KH == KW && SH == SW && PH == PW && DH == DW;

    /// <summary>Rows and columns one window spans: (kernel − 1)·dilation + 1.</summary>
    public int SpanH => (KH - 1) * DH + 1;
    public int SpanW => (KW - 1) * DW + 1;

    public int OutH(int size) => Runtime.Cpu.SlidingWindow.Count(size, SpanH, SH, PH, Ceil);
    public int OutW(int size) => Runtime.Cpu.SlidingWindow.Count(size, SpanW, SW, PW, Ceil);

    /// <summary>"5x5/1 pad 2", "3x1/2,1 pad 1,0 dilation 2".</summary>
    public override string ToString()
    {
        string text = IsSquare ? $"{KH}x{KW}/{SH}" : $"{KH}x{KW}/{(SH == SW ? $"{SH}" : $"{SH},{SW}")}";
        if (PH != 0 || PW != 0) text += PH == PW ? $" pad {PH}" : $" pad {PH},{PW}";
        if (DH != 1 || DW != 1) text += DH == DW ? $" dilation {DH}" : $" dilation {DH},{DW}";
        return text + (Ceil ? " ceil" : "");
    }
}

/// <summary>
/// Receptive-field arithmetic along the rows: a unit sees Size×Size input pixels, neighbouring units are Jump input
/// pixels apart, and the first unit's field is centred on input pixel Start.
/// </summary>
internal readonly record struct ReceptiveField(int Size, double Jump, double Start)
{
    public static readonly ReceptiveField Pixel = new(1, 1, 0.5);

    public ReceptiveField Through(Window w) =>
        new(Size + (int)((w.SpanH - 1) * Jump), Jump * w.SH, Start + ((w.SpanH - 1) / 2.0 - w.PH) * Jump);
}
