using System.Diagnostics.CodeAnalysis;

namespace NetDsl.Runtime.Cpu;

/// <summary>Argument checks for the public kernels: constant cost per call, never per element.</summary>
internal static class Check
{
    public static void Length(int actual, long expected, string name)
    {
        if (actual != expected) Throw(name, $"expected {expected} elements, got {actual}");
    }

    public static void AtLeast(int actual, long expected, string name)
    {
        if (actual < expected) Throw(name, $"expected at least {expected} elements, got {actual}");
    }

    /// <summary>An optional buffer (dx when no input gradient is wanted, a missing bias) is empty; otherwise it must fit exactly.</summary>
    public static void OptionalLength(int actual, long expected, string name)
    {
        if (actual != 0 && actual != expected) Throw(name, $"expected {expected} elements (or none), got {actual}");
    }

    public static void Count(int n, string name) => ArgumentOutOfRangeException.ThrowIfNegative(n, name);

    public static void Geometry(in ConvGeometry g)
    {
        // Compare sizes directly: (negative) / stride truncates toward zero, so OutHeight alone can't tell.
        if (g.InChannels < 1 || g.OutChannels < 1 || g.Groups < 1 || g.InChannels % g.Groups != 0 || g.OutChannels % g.Groups != 0
            || g.KernelHeight < 1 || g.KernelWidth < 1 || g.StrideHeight < 1 || g.StrideWidth < 1
            || g.PaddingHeight < 0 || g.PaddingWidth < 0 || g.DilationHeight < 1 || g.DilationWidth < 1
            || g.Height + 2 * g.PaddingHeight < g.ReachHeight || g.Width + 2 * g.PaddingWidth < g.ReachWidth)
            Throw(nameof(g), $"invalid convolution geometry {g}");
    }

    public static void Geometry(in ConvTransposeGeometry g)
    {
        if (g.InChannels < 1 || g.OutChannels < 1 || g.Height < 1 || g.Width < 1 || g.Kernel < 1 || g.Stride < 1 || g.Padding < 0
            || g.OutputPadding < 0 || g.OutputPadding >= g.Stride || g.OutHeight < 1 || g.OutWidth < 1)
            Throw(nameof(g), $"invalid transposed convolution geometry {g}");
    }

    public static void Geometry(in PoolGeometry g)
    {
        // PyTorch's limit on padding (at most half the kernel) keeps at least one input element in every window.
        if (g.Channels < 1 || g.Kernel < 1 || g.Stride < 1 || g.Padding < 0 || g.Padding > g.Kernel / 2
            || g.Height + 2 * g.Padding < g.Kernel || g.Width + 2 * g.Padding < g.Kernel)
            Throw(nameof(g), $"invalid pooling geometry {g}");
    }

    public static void Geometry(in UpsampleGeometry g)
    {
        if (g.Channels < 1 || g.Height < 1 || g.Width < 1 || g.ScaleHeight < 1 || g.ScaleWidth < 1)
            Throw(nameof(g), $"invalid upsampling geometry {g}");
    }

    [DoesNotReturn]
    static void Throw(string name, string message) => throw new ArgumentException($"{name}: {message}.", name);
}
