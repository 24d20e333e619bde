using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Heads;

/// <summary>
/// A loss kind, named as its <c>NetDsl.Head</c> member: which outputs it accepts, what a sample's target is, and its
/// CPU and CUDA forward (per-sample losses) and backward (the output's gradient, scaled by the head's weight over
/// the batch's mean). The emitters ask the head of each <see cref="HeadPlan"/>; none of them switches on its kind.
/// </summary>
internal abstract class Head
{
    protected Head() => Name = GetType().Name;

    public string Name { get; }

    /// <summary>What the output must be, said as "at least 2 outputs", when <paramref name="output"/> does not fit; else null.</summary>
    public virtual string? Unfit(Shape output) => null;

    /// <summary>
    /// What is wrong with the network's IgnoreLabel (<paramref name="set"/>: written in [Network]), as the end of a
    /// sentence; null when nothing is. Only label maps read it.
    /// </summary>
    public virtual string? IgnoreLabelProblem(Shape output, int ignoreLabel, bool set) =>
        set ? $"has no effect: only the {nameof(PixelSoftmaxCrossEntropy)} head ignores labels" : null;

    /// <summary>Labels lie in [0, Classes); for value targets, the floats per sample.</summary>
    public virtual int Classes(Shape output) => (int)output.Size;

    /// <summary>Integer labels per sample: one class, or a map of one per pixel; value targets have none.</summary>
    public virtual long LabelsPerSample(Shape output) => 1;

    /// <summary>The runtime's TargetSpec for this output, as a C# expression.</summary>
    public abstract string Targets(Shape output, int ignoreLabel);

    /// <summary>Softmax heads keep the probabilities their backward reads, in a slot of the output's size.</summary>
    public virtual bool HasProbabilities => false;

    /// <summary>"softmax cross-entropy over 10 classes": what the narration says.</summary>
    public abstract string Describe(Shape output, int ignoreLabel);

    /// <summary>How the per-sample losses become the batch's mean, for the backward's narration.</summary>
    public abstract string MeanOver { get; }

    public abstract string CpuForward(HeadSite h);

    public abstract string CpuBackward(HeadSite h);

    public abstract string CudaForward(HeadSite h);

    /// <summary>Threads per sample the forward launch needs: one per sample, unless it loops over pixels too.</summary>
    public virtual long CudaForwardWork(Shape output) => 1;

    public abstract string CudaBackward(HeadSite h);

    /// <summary>The CPU scale factor weight / divisor, as generated code writes it.</summary>
    protected static string CpuScale(HeadSite h, string divisor) =>
        (h.Weight == 1 ? "T.One" : $"T.CreateChecked({Emitting.CodeWriter.Literal(h.Weight)})") + $" / T.CreateChecked({divisor})";

    protected static string CudaScale(HeadSite h, string divisor) =>
        $"{Emitting.CodeWriter.FloatLiteral(h.Weight)} / {(divisor.Contains(" ") ? $"({divisor})" : divisor)}";

    // ---- the registry ----------------------------------------------------------------------------------------------

    private static readonly Dictionary<string, Head> s_byName = typeof(Head).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(Head).IsAssignableFrom(t))
        .Select(t => (Head)Activator.CreateInstance(t, nonPublic: true))
        .ToDictionary(h => h.Name, StringComparer.Ordinal);

    public static Head? Find(string name) => s_byName.TryGetValue(name, out var head) ? head : null;

    public static Head Named(string name) => s_byName[name];

    public static IEnumerable<Head> All => s_byName.Values;
}

/// <summary>
/// Where one head's buffers are, as expressions of the language being written (C# over the workspace, or CUDA over
/// the kernel arguments of a grid or of one block's tile of samples): the output and its gradient, the probabilities,
/// the per-sample losses, the targets, and how many samples (<see cref="N"/>) these cover. <see cref="BatchLabels"/>
/// (C#) and <see cref="BatchCounts"/> (CUDA: per-sample labeled pixels) cover the whole batch, for a label map's mean.
/// <see cref="Team"/> is the CUDA functions' last template argument (", netdsl::Block" in a tile; empty on the grid).
/// </summary>
internal sealed record HeadSite(Shape Out, double Weight, int IgnoreLabel, string Output, string Gradient, string Probabilities,
    string Losses, string Labels, string Targets, string N, string BatchSize)
{
    public string BatchLabels { get; init; } = "";
    public string Counts { get; init; } = "";
    public string BatchCounts { get; init; } = "";
    public string Team { get; init; } = "";
}
