namespace NetDsl;

/// <summary>
/// A receptive field along one axis: a unit sees <see cref="Size"/> input pixels, neighbouring units are
/// <see cref="Jump"/> input pixels apart, and the first unit's field is centred on input pixel <see cref="Start"/>.
/// </summary>
public readonly record struct ReceptiveAxis(int Size, double Jump, double Start)
{
    public override string ToString() => $"{Size}, jump {Jump}, start {Start:0.##}";
}

/// <summary>
/// One row of the compile-time summary: everything here was computed by the source generator.
/// <see cref="Kind"/> is the layer attribute's name without "Attribute" ("Conv", "MaxPool"). A unit of this layer sees
/// <see cref="RfRows"/>.Size × <see cref="RfColumns"/>.Size input pixels.
/// </summary>
public sealed record LayerInfo(
    string Name, string Kind, string Stage, Shape Input, Shape Output,
    long Parameters, long MultiplyAdds, ReceptiveAxis RfRows, ReceptiveAxis RfColumns)
{
    /// <summary>"5×5, jump 1, start 0.5"; rows then columns where the axes differ.</summary>
    public string ReceptiveField => RfRows == RfColumns
        ? $"{RfRows.Size}×{RfRows.Size}, jump {RfRows.Jump}, start {RfRows.Start:0.##}"
        : $"{RfRows.Size}×{RfColumns.Size}, jump {RfRows.Jump},{RfColumns.Jump}, start {RfRows.Start:0.##},{RfColumns.Start:0.##}";

    /// <summary>Bytes of float32 activations this layer holds per sample.</summary>
    public long ActivationBytes => 4L * Output.Size;
}

/// <summary>
/// A named slice of the flat parameter buffer; <see cref="Dims"/> follows PyTorch's layout. Buffers that are not
/// trained (BatchNorm's running statistics) come after every trainable tensor.
/// </summary>
public sealed record ParameterInfo(string Name, int Offset, int Length, int[] Dims, int FanIn, int FanOut, bool Trainable = true);

/// <summary>A stage property: a named, contiguous run of layers.</summary>
public sealed record Stage(string Name, int FirstLayer, int LayerCount, Shape Output)
{
    /// <summary>Names the input of the network or block in <c>[From]</c>, <c>[Concat]</c> and <c>[Add]</c>.</summary>
    public const string Input = "input";
}

/// <summary>The compile-time description of a generated network.</summary>
public sealed record NetworkDescription(
    string Name, Shape Input, int Classes,
    IReadOnlyList<LayerInfo> Layers, IReadOnlyList<ParameterInfo> Parameters, IReadOnlyList<Stage> Stages)
{
    public int ParameterCount => Parameters.Count == 0 ? 0 : Parameters[^1].Offset + Parameters[^1].Length;
    /// <summary>The trainable prefix of the parameter buffer: what optimizers update and what torchvision counts.</summary>
    public int TrainableParameterCount => Parameters.Where(p => p.Trainable).Sum(p => p.Length);
    public long MultiplyAdds => Layers.Sum(l => l.MultiplyAdds);

    /// <summary>
    /// The tensors of <paramref name="stage"/>'s layers (blocks included): a layer's tensors are its name and one more
    /// part (<c>fc</c> → <c>fc.weight</c>, <c>fc.bias</c>). Empty for an unknown stage.
    /// </summary>
    public IEnumerable<ParameterInfo> ParametersOf(string stage)
    {
        var layers = Stages.Where(s => s.Name == stage)
            .SelectMany(s => Layers.Skip(s.FirstLayer).Take(s.LayerCount)).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        return Parameters.Where(p => p.Name.LastIndexOf('.') is int dot and > 0 && layers.Contains(p.Name[..dot]));
    }

    private readonly TargetSpec? _targets;
    private readonly IReadOnlyList<HeadInfo>? _heads;

    /// <summary>What each sample is trained against; one class label per sample unless the network's head says otherwise.</summary>
    public TargetSpec Targets { get => _targets ?? TargetSpec.Class(Classes); init => _targets = value; }

    /// <summary>The losses: the main head first, then auxiliary heads in declaration order.</summary>
    public IReadOnlyList<HeadInfo> Heads
    {
        get => _heads ?? [new HeadInfo(Stages.Count == 0 ? "" : Stages[^1].Name, Head.SoftmaxCrossEntropy, 1, false)];
        init => _heads = value;
    }
}

/// <summary>Implemented by the generator for every <see cref="NetworkAttribute"/> class.</summary>
public interface INetwork
{
    NetworkDescription Description { get; }
}
