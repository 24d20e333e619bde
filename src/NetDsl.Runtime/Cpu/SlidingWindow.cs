namespace NetDsl.Runtime.Cpu;

/// <summary>
/// PyTorch's output sizes of windowed layers along one axis. The generator compiles this same file (linked into
/// NetDsl.Generator), so the shapes it checks at compile time and the ones the kernels compute cannot drift apart.
/// </summary>
internal static class SlidingWindow
{
    /// <summary>
    /// Windows spanning <paramref name="span"/> input elements (kernel and dilation) at <paramref name="stride"/> over
    /// <paramref name="size"/> plus <paramref name="padding"/> on each side; in ceil mode a last partial window counts,
    /// unless it would start in the right/bottom padding.
    /// </summary>
    public static int Count(int size, int span, int stride, int padding, bool ceil = false)
    {
        int room = size + 2 * padding - span;
        int count = (ceil ? (room + stride - 1) / stride : room / stride) + 1;
        return ceil && (count - 1) * stride >= size + padding ? count - 1 : count;
    }

    /// <summary>A transposed convolution's output: (size − 1)·stride − 2·padding + kernel + output padding.</summary>
    public static int Transposed(int size, int kernel, int stride, int padding, int outputPadding) =>
        (size - 1) * stride - 2 * padding + kernel + outputPadding;
}
