namespace NetDsl;

/// <summary>
/// Declares a network. The class must be a non-nested, non-generic <c>partial</c> class; each
/// <c>public partial Stage X { get; }</c> property carrying layer attributes is one stage, in declaration order.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Per-sample input shape as (channels, height, width), e.g. <c>new[] { 1, 28, 28 }</c>.</summary>
    public int[]? Input { get; set; }

    /// <summary>The training objective applied to the last layer's output (the logits).</summary>
    public Head Head { get; set; } = Head.SoftmaxCrossEntropy;
}

/// <summary>Training objectives a network can end in.</summary>
public enum Head
{
    /// <summary>Numerically stable log-softmax followed by negative log-likelihood of the label.</summary>
    SoftmaxCrossEntropy = 0,
}
