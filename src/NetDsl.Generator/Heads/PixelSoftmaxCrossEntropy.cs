using NetDsl.Generator.Model;
using static NetDsl.Generator.Layers.CpuLayer;

namespace NetDsl.Generator.Heads;

/// <summary>
/// Segmentation: a softmax over the C channels at every pixel of a (C,H,W) output against an (H,W) label map; the mean
/// is over the batch's labeled pixels, so every worker counts the whole batch's labels for the same scale.
/// </summary>
internal sealed class PixelSoftmaxCrossEntropy : Head
{
    public override string? Unfit(Shape output) => output.C < 2 ? "at least 2 channels (classes) per pixel" : null;

    public override int Classes(Shape output) => output.C;

    public override string? IgnoreLabelProblem(Shape output, int ignoreLabel, bool set) => ignoreLabel >= 0 && ignoreLabel < output.C
        ? $"is one of the {output.C} classes the head scores, so that class could never be learned; choose a label outside [0, {output.C}), such as 255"
        : null;

    public override long LabelsPerSample(Shape output) => output.Spatial;

    public override string Targets(Shape output, int ignoreLabel) =>
        $"global::NetDsl.TargetSpec.ClassMap({output.C}, {output.H}, {output.W}, {ignoreLabel})";

    public override bool HasProbabilities => true;

    public override string Describe(Shape output, int ignoreLabel) =>
        $"per-pixel softmax cross-entropy over {output.C} classes at {output.H}x{output.W} pixels, label {ignoreLabel} ignored";

    public override string MeanOver => "(softmax - onehot) / labeled pixels of the batch";

    public override string CpuForward(HeadSite h) =>
        $"{Kernels}PixelSoftmaxCrossEntropy.Forward({h.Probabilities}, {h.Losses}, {h.Output}, {h.Labels}, {h.N}, {Dims(h)}, {h.IgnoreLabel});";

    public override string CpuBackward(HeadSite h) =>
        $"{Kernels}PixelSoftmaxCrossEntropy.Backward({h.Gradient}, {h.Probabilities}, {h.Labels}, {h.N}, {Dims(h)}, {h.IgnoreLabel}, "
        + CpuScale(h, $"global::System.Math.Max(1, {Kernels}PixelSoftmaxCrossEntropy.CountLabeled({h.BatchLabels}, {h.IgnoreLabel}))") + ");";

    public override string CudaForward(HeadSite h) =>
        $"netdsl::pixel_softmax_cross_entropy_forward<{Dims(h)}, {h.IgnoreLabel}{h.Team}>({h.Probabilities}, {h.Losses}, {h.Counts}, {h.Output}, {h.Labels}, {h.N});";

    public override long CudaForwardWork(Shape output) => output.Spatial;

    public override string CudaBackward(HeadSite h) =>
        $"netdsl::pixel_softmax_cross_entropy_backward<{Dims(h)}, {h.IgnoreLabel}{h.Team}>({h.Gradient}, {h.Probabilities}, {h.Labels}, "
        + CudaScale(h, $"fmaxf(1.0f, netdsl::labeled_pixels({h.BatchCounts}, a.n))") + $", {h.N});";

    private static string Dims(HeadSite h) => $"{h.Out.C}, {h.Out.H}, {h.Out.W}";
}
