using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[Dense(units)]: fully connected with bias, PyTorch's Linear; a (C,H,W) input is flattened in C,H,W order.</summary>
internal sealed class Dense : Layer
{
    internal sealed record Args(int Units) : LayerArgs;

    public override LayerArgs Read(AttributeArguments a) => new Args(a.Int(0));

    /// <summary>Each unit sees the whole input: a window as large as the input, for the receptive field.</summary>
    public override LayerShape? Check(ShapeContext c)
    {
        int units = ((Args)c.Args).Units;
        var x = c.X;
        if (!c.Positive("units", units) || !c.Fits(x.Size, "inputs to a dense layer")) return null;
        int fanIn = (int)x.Size;
        return new LayerShape(new Shape(units, 1, 1), new[]
        {
            new GraphTensor("weight", new[] { units, fanIn }, fanIn, units, c.WeightInit, true),
            new GraphTensor("bias", new[] { units }, fanIn, 0, InitKind.Zero, true),
        }, (long)units * fanIn, Window.Square(System.Math.Max(x.H, x.W), 1, 0));
    }

    public override void CpuForward(CpuLayer c) =>
        c.Line($"{CpuLayer.Kernels}Dense.Forward({c.Y}, {c.X()}, {c.Param("weight")}, {c.Param("bias")}, n, {c.L.In.Size}, {c.L.Out.Size});");

    public override void CpuBackward(CpuLayer c) =>
        c.Line($"{CpuLayer.Kernels}Dense.Backward({c.DxOrEmpty}, {c.Grad("weight")}, {c.Grad("bias")}, {c.Dy}, {c.X()}, {c.Param("weight")}, n, {c.L.In.Size}, {c.L.Out.Size});");

    public override bool RunsInTile => true;
    public override bool TakesFusedActivation => true;

    public override void CudaForward(CudaLayer c) => c.Kernel("forward", "", c.L.Out.Size, 0,
        $"netdsl::dense_forward<{c.L.In.Size}, {c.L.Out.Size}, {c.Act}{c.Team}>({c.Y}, {c.X()}, {c.Param("weight")}, {c.Param("bias")}, {c.N});");

    public override void CudaBackward(CudaLayer c)
    {
        string sizes = $"{c.L.In.Size}, {c.L.Out.Size}, {c.Act}{c.Team}";
        var lines = new System.Collections.Generic.List<string>
        {
            $"netdsl::dense_backward_weights<{sizes}>({c.PGrad("weight")}, {c.PGrad("bias")}, {c.Dy}, {c.FusedY}, {c.X()}, {c.N});",
        };
        if (c.Dx() is { } dx) lines.Add($"netdsl::dense_backward_input<{sizes}>({dx}, {c.Dy}, {c.FusedY}, {c.Param("weight")}, {c.N});");
        c.Kernel("backward", "", c.Dx() is null ? 0 : c.L.In.Size, c.L.TensorFloats, lines.ToArray());
    }
}
