using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[MaxPool(kernel)]: the largest value of each window (padding is −∞).</summary>
internal sealed class MaxPool : Pool
{
    protected override string Mode => "Max";
}

/// <summary>[AvgPool(kernel)]: the mean of each window; padding counts towards the divisor unless CountIncludePad = false.</summary>
internal sealed class AvgPool : Pool
{
    protected override string Mode => "Avg";

    public override LayerArgs Read(AttributeArguments a) => ((Args)base.Read(a)) with { ExcludePadding = !a.Bool("CountIncludePad") };

    public override string Detail(NodePlan l) => base.Detail(l) + (((Args)l.Args).ExcludePadding ? " excluding padding" : "");
}

/// <summary>
/// Pooling over windows, PyTorch's MaxPool2d/AvgPool2d: stride defaults to the kernel, padding at most half the
/// kernel, floor or ceil mode. A convolution may compute the pool its only reader is (<see cref="CudaFusion.Pools"/>).
/// </summary>
internal abstract class Pool : Layer
{
    /// <summary>ExcludePadding: an average divides by the input elements in its window (AvgPool's CountIncludePad = false).</summary>
    internal sealed record Args(int Kernel, int Stride, int Padding, bool CeilMode, bool Strided, bool ExcludePadding = false) : LayerArgs;

    /// <summary>"Max" or "Avg": the CPU kernels' prefix.</summary>
    protected abstract string Mode { get; }

    public bool IsMax => Mode == "Max";

    /// <summary>The fused convolution + pool kernels count padding in averages; a pool that excludes it runs on its own.</summary>
    public static bool Fuses(NodePlan pool) => !((Args)pool.Args).ExcludePadding;

    public override LayerArgs Read(AttributeArguments a)
    {
        int kernel = a.Int(0), stride = a.Int("Stride");
        return new Args(kernel, stride == 0 ? kernel : stride, a.Int("Padding"), a.Bool("CeilMode"), a.Bool("Strided"));
    }

    public override LayerShape? Check(ShapeContext c)
    {
        var s = (Args)c.Args;
        int stride = c.Stride(s.Stride, s.Strided);
        if (!c.Positive("kernel", s.Kernel) || !c.Positive("stride", stride) || !c.NotNegative("padding", s.Padding)) return null;
        if (s.Padding * 2 > s.Kernel) { c.Invalid("padding", s.Padding, $"at most half the kernel ({s.Kernel / 2})"); return null; }
        var window = Window.Square(s.Kernel, stride, s.Padding, s.CeilMode);
        return c.Slide(window, out int h, out int w) ? new LayerShape(new Shape(c.X.C, h, w), System.Array.Empty<GraphTensor>(), 0, window) : null;
    }

    public override bool TransparentToInitialization => true;

    public override string Detail(NodePlan l) => " " + l.Window;

    public override (string Type, string Arguments)? CpuGeometry(NodePlan l)
    {
        var w = l.Window!.Value;
        bool exclude = ((Args)l.Args).ExcludePadding;
        return ($"{CpuLayer.Kernels}PoolGeometry", CodeWriter.Join(l.In.C, l.In.H, l.In.W, w.KH, w.SH)
            + (w.PH != 0 || w.Ceil || exclude ? $", {w.PH}, {(w.Ceil ? "true" : "false")}" : "") + (exclude ? ", CountIncludePad: false" : ""));
    }

    public override void CpuForward(CpuLayer c) => c.Line($"{CpuLayer.Kernels}Pool2d.{Mode}Forward({c.Y}, {c.X()}, n, {c.Geometry});");

    public override void CpuBackward(CpuLayer c)
    {
        if (c.Dx() is { } dx) c.Line($"{CpuLayer.Kernels}Pool2d.{Mode}Backward({dx}, {c.Dy}, {c.X()}, n, {c.Geometry});");
    }

    public override bool RunsInTile => true;

    public override void CudaForward(CudaLayer c) =>
        c.Kernel("forward", "", c.L.Out.Size, 0, $"netdsl::pool2d_forward<{Sizes(c)}>({c.Y}, {c.X()}, {c.N});");

    public override void CudaBackward(CudaLayer c)
    {
        if (c.Dx() is { } dx)
            c.Kernel("backward", "", c.L.In.Size, 0, $"netdsl::pool2d_backward<{Sizes(c)}>({dx}, {c.Dy}, {c.X()}, {c.N});");
    }

    /// <summary>C, H, W, K, S, P, Ho, Wo, Max, then the team; excluding padding adds CountPad = false after the team.</summary>
    private string Sizes(CudaLayer c)
    {
        var (l, w) = (c.L, c.L.Window!.Value);
        string sizes = CodeWriter.Join(l.In.C, l.In.H, l.In.W, w.KH, w.SH, w.PH, l.Out.H, l.Out.W) + ", " + CudaEmitter.Bool(IsMax);
        return ((Args)l.Args).ExcludePadding ? $"{sizes}, {c.TeamType}, false" : sizes + c.Team;
    }
}
