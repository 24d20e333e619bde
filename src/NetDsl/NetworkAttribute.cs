namespace NetDsl;

/// <summary>
/// Declares a network. The class must be a non-nested, non-generic <c>partial</c> class; each
/// <c>public partial Stage X { get; }</c> property carrying layer attributes is one stage, in declaration order.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    public const int DefaultIgnoreLabel = TargetSpec.DefaultIgnoreLabel;
    public const Head DefaultHead = Head.SoftmaxCrossEntropy;

    /// <summary>Per-sample input shape as (channels, height, width), e.g. <c>new[] { 1, 28, 28 }</c>.</summary>
    public int[]? Input { get; set; }

    /// <summary>The training objective applied to the network's output (the last stage that is not an auxiliary head).</summary>
    public Head Head { get; set; } = DefaultHead;

    /// <summary>
    /// <see cref="Head.PixelSoftmaxCrossEntropy"/> only: pixels with this label count neither in the loss nor in the
    /// accuracy (PyTorch's <c>ignore_index</c>, -100 by default; segmentation data sets often use 255).
    /// </summary>
    public int IgnoreLabel { get; set; } = DefaultIgnoreLabel;
}

/// <summary>Training objectives a network can end in. Each sets what a sample's target is (<see cref="TargetKind"/>).</summary>
public enum Head
{
    /// <summary>Log-softmax over the whole output, then the negative log-likelihood of one class label per sample.</summary>
    SoftmaxCrossEntropy = 0,

    /// <summary>
    /// Semantic segmentation: a (C,H,W) output is C class scores per pixel, the target an (H,W) map of class labels.
    /// The loss is the mean over labeled pixels (those not equal to <see cref="NetworkAttribute.IgnoreLabel"/>).
    /// </summary>
    PixelSoftmaxCrossEntropy = 1,

    /// <summary>Regression: the mean over every output of (output − target)², targets shaped like the output.</summary>
    MeanSquaredError = 2,

    /// <summary>Regression: the mean over every output of |output − target|, targets shaped like the output.</summary>
    L1 = 3,

    /// <summary>
    /// Multi-label: each output is the logit of an independent yes/no label, each target a probability in [0, 1]; the
    /// mean over outputs of the binary cross-entropy of sigmoid(output), computed stably from the logit.
    /// </summary>
    BinaryCrossEntropyWithLogits = 4,
}
