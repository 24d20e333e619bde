using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[Softmax]: over channels, at each position. Backward reads its output: dx = y ⊙ (dy − Σ_c dy·y).</summary>
internal sealed class Softmax : Layer
{
    public override LayerShape? Check(ShapeContext c) => new(c.X);

    private static string Sizes(NodePlan l) => $"{l.Out.C}, {l.Out.Spatial}";

    public override void CpuForward(CpuLayer c) => c.Line($"{CpuLayer.Kernels}Softmax.Forward({c.Y}, {c.X()}, n, {Sizes(c.L)});");

    public override void CpuBackward(CpuLayer c)
    {
        if (c.Dx() is { } dx) c.Line($"{CpuLayer.Kernels}Softmax.Backward({dx}, {c.Dy}, {c.Y}, n, {Sizes(c.L)});");
    }

    public override bool RunsInTile => true;

    public override void CudaForward(CudaLayer c) =>
        c.Kernel("forward", "", c.L.Out.Size, 0, $"netdsl::softmax_forward<{Sizes(c.L)}{c.Team}>({c.Y}, {c.X()}, {c.N});");

    public override void CudaBackward(CudaLayer c)
    {
        if (c.Dx() is { } dx) c.Kernel("backward", "", c.L.In.Size, 0, $"netdsl::softmax_backward<{Sizes(c.L)}{c.Team}>({dx}, {c.Dy}, {c.Y}, {c.N});");
    }
}
