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
/// Receptive-field arithmetic along one axis: a unit sees Size input pixels, neighbouring units are Jump input pixels
/// apart, and the first unit's field is centred on input pixel Start.
/// </summary>
internal readonly record struct RfAxis(int Size, double Jump, double Start)
{
    public static readonly RfAxis Pixel = new(1, 1, 0.5);

    /// <summary>Through a window of <paramref name="span"/> pixels (dilation included), stride and padding along this axis.</summary>
    public RfAxis Through(int span, int stride, int padding) =>
        new(Size + (int)((span - 1) * Jump), Jump * stride, Start + ((span - 1) / 2.0 - padding) * Jump);
}

/// <summary>A unit's receptive field along the rows and the columns (rectangular kernels and strides make them differ).</summary>
internal readonly record struct ReceptiveField(RfAxis Rows, RfAxis Columns)
{
    public static readonly ReceptiveField Pixel = new(RfAxis.Pixel, RfAxis.Pixel);

    public ReceptiveField Through(Window w) => new(Rows.Through(w.SpanH, w.SH, w.PH), Columns.Through(w.SpanW, w.SW, w.PW));

    /// <summary>The same rule on both axes.</summary>
    public ReceptiveField Map(System.Func<RfAxis, RfAxis> axis) => new(axis(Rows), axis(Columns));

    /// <summary>A join sees the union of its inputs' fields: the widest along each axis.</summary>
    public static ReceptiveField Widest(System.Collections.Generic.IEnumerable<ReceptiveField> fields)
    {
        var all = System.Linq.Enumerable.ToList(fields);
        return new(System.Linq.Enumerable.First(System.Linq.Enumerable.OrderByDescending(all, f => f.Rows.Size)).Rows,
            System.Linq.Enumerable.First(System.Linq.Enumerable.OrderByDescending(all, f => f.Columns.Size)).Columns);
    }
}
