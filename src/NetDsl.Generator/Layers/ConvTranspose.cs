using System;
using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[ConvTranspose(channels, Kernel, Stride, Padding, OutputPadding, Bias)]: PyTorch's ConvTranspose2d, the adjoint of a convolution.</summary>
internal sealed class ConvTranspose : Layer
{
    internal sealed record Args(int Channels, int Kernel, int Stride, int Padding, int OutputPadding, bool Bias) : LayerArgs;

    public override LayerArgs Read(AttributeArguments a) =>
        new Args(a.Int(0), a.Int("Kernel"), a.Int("Stride"), a.Int("Padding"), a.Int("OutputPadding"), a.Bool("Bias"));

    public override LayerShape? Check(ShapeContext c)
    {
        var s = (Args)c.Args;
        var x = c.X;
        if (!c.Positive("out channels", s.Channels) || !c.Positive("kernel", s.Kernel) || !c.Positive("stride", s.Stride)
            || !c.NotNegative("padding", s.Padding)) return null;
        if (s.OutputPadding < 0 || s.OutputPadding >= s.Stride) return Rejected(c.Invalid("output padding", s.OutputPadding, $"at least 0 and below the stride ({s.Stride})"));
        int h = Size(x.H, s), w = Size(x.W, s);
        if (h < 1 || w < 1) return Rejected(c.Invalid("padding", s.Padding, $"small enough to leave an output ({h}×{w} from {x.H}×{x.W})"));
        var output = new Shape(s.Channels, h, w);
        int fanIn = s.Channels * s.Kernel * s.Kernel;   // PyTorch's fan-in of a (in, out, K, K) weight
        var weight = new GraphTensor("weight", new[] { x.C, s.Channels, s.Kernel, s.Kernel }, fanIn, x.C * s.Kernel * s.Kernel, c.WeightInit, true);
        return new LayerShape(output, s.Bias ? new[] { weight, new GraphTensor("bias", new[] { s.Channels }, fanIn, 0, InitKind.Zero, true) } : new[] { weight },
            x.Size * fanIn);
    }

    private static int Size(int input, Args s) => Runtime.Cpu.SlidingWindow.Transposed(input, s.Kernel, s.Stride, s.Padding, s.OutputPadding);

    private static Args Of(NodePlan l) => (Args)l.Args;

    /// <summary>Output units are 1/Stride input pixels apart, and each sees ⌈Kernel/Stride⌉ input units.</summary>
    public override ReceptiveField ReceptiveField(NodePlan l, ReceptiveField input)
    {
        var s = Of(l);
        int taps = (s.Kernel + s.Stride - 1) / s.Stride;
        return input.Map(a => new RfAxis(a.Size + (int)Math.Round((taps - 1) * a.Jump), a.Jump / s.Stride,
            a.Start + (s.Padding - (s.Kernel - 1) / 2.0) / s.Stride * a.Jump));
    }

    public override string Detail(NodePlan l)
    {
        var s = Of(l);
        return $" {s.Kernel}x{s.Kernel}/{s.Stride}{(s.Padding > 0 ? $" pad {s.Padding}" : "")}{(s.OutputPadding > 0 ? $" output pad {s.OutputPadding}" : "")}{(s.Bias ? "" : " no bias")}";
    }

    /// <summary>The adjoint convolution's im2col matrix and its gradient (ConvTransposeGeometry.ScratchLength).</summary>
    public override long CpuScratch(NodePlan l) => 2L * l.Out.C * Of(l).Kernel * Of(l).Kernel * l.In.Spatial;

    public override (string Type, string Arguments)? CpuGeometry(NodePlan l) =>
        ($"{CpuLayer.Kernels}ConvTransposeGeometry", CodeWriter.Join(l.In.C, l.In.H, l.In.W, l.Out.C, Of(l).Kernel, Of(l).Stride, Of(l).Padding, Of(l).OutputPadding));

    public override void CpuForward(CpuLayer c) =>
        c.Line($"{CpuLayer.Kernels}ConvTranspose2d.Forward({c.Y}, {c.X()}, {c.Param("weight")}, {c.Param("bias")}, scratch, n, {c.Geometry});");

    public override void CpuBackward(CpuLayer c) =>
        c.Line($"{CpuLayer.Kernels}ConvTranspose2d.Backward({c.DxOrEmpty}, {c.Grad("weight")}, {c.Grad("bias")}, {c.Dy}, {c.X()}, {c.Param("weight")}, scratch, n, {c.Geometry});");

    public override bool RunsInTile => true;
    public override bool TakesFusedActivation => true;

    /// <summary>Ci, H, W, Co, K, S, P, Ho, Wo: the output padding is in Ho and Wo.</summary>
    private static string Sizes(NodePlan l) => CodeWriter.Join(l.In.C, l.In.H, l.In.W, l.Out.C, Of(l).Kernel, Of(l).Stride, Of(l).Padding, l.Out.H, l.Out.W);

    public override void CudaForward(CudaLayer c) => c.Kernel("forward", "", c.L.Out.Size, 0,
        $"netdsl::convtranspose2d_forward<{Sizes(c.L)}, {CudaEmitter.Bool(Of(c.L).Bias)}, {c.Act}{c.Team}>({c.Y}, {c.X()}, {c.Param("weight")}, {c.Param("bias")}, {c.N});");

    public override void CudaBackward(CudaLayer c)
    {
        var l = c.L;
        var lines = new System.Collections.Generic.List<string>
        {
            $"netdsl::convtranspose2d_backward_weights<{Sizes(l)}, {CudaEmitter.Bool(Of(l).Bias)}, {c.Act}{c.Team}>({c.PGrad("weight")}, {c.PGrad("bias")}, {c.Dy}, {c.FusedY}, {c.X()}, {c.N});",
        };
        if (c.Dx() is { } dx) lines.Add($"netdsl::convtranspose2d_backward_input<{Sizes(l)}, {c.Act}{c.Team}>({dx}, {c.Dy}, {c.FusedY}, {c.Param("weight")}, {c.N});");
        c.Kernel("backward", "", c.Dx() is null ? 0 : l.In.Size, l.TensorFloats, lines.ToArray());
    }
}
