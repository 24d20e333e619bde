using NetDsl.Generator.Model;
using static NetDsl.Generator.Layers.CpuLayer;

namespace NetDsl.Generator.Heads;

/// <summary>Log-softmax over the whole output, then the negative log-likelihood of the sample's class label.</summary>
internal sealed class SoftmaxCrossEntropy : Head
{
    public override string? Unfit(Shape output) => output.Size < 2 ? "at least 2 outputs" : null;

    public override string Targets(Shape output, int ignoreLabel) => $"global::NetDsl.TargetSpec.Class({output.Size})";

    public override bool HasProbabilities => true;

    public override string Describe(Shape output, int ignoreLabel) => $"softmax cross-entropy over {output.Size} classes";

    public override string MeanOver => "(softmax - onehot) / batch size";

    public override string CpuForward(HeadSite h) =>
        $"{Kernels}SoftmaxCrossEntropy.Forward({h.Probabilities}, {h.Losses}, {h.Output}, {h.Labels}, {h.N}, {h.Out.Size});";

    public override string CpuBackward(HeadSite h) =>
        $"{Kernels}SoftmaxCrossEntropy.Backward({h.Gradient}, {h.Probabilities}, {h.Labels}, {h.N}, {h.Out.Size}, {CpuScale(h, h.BatchSize)});";

    public override string CudaForward(HeadSite h) =>
        $"netdsl::softmax_cross_entropy_forward<{h.Out.Size}{h.Team}>({h.Probabilities}, {h.Losses}, {h.Output}, {h.Labels}, {h.N});";

    public override string CudaBackward(HeadSite h) =>
        $"netdsl::softmax_cross_entropy_backward<{h.Out.Size}{h.Team}>({h.Gradient}, {h.Probabilities}, {h.Labels}, {CudaScale(h, h.BatchSize)}, {h.N});";
}
