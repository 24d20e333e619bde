using System.Numerics;

namespace NetDsl.Runtime.Cpu;

// Shapes: x (n, Cin, H, W), w (Cout, Cin, K, K), b (Cout), y (n, Cout, Ho, Wo). PyTorch layout and semantics.
public static class Conv2d
{
    /// <summary>y = conv(x, w) + b. <paramref name="scratch"/> holds at least g.ScratchLength elements.</summary>
    public static void Forward<T>(Span<T> y, ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> scratch, int n, in ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotImplementedException();

    /// <summary>dw += dL/dw, db += dL/db; dx = dL/dx unless dx is empty (the first layer needs no input gradient).</summary>
    public static void Backward<T>(Span<T> dx, Span<T> dw, Span<T> db, ReadOnlySpan<T> dy, ReadOnlySpan<T> x, ReadOnlySpan<T> w, Span<T> scratch, int n, in ConvGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T> => throw new NotImplementedException();
}
