using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[Dropout(p)]: inverted dropout in training (a kept element is scaled by 1/(1−p)), the identity in evaluation.</summary>
internal sealed class Dropout : Layer
{
    internal sealed record Args(double P) : LayerArgs;

    public override LayerArgs Read(AttributeArguments a) => new Args(a.Double(0));

    public override LayerShape? Check(ShapeContext c)
    {
        double p = ((Args)c.Args).P;
        return p >= 0 && p < 1 || c.Invalid("probability", p, "at least 0 and below 1") ? new LayerShape(c.X) : null;
    }

    private static double P(NodePlan l) => ((Args)l.Args).P;

    public override bool TransparentToInitialization => true;
    public override bool KeepsMask => true;
    public override string Detail(NodePlan l) => $" p={CodeWriter.Literal(P(l))}";

    public override void CpuForward(CpuLayer c)
    {
        c.Line($"if (ws.Training) {CpuLayer.Kernels}Dropout.Forward({c.Y}, {c.Mask}, {c.X()}, {CodeWriter.Literal(P(c.L))}, ws.StepSeed, n0, n, {c.L.Out.Size});");
        c.Line($"else {c.X()}.CopyTo({c.Y});");
    }

    public override void CpuBackward(CpuLayer c)
    {
        if (c.Dx() is { } dx) c.Line($"{CpuLayer.Kernels}Dropout.Backward({dx}, {c.Dy}, {c.Mask});");
    }

    public override bool RunsInTile => true;

    public override void CudaForward(CudaLayer c)
    {
        long size = c.L.Out.Size;
        c.Kernel("forward", "", size, 0,
            $"if (a.training) netdsl::dropout_forward<{size}{c.Team}>({c.Y}, {c.Saved(c.L.MaskSlot, size)}, {c.X()}, {CodeWriter.Literal(P(c.L))}, netdsl::step_seed(a), {c.N}{c.FirstSample});",
            $"else netdsl::copy{c.TeamOnly}({c.Y}, {c.X()}, {c.Total(size)});");
    }

    public override void CudaBackward(CudaLayer c)
    {
        if (c.Dx() is { } dx)
            c.Kernel("backward", "", c.L.In.Size, 0, $"netdsl::multiply{c.TeamOnly}({dx}, {c.Dy}, {c.Saved(c.L.MaskSlot, c.L.Out.Size)}, {c.Total(c.L.Out.Size)});");
    }
}
