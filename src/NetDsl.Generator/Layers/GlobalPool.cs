using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[GlobalAvgPool]: each channel's mean over all positions, (C,H,W) → (C).</summary>
internal sealed class GlobalAvgPool : GlobalPool
{
    protected override bool IsMax => false;
}

/// <summary>[GlobalMaxPool]: each channel's maximum over all positions, (C,H,W) → (C).</summary>
internal sealed class GlobalMaxPool : GlobalPool
{
    protected override bool IsMax => true;
}

internal abstract class GlobalPool : Layer
{
    protected abstract bool IsMax { get; }

    private string Mode => IsMax ? "Max" : "Avg";

    /// <summary>Its window is the whole input: that is what its receptive field grows by.</summary>
    public override LayerShape? Check(ShapeContext c) =>
        new(new Shape(c.X.C, 1, 1), System.Array.Empty<GraphTensor>(), 0, Window.Square(System.Math.Max(c.X.H, c.X.W), 1, 0));

    public override void CpuForward(CpuLayer c) =>
        c.Line($"{CpuLayer.Kernels}GlobalPool.{Mode}Forward({c.Y}, {c.X()}, n, {c.L.In.C}, {c.L.In.Spatial});");

    public override void CpuBackward(CpuLayer c)
    {
        if (c.Dx() is not { } dx) return;
        c.Line(IsMax ? $"{CpuLayer.Kernels}GlobalPool.MaxBackward({dx}, {c.Dy}, {c.X()}, n, {c.L.In.C}, {c.L.In.Spatial});"
            : $"{CpuLayer.Kernels}GlobalPool.AvgBackward({dx}, {c.Dy}, n, {c.L.In.C}, {c.L.In.Spatial});");
    }

    public override void CudaForward(CudaLayer c) => c.Kernel("forward", "", c.L.Out.Size, 0,
        $"netdsl::global_pool_forward<{c.L.In.C}, {c.L.In.Spatial}, {CudaEmitter.Bool(IsMax)}{c.Team}>({c.Y}, {c.X()}, {c.N});");

    public override void CudaBackward(CudaLayer c)
    {
        if (c.Dx() is { } dx)
            c.Kernel("backward", "", c.L.In.Size, 0,
                $"netdsl::global_pool_backward<{c.L.In.C}, {c.L.In.Spatial}, {CudaEmitter.Bool(IsMax)}{c.Team}>({dx}, {c.Dy}, {c.X()}, {c.N});");
    }
}
