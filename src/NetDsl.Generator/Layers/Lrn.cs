using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[Lrn(size)]: local response normalization across channels, PyTorch's LocalResponseNorm (AlexNet).</summary>
internal sealed class Lrn : Layer
{
    internal sealed record Args(int Size, double Alpha, double Beta, double K) : LayerArgs;

    public override LayerArgs Read(AttributeArguments a) => new Args(a.Int(0), a.Double("Alpha"), a.Double("Beta"), a.Double("K"));

    public override LayerShape? Check(ShapeContext c)
    {
        var s = (Args)c.Args;
        if (!c.Positive("size", s.Size)) return null;
        return s.K > 0 || c.Invalid("k", s.K, "positive") ? new LayerShape(c.X) : null;
    }

    public override bool TransparentToInitialization => true;
    public override string Detail(NodePlan l) => $" size {((Args)l.Args).Size}";

    private static string Cpu(NodePlan l)
    {
        var s = (Args)l.Args;
        return $"{s.Size}, {CodeWriter.Literal(s.Alpha)}, {CodeWriter.Literal(s.Beta)}, {CodeWriter.Literal(s.K)}";
    }

    private static string Cuda(NodePlan l)
    {
        var s = (Args)l.Args;
        return $"{CodeWriter.FloatLiteral(s.Alpha)}, {CodeWriter.FloatLiteral(s.Beta)}, {CodeWriter.FloatLiteral(s.K)}";
    }

    public override void CpuForward(CpuLayer c) =>
        c.Line($"{CpuLayer.Kernels}Lrn.Forward({c.Y}, {c.X()}, n, {c.L.Out.C}, {c.L.Out.Spatial}, {Cpu(c.L)});");

    public override void CpuBackward(CpuLayer c)
    {
        if (c.Dx() is { } dx) c.Line($"{CpuLayer.Kernels}Lrn.Backward({dx}, {c.Dy}, {c.X()}, {c.Y}, n, {c.L.Out.C}, {c.L.Out.Spatial}, {Cpu(c.L)});");
    }

    private static string Sizes(NodePlan l) => $"{l.Out.C}, {l.Out.Spatial}, {((Args)l.Args).Size}";

    public override void CudaForward(CudaLayer c) =>
        c.Kernel("forward", "", c.L.Out.Size, 0, $"netdsl::lrn_forward<{Sizes(c.L)}>({c.Y}, {c.X()}, {Cuda(c.L)}, a.n);");

    public override void CudaBackward(CudaLayer c)
    {
        if (c.Dx() is { } dx)
            c.Kernel("backward", "", c.L.In.Size, 0, $"netdsl::lrn_backward<{Sizes(c.L)}>({dx}, {c.Dy}, {c.X()}, {c.Y}, {Cuda(c.L)}, a.n);");
    }
}
