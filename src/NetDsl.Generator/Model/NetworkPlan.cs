using System.Linq;

namespace NetDsl.Generator.Model;

/// <summary>A per-sample shape (channels, height, width); dense outputs are (units, 1, 1).</summary>
internal readonly record struct Shape(int C, int H, int W)
{
    public int Size => C * H * W;
    public string Batched => H == 1 && W == 1 ? $"(N,{C})" : $"(N,{C},{H},{W})";
    public override string ToString() => H == 1 && W == 1 ? $"({C})" : $"({C},{H},{W})";
}

/// <summary>How a weight tensor is initialized; chosen at compile time from the activation that follows it.</summary>
internal enum InitKind { None, HeNormal, XavierUniform }

/// <summary>
/// A layer after shape checking. Offsets are per sample (activations) or absolute (parameters).
/// Receptive field: size, jump (stride in input pixels) and the centre of the first unit.
/// </summary>
internal sealed record LayerPlan(
    LayerSpec Spec, string Name, string InputName, Shape In, Shape Out,
    int InputSlot, int OutputSlot, int MaskSlot,
    int WeightOffset, int WeightCount, int BiasOffset, int BiasCount, int FanIn, int FanOut, InitKind Init,
    long MultiplyAdds, int RfSize, int RfJump, double RfStart, bool NeedsInputGradient)
{
    public long Parameters => (long)WeightCount + BiasCount;
    public bool HasParameters => WeightCount > 0;
    public string Identifier => Name.Replace('.', '_');
}

/// <summary>The checked network: what the emitters need and nothing else.</summary>
internal sealed record NetworkPlan(
    NetworkSpec Spec, Shape Input, EquatableArray<LayerPlan> Layers,
    int ParameterCount, int ActivationsPerSample, int ProbabilitySlot, int ScratchPerWorker,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
    public LayerPlan Logits => Layers[Layers.Count - 1];
    public int Classes => Logits.Out.Size;
}
