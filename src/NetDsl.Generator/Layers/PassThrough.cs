using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[Flatten]: (C,H,W) → (C·H·W); the values keep their C,H,W order, so it is a copy.</summary>
internal sealed class Flatten : PassThrough
{
    protected override Shape Out(Shape x) => new((int)x.Size, 1, 1);
}

/// <summary>[Identity]: its input, unchanged.</summary>
internal sealed class Identity : PassThrough
{
    protected override Shape Out(Shape x) => x;
}

/// <summary>A layer whose output holds its input's values in the same order: forward and backward copy.</summary>
internal abstract class PassThrough : Layer
{
    protected abstract Shape Out(Shape x);

    public override LayerShape? Check(ShapeContext c) => new(Out(c.X));

    public override bool TransparentToInitialization => true;

    public override void CpuForward(CpuLayer c) => c.Line($"{c.X()}.CopyTo({c.Y});");

    public override void CpuBackward(CpuLayer c)
    {
        if (c.Dx() is { } dx) c.Line($"{CpuLayer.Kernels}Join.Copy({dx}, {c.Dy});");
    }

    public override bool RunsInTile => true;

    public override void CudaForward(CudaLayer c) =>
        c.Kernel("forward", "", c.L.Out.Size, 0, $"netdsl::copy{c.TeamOnly}({c.Y}, {c.X()}, {c.Total(c.L.Out.Size)});");

    public override void CudaBackward(CudaLayer c)
    {
        if (c.Dx() is { } dx) c.Kernel("backward", "", c.L.In.Size, 0, $"netdsl::copy{c.TeamOnly}({dx}, {c.Dy}, {c.Total(c.L.In.Size)});");
    }
}
