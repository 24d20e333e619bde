namespace NetDsl;

/// <summary>What one sample's target is, which a network's <see cref="Head"/> decides.</summary>
public enum TargetKind
{
    /// <summary>One class index.</summary>
    Class,
    /// <summary>An (H,W) map of class indices, one per pixel; <see cref="TargetSpec.IgnoreLabel"/> marks unlabeled pixels.</summary>
    ClassMap,
    /// <summary>Floats shaped like the network's output (regression targets, or multi-label probabilities).</summary>
    Values,
}

/// <summary>
/// The targets a network trains against, per sample: their kind, shape and number of classes. A data set states the
/// same (<c>IBatchSource.Targets</c>) and the trainer checks the two agree before any work.
/// </summary>
/// <param name="Shape">Per sample: (1) for a class, (1,H,W) for a class map, the output's shape for values.</param>
/// <param name="Classes">Class labels lie in [0, Classes); for values, the number of floats per sample.</param>
/// <param name="IgnoreLabel">Class maps only: the label of pixels that count neither in the loss nor in the accuracy.</param>
public sealed record TargetSpec(TargetKind Kind, Shape Shape, int Classes, int IgnoreLabel = TargetSpec.DefaultIgnoreLabel)
{
    /// <summary>PyTorch's default <c>ignore_index</c>.</summary>
    public const int DefaultIgnoreLabel = -100;

    public static TargetSpec Class(int classes) => new(TargetKind.Class, new Shape(1, 1, 1), classes);

    public static TargetSpec ClassMap(int classes, int height, int width, int ignoreLabel = DefaultIgnoreLabel) =>
        new(TargetKind.ClassMap, new Shape(1, height, width), classes, ignoreLabel);

    public static TargetSpec Values(Shape shape) => new(TargetKind.Values, shape, shape.Size);

    /// <summary>Integer labels per sample: 1 for a class, H·W for a class map, none for values.</summary>
    public int LabelsPerSample => Kind == TargetKind.Values ? 0 : Shape.Size;

    /// <summary>Float targets per sample: the output's size for values, none otherwise.</summary>
    public int ValuesPerSample => Kind == TargetKind.Values ? Shape.Size : 0;

    /// <summary>
    /// Whether data with targets <paramref name="data"/> can train a network with these. Label maps must also agree on
    /// the ignore label: data that marks its void pixels otherwise would have them trained as a class, or refused mid-epoch.
    /// </summary>
    public bool Accepts(TargetSpec data) => data.Kind == Kind && data.Shape == Shape && data.Classes == Classes
        && (Kind != TargetKind.ClassMap || data.IgnoreLabel == IgnoreLabel);

    public override string ToString() => Kind switch
    {
        TargetKind.Class => $"class labels in [0, {Classes})",
        TargetKind.ClassMap => $"({Shape.Height},{Shape.Width}) label maps of {Classes} classes, label {IgnoreLabel} ignored",
        _ => $"{Shape} float targets",
    };
}

/// <summary>One loss of a network: the main head (weight 1, on the network's output) or an auxiliary one.</summary>
/// <param name="Stage">The stage whose output the loss reads.</param>
/// <param name="TrainingOnly">Counted only while training; evaluation and prediction skip the branch.</param>
public sealed record HeadInfo(string Stage, Head Loss, double Weight, bool TrainingOnly);
