using NetDsl.Generator.Model;
using static NetDsl.Generator.Layers.CpuLayer;

namespace NetDsl.Generator.Heads;

/// <summary>
/// A loss summed over every output against float targets of the output's shape; the mean is over every output of the
/// batch. The CPU kernel class and the CUDA functor name the loss.
/// </summary>
internal abstract class ElementwiseHead(string cpuKernel, string cudaLoss, string description) : Head
{
    public override string Targets(Shape output, int ignoreLabel) => $"global::NetDsl.TargetSpec.Values(new({output.C}, {output.H}, {output.W}))";

    public override long LabelsPerSample(Shape output) => 0;

    public override string Describe(Shape output, int ignoreLabel) => $"{description} over {output.Size} outputs";

    public override string MeanOver => "dloss/doutput / (batch size * outputs)";

    public override string CpuForward(HeadSite h) => $"{Kernels}{cpuKernel}.Forward({h.Losses}, {h.Output}, {h.Targets}, {h.N}, {h.Out.Size});";

    public override string CpuBackward(HeadSite h) =>
        $"{Kernels}{cpuKernel}.Backward({h.Gradient}, {h.Output}, {h.Targets}, {h.N}, {h.Out.Size}, {CpuScale(h, $"{h.BatchSize} * {h.Out.Size}L")});";

    public override string CudaForward(HeadSite h) =>
        $"netdsl::elementwise_loss_forward<netdsl::{cudaLoss}, {h.Out.Size}{h.Team}>({h.Losses}, {h.Output}, {h.Targets}, {h.N});";

    public override string CudaBackward(HeadSite h) =>
        $"netdsl::elementwise_loss_backward<netdsl::{cudaLoss}, {h.Out.Size}{h.Team}>({h.Gradient}, {h.Output}, {h.Targets}, "
        + CudaScale(h, $"(float){h.BatchSize} * {h.Out.Size}") + $", {h.N});";
}

/// <summary>Regression: (output − target)², PyTorch's F.mse_loss.</summary>
internal sealed class MeanSquaredError() : ElementwiseHead("MeanSquaredError", "SquaredError", "mean squared error");

/// <summary>Regression: |output − target|, PyTorch's F.l1_loss.</summary>
internal sealed class L1() : ElementwiseHead("L1Loss", "AbsoluteError", "L1 loss");

/// <summary>Multi-label: independent sigmoid cross-entropies from logits, PyTorch's F.binary_cross_entropy_with_logits.</summary>
internal sealed class BinaryCrossEntropyWithLogits() : ElementwiseHead("BinaryCrossEntropyWithLogits", "BinaryCrossEntropyWithLogits",
    "binary cross-entropy with logits");
