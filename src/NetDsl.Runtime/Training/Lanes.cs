using System.Numerics;

namespace NetDsl.Runtime.Training;

/// <summary>An element-wise optimizer update over whole <see cref="Vector{T}"/>s of equally long spans.</summary>
/// <remarks>State spans a kernel does not use are empty. Lengths are multiples of <see cref="Vector{T}.Count"/>.</remarks>
internal interface ILaneKernel
{
    void Apply(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> state1, Span<float> state2);
}

/// <summary>
/// Runs an <see cref="ILaneKernel"/> over full vectors, then over a zero-padded copy of the ragged tail, so the update
/// is written once, for vectors only, and the last few elements get exactly the same arithmetic as the rest.
/// </summary>
internal static class Lanes
{
    public static void Run<TKernel>(in TKernel kernel, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> state1, Span<float> state2) where TKernel : struct, ILaneKernel
    {
        int length = parameters.Length, width = Vector<float>.Count, full = length - length % width;
        if (gradients.Length != length || !(state1.IsEmpty || state1.Length == length) || !(state2.IsEmpty || state2.Length == length))
            throw new ArgumentException("Parameters, gradients and optimizer state differ in length.");
        kernel.Apply(parameters[..full], gradients[..full], Head(state1, full), Head(state2, full));
        if (full == length) return;

        Span<float> padded = stackalloc float[4 * width];
        padded.Clear();
        Span<float> p = padded[..width], g = padded[width..(2 * width)], s1 = padded[(2 * width)..(3 * width)], s2 = padded[(3 * width)..];
        parameters[full..].CopyTo(p);
        gradients[full..].CopyTo(g);
        if (!state1.IsEmpty) state1[full..].CopyTo(s1);
        if (!state2.IsEmpty) state2[full..].CopyTo(s2);
        kernel.Apply(p, g, state1.IsEmpty ? default : s1, state2.IsEmpty ? default : s2);
        int tail = length - full;
        p[..tail].CopyTo(parameters[full..]);
        if (!state1.IsEmpty) s1[..tail].CopyTo(state1[full..]);
        if (!state2.IsEmpty) s2[..tail].CopyTo(state2[full..]);
    }

    private static Span<float> Head(Span<float> state, int length) => state.IsEmpty ? default : state[..length];
}
