using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[Upsample(scale, Mode)]: nearest or bilinear (align_corners=False) enlargement by integer factors.</summary>
internal sealed class Upsample : Layer
{
    /// <summary>Mode: 0 nearest, 1 bilinear (NetDsl.UpsampleMode).</summary>
    internal sealed record Args(int ScaleH, int ScaleW, int Mode) : LayerArgs;

    public override LayerArgs Read(AttributeArguments a)
    {
        int scale = a.Int(0), width = a.Int("ScaleWidth");
        return new Args(scale, width == 0 ? scale : width, a.Int("Mode"));
    }

    public override LayerShape? Check(ShapeContext c)
    {
        var s = (Args)c.Args;
        if (!c.Positive("scale", s.ScaleH) || !c.Positive("width scale", s.ScaleW)) return null;
        if (s.Mode is not (0 or 1)) return Rejected(c.Invalid("mode", s.Mode, "Nearest or Bilinear"));
        long h = (long)c.X.H * s.ScaleH, w = (long)c.X.W * s.ScaleW;
        return c.Fits(h * w, "positions after upsampling") ? new LayerShape(new Shape(c.X.C, (int)h, (int)w)) : null;
    }

    private static Args Of(NodePlan l) => (Args)l.Args;
    private static string Mode(NodePlan l) => Of(l).Mode == 1 ? "Bilinear" : "Nearest";

    /// <summary>Neighbouring outputs are 1/scale input pixels apart; bilinear outputs also mix two input pixels per axis.</summary>
    public override ReceptiveField ReceptiveField(NodePlan l, ReceptiveField input) =>
        new(Through(input.Rows, Of(l).ScaleH, Of(l).Mode == 1), Through(input.Columns, Of(l).ScaleW, Of(l).Mode == 1));

    private static RfAxis Through(RfAxis a, int scale, bool bilinear) =>
        new(a.Size + (bilinear ? (int)System.Math.Round(a.Jump) : 0), a.Jump / scale, a.Start + (1.0 / scale - 1) / 2 * a.Jump);

    public override string Detail(NodePlan l) =>
        $" {Mode(l).ToLowerInvariant()} x{(Of(l).ScaleH == Of(l).ScaleW ? $"{Of(l).ScaleH}" : $"{Of(l).ScaleH},{Of(l).ScaleW}")}";

    public override (string Type, string Arguments)? CpuGeometry(NodePlan l) =>
        ($"{CpuLayer.Kernels}UpsampleGeometry", CodeWriter.Join(l.In.C, l.In.H, l.In.W, Of(l).ScaleH, Of(l).ScaleW));

    public override void CpuForward(CpuLayer c) => c.Line($"{CpuLayer.Kernels}Upsample.{Mode(c.L)}Forward({c.Y}, {c.X()}, n, {c.Geometry});");

    public override void CpuBackward(CpuLayer c)
    {
        if (c.Dx() is { } dx) c.Line($"{CpuLayer.Kernels}Upsample.{Mode(c.L)}Backward({dx}, {c.Dy}, n, {c.Geometry});");
    }

    public override bool RunsInTile => true;

    private static string Sizes(CudaLayer c) => CodeWriter.Join(c.L.In.C, c.L.In.H, c.L.In.W, Of(c.L).ScaleH, Of(c.L).ScaleW) + c.Team;

    public override void CudaForward(CudaLayer c) => c.Kernel("forward", "", c.L.Out.Size, 0,
        $"netdsl::upsample_{Mode(c.L).ToLowerInvariant()}_forward<{Sizes(c)}>({c.Y}, {c.X()}, {c.N});");

    public override void CudaBackward(CudaLayer c)
    {
        if (c.Dx() is { } dx)
            c.Kernel("backward", "", c.L.In.Size, 0, $"netdsl::upsample_{Mode(c.L).ToLowerInvariant()}_backward<{Sizes(c)}>({dx}, {c.Dy}, {c.N});");
    }
}
