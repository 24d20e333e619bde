using System.Linq;

namespace NetDsl.Generator.Model;

/// <summary>A per-sample shape (channels, height, width); dense outputs are (units, 1, 1).</summary>
internal readonly record struct Shape(int C, int H, int W)
{
    public long Size => (long)C * H * W;
    public int Spatial => H * W;
    public string Batched => H == 1 && W == 1 ? $"(N,{C})" : $"(N,{C},{H},{W})";
    public override string ToString() => H == 1 && W == 1 ? $"({C})" : $"({C},{H},{W})";
}

/// <summary>How a tensor is initialized; chosen at compile time from the layer and the activation that follows.</summary>
internal enum InitKind { Zero, One, HeNormal, XavierUniform }

/// <summary>A tensor a layer owns, before offsets are assigned.</summary>
internal sealed record GraphTensor(string Role, int[] Dims, int FanIn, int FanOut, InitKind Init, bool Trainable)
{
    public int Length => Dims.Aggregate(1, (a, b) => a * b);
}

/// <summary>A tensor in the flat parameter buffer. Trainable tensors come first; buffers (running statistics) after.</summary>
internal sealed record TensorPlan(string Name, string Role, int Offset, int Length, EquatableArray<int> Dims, int FanIn, int FanOut, InitKind Init, bool Trainable);

/// <summary>
/// One layer instance after expansion and checking: its kind (node 0, the network input, has <see cref="InputKind"/>),
/// arguments, shapes, sliding window (block strides and 'same' padding resolved), workspace slots and tensors. Inputs
/// are node ids.
/// </summary>
internal sealed record NodePlan(
    int Id, string Name, string Stage, string Kind, Layers.LayerArgs Args, EquatableArray<int> Inputs, EquatableArray<Shape> InShapes, Shape Out,
    Window? Window, int Slot, int MaskSlot, int ReductionOffset,
    EquatableArray<TensorPlan> Tensors, long MultiplyAdds, ReceptiveField Rf, bool NeedsGradient)
{
    public const string InputKind = "Input";

    public Layers.Layer Layer => Layers.Layer.Named(Kind);
    public Shape In => InShapes[0];
    public long Parameters => Tensors.Where(t => t.Trainable).Sum(t => (long)t.Length);
    /// <summary>Floats of every tensor, trained or not: what a backward kernel's parameter-gradient work covers.</summary>
    public long TensorFloats => Tensors.Sum(t => (long)t.Length);
    public string Identifier => Name.Replace('.', '_');
    public TensorPlan? Tensor(string role) => Tensors.FirstOrDefault(t => t.Role == role);
}

/// <summary>Where a consumer writes the gradient for one of its inputs: the producer's own slot or a private edge slot.</summary>
internal sealed record GradientEdge(int Consumer, int InputIndex, int Producer, int Slot);

/// <summary>A network-level stage: its nodes [First, First + Count) and its output node (its input, if it built nothing).</summary>
internal sealed record StagePlan(string Name, string Accessibility, int First, int Count, int Output);

/// <summary>
/// One loss: the node whose output it reads, the stage that names it, its weight, and the slot of its probabilities
/// (-1 when the head keeps none). Heads after the first are auxiliary: trained only, and their nodes come last.
/// </summary>
internal sealed record HeadPlan(int Node, string Stage, double Weight, int ProbabilitySlot);

/// <summary>The checked network: what the emitters need and nothing else.</summary>
internal sealed record NetworkPlan(
    NetworkSpec Spec, Shape Input, EquatableArray<NodePlan> Nodes, EquatableArray<GradientEdge> Edges, EquatableArray<StagePlan> Stages,
    EquatableArray<HeadPlan> Heads, int ParameterCount, int TrainableCount, int ActivationsPerSample, int ScratchPerWorker, int ReductionPerWorker,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
    /// <summary>Layers in execution order (the input node excluded).</summary>
    public System.Collections.Generic.IEnumerable<NodePlan> Layers => Nodes.Skip(1);
    /// <summary>The network's output: what the main head reads and prediction returns.</summary>
    public NodePlan Logits => Nodes[Heads[0].Node];
    /// <summary>The main head's probabilities slot (-1 when it keeps none).</summary>
    public int ProbabilitySlot => Heads[0].ProbabilitySlot;
    public Heads.Head Loss => Generator.Heads.Head.Named(Spec.Head);
    public int Classes => Loss.Classes(Logits.Out);
    /// <summary>Nodes that only feed auxiliary heads: they run in training only, after every node of the main path.</summary>
    public bool IsAuxiliary(NodePlan node) => node.Id > Heads[0].Node;
    public bool HasAuxiliaryHeads => Heads.Count > 1;
    public System.Collections.Generic.IEnumerable<TensorPlan> Tensors => Nodes.SelectMany(n => n.Tensors).OrderBy(t => t.Offset);

    /// <summary>Where <paramref name="consumer"/> sends the gradient of its input <paramref name="input"/>; null when none is needed.</summary>
    public GradientEdge? EdgeInto(int consumer, int input) => Edges.FirstOrDefault(e => e.Consumer == consumer && e.InputIndex == input);

    /// <summary>The gradients a tensor receives, one per reader; more than one are summed before its producer's backward.</summary>
    public System.Collections.Generic.List<GradientEdge> EdgesFrom(int producer) => Edges.Where(e => e.Producer == producer).ToList();
}
