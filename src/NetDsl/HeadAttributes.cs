namespace NetDsl;

/// <summary>
/// Makes a stage an auxiliary head: a side branch trained against the same targets with the network's
/// <see cref="NetworkAttribute.Head"/>, its loss weighted by <see cref="Weight"/> and added to the main loss during
/// training only (GoogLeNet's auxiliary classifiers). Evaluation and prediction skip it. It reads the stage declared
/// before it (or its <c>[From]</c>), and the next stage reads past it, so declaring one does not change the main path.
/// Its output must have the main output's shape.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AuxiliaryHeadAttribute : Attribute
{
    public const double DefaultWeight = 0.3;

    /// <summary>This head's share of the training loss; the main head's weight is 1. Szegedy et al. use 0.3.</summary>
    public double Weight { get; set; } = DefaultWeight;
}
