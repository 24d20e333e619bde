using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>
/// What a layer's shape check sees: its arguments and input shapes, and the checker's diagnostics, reported on the
/// layer's attribute with the layer named as "Stage: Kind". Every check method returns false after reporting.
/// </summary>
internal abstract class ShapeContext
{
    public abstract LayerArgs Args { get; }

    /// <summary>The input shapes: one, or a join's several.</summary>
    public abstract IReadOnlyList<Shape> Inputs { get; }

    public Shape X => Inputs[0];

    /// <summary>How messages name input i's producer: "C1", or "C1.0 (Conv)" for an inner layer.</summary>
    public abstract string Display(int input);

    /// <summary>Inside a block instantiated with a stride: that stride where the layer asks for it, else its own.</summary>
    public abstract int Stride(int own, bool strided);

    /// <summary>A block's channel expression over its parameters and <c>in</c>; null after reporting.</summary>
    public abstract int? Channels(int value, string? expression);

    /// <summary>He-normal when the activation after this layer (through pooling, normalization, dropout) is a rectifier; else Xavier.</summary>
    public abstract InitKind WeightInit { get; }

    public abstract void Report(DiagnosticDescriptor descriptor, params object[] arguments);

    /// <summary>NDSL0005 "{layer}: {what} {value} is {...}, but must be {expected}"; returns false.</summary>
    public abstract bool Invalid(string what, object value, string expected);

    /// <summary>The output size of a window over the input: NDSL0006 when it does not fit, NDSL0007 on unread rows.</summary>
    public abstract bool Slide(Window window, out int height, out int width);

    public bool Positive(string what, int value) => value >= 1 || Invalid(what, value, "at least 1");

    public bool NotNegative(string what, int value) => value >= 0 || Invalid(what, value, "zero or more");

    /// <summary>Tensor sizes must fit the 32-bit offsets of the parameter buffer.</summary>
    public abstract bool Fits(long size, string what);
}
