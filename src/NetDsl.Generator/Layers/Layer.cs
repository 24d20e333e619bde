using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>
/// A layer kind: everything the generator knows about it, in one class named as the kind (<c>Conv</c> reads
/// <c>[Conv]</c>). It reads its attribute's arguments, checks shapes, declares its parameters, multiply-adds and
/// receptive field, and writes its CPU calls and CUDA kernels. The checker and the emitters walk the plan and ask the
/// layer; none of them switches on its kind. Adding a kind: its attribute in NetDsl, a class here, its kernels.
/// </summary>
internal abstract class Layer
{
    protected Layer() => Name = GetType().Name;

    /// <summary>The kind's name: its attribute's name without "Attribute", and what summaries call it.</summary>
    public string Name { get; }

    // ---- the attribute -------------------------------------------------------------------------------------------

    /// <summary>The attribute's typed arguments. Unset named arguments take the attribute's Default… constants.</summary>
    public virtual LayerArgs Read(AttributeArguments attribute) => LayerArgs.None;

    /// <summary>Joins read the stages their attribute names (<see cref="LayerArgs.Inputs"/>) besides, or instead of, the stage's running value.</summary>
    public virtual bool Joins => false;

    // ---- shapes and parameters -----------------------------------------------------------------------------------

    /// <summary>The output shape, tensors and cost for the input(s); null after reporting why the input does not fit.</summary>
    public abstract LayerShape? Check(ShapeContext c);

    /// <summary>Reads <c>return Rejected(c.Invalid(...))</c>: the check failed, and what it reported says why.</summary>
    protected static LayerShape? Rejected(bool reported) => null;

    /// <summary>Layers a weight initializer looks through for the activation that follows (pooling, normalization, dropout).</summary>
    public virtual bool TransparentToInitialization => false;

    /// <summary>Weights followed by this activation are He-initialized; by anything else, Xavier.</summary>
    public virtual bool IsRectifier => false;

    /// <summary>Per-sample floats a layer keeps beside its output (dropout's mask).</summary>
    public virtual bool KeepsMask => false;

    /// <summary>Floats of per-worker reduction space (BatchNorm's batch statistics).</summary>
    public virtual int ReductionFloats(NodePlan l) => 0;

    /// <summary>Floats of per-worker CPU scratch (a convolution's im2col matrix and its gradient).</summary>
    public virtual long CpuScratch(NodePlan l) => 0;

    /// <summary>
    /// Receptive field from the widest input's: the size, jump (input pixels between neighbouring units) and centre of the
    /// first unit. Layers without a window pass it on.
    /// </summary>
    public virtual ReceptiveField ReceptiveField(NodePlan l, ReceptiveField input) =>
        l.Window is { } w ? input.Through(w) : input;

    /// <summary>What the narration adds after the kind: "5x5/1 pad 2", "p=0.5".</summary>
    public virtual string Detail(NodePlan l) => "";

    // ---- CPU -----------------------------------------------------------------------------------------------------

    /// <summary>A geometry the CPU calls share, as a static field: its type and constructor arguments; null for none.</summary>
    public virtual (string Type, string Arguments)? CpuGeometry(NodePlan l) => null;

    public abstract void CpuForward(CpuLayer c);

    /// <summary>Writes dL/dinputs and parameter gradients; called only when the layer needs a gradient.</summary>
    public abstract void CpuBackward(CpuLayer c);

    // ---- CUDA ----------------------------------------------------------------------------------------------------

    /// <summary>Runs inside the whole-network kernels: per-sample work a block can do on its tile of samples.</summary>
    public virtual bool RunsInTile => false;

    /// <summary>Convolution and dense layers compute the activation that alone reads them.</summary>
    public virtual bool TakesFusedActivation => false;

    /// <summary>An activation's CUDA functor type (netdsl::Relu) when it can be fused (its derivative needs only y); else null.</summary>
    public virtual string? FusableActivation(NodePlan l) => null;

    public abstract void CudaForward(CudaLayer c);

    public abstract void CudaBackward(CudaLayer c);

    // ---- the registry ----------------------------------------------------------------------------------------------

    private static readonly Dictionary<string, Layer> s_byName = typeof(Layer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(Layer).IsAssignableFrom(t))
        .Select(t => (Layer)Activator.CreateInstance(t, nonPublic: true))
        .ToDictionary(l => l.Name, StringComparer.Ordinal);

    /// <summary>The kind of a NetDsl attribute class ("ConvAttribute"), or null.</summary>
    public static Layer? ForAttribute(string attributeName) =>
        attributeName.EndsWith("Attribute", StringComparison.Ordinal)
        && s_byName.TryGetValue(attributeName.Substring(0, attributeName.Length - "Attribute".Length), out var layer) ? layer : null;

    public static Layer Named(string name) => s_byName[name];

    public static IEnumerable<Layer> All => s_byName.Values;
}

/// <summary>A kind's typed attribute arguments: an equatable record, so the plan caches. Joins name their inputs.</summary>
internal abstract record LayerArgs
{
    public static readonly LayerArgs None = new NoArgs();

    public virtual EquatableArray<string> Inputs => EquatableArray<string>.Empty;

    private sealed record NoArgs : LayerArgs;
}

/// <summary>What a layer's check produces: its output shape, tensors (before offsets), multiply-adds per sample and sliding window.</summary>
internal sealed record LayerShape(Shape Out, GraphTensor[] Tensors, long MultiplyAdds = 0, Window? Window = null)
{
    public LayerShape(Shape Out) : this(Out, Array.Empty<GraphTensor>()) { }
}
