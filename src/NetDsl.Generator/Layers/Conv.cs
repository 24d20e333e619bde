using System;
using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[Conv(channels, Kernel, Stride, Padding, Bias)]: 2-D convolution, PyTorch's Conv2d.</summary>
internal sealed class Conv : Layer
{
    /// <summary>Pad.Same in NetDsl: 'same' padding, resolved here to (kernel − 1) / 2.</summary>
    public const int SamePadding = int.MinValue;

    internal sealed record Args(int Channels, string? ChannelsExpression, int Kernel, int Stride, int Padding, bool Strided, bool Bias) : LayerArgs;

    public override LayerArgs Read(AttributeArguments a) => new Args(a.Int(0), a.String(0), a.Int("Kernel"), a.Int("Stride"),
        a.Int("Padding"), a.Bool("Strided"), a.Bool("Bias"));

    public override LayerShape? Check(ShapeContext c)
    {
        var s = (Args)c.Args;
        int stride = c.Stride(s.Stride, s.Strided), padding = s.Padding;
        if (c.Channels(s.Channels, s.ChannelsExpression) is not int channels) return null;
        if (!c.Positive("out channels", channels) || !c.Positive("kernel", s.Kernel) || !c.Positive("stride", stride)) return null;
        if (padding == SamePadding)
        {
            if (s.Kernel % 2 == 0 || stride != 1) { c.Invalid("'same' padding", $"kernel {s.Kernel}, stride {stride}", "used with an odd kernel and stride 1"); return null; }
            padding = (s.Kernel - 1) / 2;
        }
        if (!c.NotNegative("padding", padding)) return null;
        var window = Window.Square(s.Kernel, stride, padding);
        if (!c.Slide(window, out int h, out int w)) return null;
        var x = c.X;
        int fanIn = x.C * s.Kernel * s.Kernel;
        var weight = new GraphTensor("weight", new[] { channels, x.C, s.Kernel, s.Kernel }, fanIn, channels * s.Kernel * s.Kernel, c.WeightInit, true);
        var output = new Shape(channels, h, w);
        return new LayerShape(output, s.Bias ? new[] { weight, new GraphTensor("bias", new[] { channels }, fanIn, 0, InitKind.Zero, true) } : new[] { weight },
            output.Size * fanIn, window);
    }

    public override string Detail(NodePlan l) => $" {l.Window}{(((Args)l.Args).Bias ? "" : " no bias")}";

    public override long CpuScratch(NodePlan l) => 2L * l.Tensors[0].FanIn * l.Out.Spatial;

    // ---- CPU: im2col + GEMM (Conv2d.cs) ----
    public override (string Type, string Arguments)? CpuGeometry(NodePlan l) =>
        ($"{CpuLayer.Kernels}ConvGeometry", CodeWriter.Join(l.In.C, l.In.H, l.In.W, l.Out.C, l.Window!.Value.KH, l.Window.Value.SH, l.Window.Value.PH));

    public override void CpuForward(CpuLayer c) =>
        c.Line($"{CpuLayer.Kernels}Conv2d.Forward({c.Y}, {c.X()}, {c.Param("weight")}, {c.Param("bias")}, scratch, n, {c.Geometry});");

    public override void CpuBackward(CpuLayer c) =>
        c.Line($"{CpuLayer.Kernels}Conv2d.Backward({c.DxOrEmpty}, {c.Grad("weight")}, {c.Grad("bias")}, {c.Dy}, {c.X()}, {c.Param("weight")}, scratch, n, {c.Geometry});");

    // ---- CUDA: tensor cores when the GEMM is big enough (grid only), else the reference kernels; a pool may be fused ----
    public override bool RunsInTile => true;
    public override bool TakesFusedActivation => true;

    public override void CudaForward(CudaLayer c)
    {
        var l = c.L;
        string bias = CudaEmitter.Bool(l.Tensor("bias") is not null);
        if (c.Pool is { Pool: var pool } fusion)
        {
            c.Kernel("forward", fusion.Narration, pool.Out.Size, 0,
                $"netdsl::conv2d_pool_forward<{Sizes(l)}, {bias}, {c.Act}, {CodeWriter.Join(pool.Window!.Value.KH, pool.Window.Value.SH, pool.Window.Value.PH, pool.Out.H, pool.Out.W)}, {CudaEmitter.Bool(pool.Kind == "MaxPool")}{c.Team}>" +
                $"({c.Y}, a.training ? {c.Saved(fusion.PoolInputSlot, l.Out.Size)} : nullptr, {c.X()}, {c.Param("weight")}, {c.Param("bias")}, {c.N});");
        }
        else if (!c.InTile && TensorCorePlan.For(l) is { } tc)
            c.Kernel(tc.Forward(c.Id + "_forward"), TensorCorePlan.Narration,
                $"netdsl::conv2d_forward_tc<{bias}, {c.Act}>({c.Y}, {c.X()}, {c.Param("weight")}, {c.Param("bias")}, {ConvShape(l)}, {c.N});");
        else
            c.Kernel("forward", "", l.Out.Size, 0,
                $"netdsl::conv2d_forward<{Sizes(l)}, {bias}, {c.Act}{c.Team}>({c.Y}, {c.X()}, {c.Param("weight")}, {c.Param("bias")}, {c.N});");
    }

    public override void CudaBackward(CudaLayer c)
    {
        var l = c.L;
        string bias = CudaEmitter.Bool(l.Tensor("bias") is not null), dx = c.Dx() is { } d ? d : "";
        long weights = l.TensorFloats, inputs = c.Dx() is null ? 0 : l.In.Size;
        if (c.Pool is { FusedBackward: true, Pool: var pool } fusion)
        {
            string dz = $"netdsl::ThroughPool<{CodeWriter.Join(l.Out.C, l.Out.H, l.Out.W, pool.Window!.Value.KH, pool.Out.H, pool.Out.W)}, {CudaEmitter.Bool(pool.Kind == "MaxPool")}, {c.Act}>{{{c.Dy}, {c.Saved(fusion.PoolInputSlot, l.Out.Size)}}}";
            c.Kernel("backward", (c.Activation is null ? ", through " : " and ") + $"{pool.Name} {pool.Kind} (the pool's backward is fused here)", inputs, weights,
                Lines($"netdsl::conv2d_backward_weights_from<{Sizes(l)}, {bias}{c.Team}>({c.PGrad("weight")}, {c.PGrad("bias")}, {dz}, {c.X()}, {c.N});",
                      dx.Length == 0 ? null : $"netdsl::conv2d_backward_input_from<{Sizes(l)}{c.Team}>({dx}, {dz}, {c.Param("weight")}, {c.N});"));
        }
        else if (!c.InTile && TensorCorePlan.For(l) is { } tc)
            TensorCoreBackward(c, tc, bias, dx);
        else
            c.Kernel("backward", "", inputs, weights,
                Lines($"netdsl::conv2d_backward_weights<{Sizes(l)}, {bias}, {c.Act}{c.Team}>({c.PGrad("weight")}, {c.PGrad("bias")}, {c.Dy}, {c.FusedY}, {c.X()}, {c.N});",
                      dx.Length == 0 ? null : $"netdsl::conv2d_backward_input<{Sizes(l)}, {c.Act}{c.Team}>({dx}, {c.Dy}, {c.FusedY}, {c.Param("weight")}, {c.N});"));
    }

    /// <summary>The weight gradient as per-split partials in scratch, their ordered sum (with the bias gradient), then the input gradient.</summary>
    private static void TensorCoreBackward(CudaLayer c, TensorCorePlan tc, string bias, string dx)
    {
        var l = c.L;
        c.NeedScratch(tc.PartialFloats);
        c.Kernel(tc.WeightPartials(c.Id + "_weight_partials"),
            $": weight gradient{TensorCorePlan.Narration}, {(tc.WeightSplits == 1 ? "one partial" : $"the batch split {tc.WeightSplits} ways")} into scratch",
            $"netdsl::conv2d_weight_partials_tc<{c.Act}>(a.scratch, {c.Dy}, {c.FusedY}, {c.X()}, {ConvShape(l)}, LAUNCH_VALUE({tc.WeightSplits}), a.n);");
        c.Kernel("weight_sum", ": weight gradient += the partials in split order; bias gradient", 0, l.TensorFloats,
            $"netdsl::conv2d_weight_sum_tc<{bias}, {c.Act}>({c.PGrad("weight")}, {c.PGrad("bias")}, a.scratch, {c.Dy}, {c.FusedY}, {ConvShape(l)}, LAUNCH_VALUE({tc.WeightSplits}), a.n);");
        if (dx.Length > 0)
            c.Kernel(tc.BackwardInput(c.Id + "_backward"), $": input gradient{TensorCorePlan.Narration}",
                $"netdsl::conv2d_backward_input_tc<{c.Act}>({dx}, {c.Dy}, {c.FusedY}, {c.Param("weight")}, {ConvShape(l)}, a.n);");
    }

    private static string[] Lines(params string?[] lines) => Array.FindAll(lines, line => line is not null)!;

    /// <summary>The reference kernels' size arguments: Ci, H, W, Co, K, S, P, Ho, Wo.</summary>
    public static string Sizes(NodePlan l) =>
        CodeWriter.Join(l.In.C, l.In.H, l.In.W, l.Out.C, l.Window!.Value.KH, l.Window.Value.SH, l.Window.Value.PH, l.Out.H, l.Out.W);

    /// <summary>A tensor-core convolution's run-time shape (netdsl::ConvShape, fields in <see cref="Sizes"/>' order): its code is shared by shape.</summary>
    public static string ConvShape(NodePlan l) => $"netdsl::ConvShape{{{Sizes(l)}}}";
}
