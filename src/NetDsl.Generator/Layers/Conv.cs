using System;
using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>[Conv(channels, Kernel, Stride, Padding, Bias)]: 2-D convolution, PyTorch's Conv2d.</summary>
internal sealed class Conv : Layer
{
    /// <summary>
    /// Sizes per axis (height, width). SamePadding: Padding was NetDsl's Pad.Same, resolved in the check to
    /// dilation·(kernel − 1) / 2. BadPair names a …HW argument that is not two values.
    /// </summary>
    internal sealed record Args(int Channels, string? ChannelsExpression, int KH, int KW, int SH, int SW, int PH, int PW, int DH, int DW,
        int Groups, bool Strided, bool Bias, bool SamePadding, string? BadPair = null) : LayerArgs;

    public override LayerArgs Read(AttributeArguments a)
    {
        var kernel = a.Pair("KernelHW", a.Int("Kernel"));
        var stride = a.Pair("StrideHW", a.Int("Stride"));
        var padding = a.Pair("PaddingHW", a.Int("Padding"));
        var dilation = a.Pair("DilationHW", a.Int("Dilation"));
        string? bad = !kernel.Valid ? "KernelHW" : !stride.Valid ? "StrideHW" : !padding.Valid ? "PaddingHW" : !dilation.Valid ? "DilationHW" : null;
        return new Args(a.Int(0), a.String(0), kernel.H, kernel.W, stride.H, stride.W, padding.H, padding.W, dilation.H, dilation.W,
            a.Int("Groups"), a.Bool("Strided"), a.Bool("Bias"), a.Int("Padding") == a.Constant("Pad", "Same"), bad);
    }

    public override LayerShape? Check(ShapeContext c)
    {
        var s = (Args)c.Args;
        var x = c.X;
        if (s.BadPair is { } bad) return Rejected(c.Invalid(bad, "not two values", "{ height, width }"));
        int sh = c.Stride(s.SH, s.Strided), sw = c.Stride(s.SW, s.Strided), ph = s.PH, pw = s.PW;
        if (c.Channels(s.Channels, s.ChannelsExpression) is not int channels) return null;
        if (!c.Positive("out channels", channels) || !c.Positive("kernel", Math.Min(s.KH, s.KW)) || !c.Positive("stride", Math.Min(sh, sw))
            || !c.Positive("dilation", Math.Min(s.DH, s.DW)) || !c.Positive("groups", s.Groups)) return null;
        if (x.C % s.Groups != 0 || channels % s.Groups != 0)
            return Rejected(c.Invalid("groups", s.Groups, $"a divisor of both the {x.C} input and {channels} output channels"));
        if (s.SamePadding)
        {
            if (s.KH % 2 == 0 || s.KW % 2 == 0 || sh != 1 || sw != 1)
                return Rejected(c.Invalid("'same' padding", $"kernel {Pair(s.KH, s.KW)}, stride {Pair(sh, sw)}", "used with an odd kernel and stride 1"));
            (ph, pw) = ((s.KH - 1) / 2 * s.DH, (s.KW - 1) / 2 * s.DW);
        }
        if (!c.NotNegative("padding", Math.Min(ph, pw))) return null;
        var window = new Window(s.KH, s.KW, sh, sw, ph, pw, s.DH, s.DW);
        if (!c.Slide(window, out int h, out int w)) return null;
        int fanIn = x.C / s.Groups * s.KH * s.KW;
        var weight = new GraphTensor("weight", new[] { channels, x.C / s.Groups, s.KH, s.KW }, fanIn, channels * s.KH * s.KW, c.WeightInit, true);
        var output = new Shape(channels, h, w);
        return new LayerShape(output, s.Bias ? new[] { weight, new GraphTensor("bias", new[] { channels }, fanIn, 0, InitKind.Zero, true) } : new[] { weight },
            output.Size * fanIn, window);
    }

    private static string Pair(int h, int w) => h == w ? $"{h}" : $"{h}x{w}";

    private static int Groups(NodePlan l) => ((Args)l.Args).Groups;

    /// <summary>Square, undilated and ungrouped: what the fixed-size, fused and tensor-core kernels compute.</summary>
    public static bool IsPlain(NodePlan l) => l.Window is { IsSquare: true, DH: 1 } && Groups(l) == 1;

    public override string Detail(NodePlan l) =>
        $" {l.Window}{(Groups(l) == 1 ? "" : Groups(l) == l.In.C ? " depthwise" : $" groups {Groups(l)}")}{(((Args)l.Args).Bias ? "" : " no bias")}";

    /// <summary>The im2col matrix of all groups and its gradient.</summary>
    public override long CpuScratch(NodePlan l) => 2L * Groups(l) * l.Tensors[0].FanIn * l.Out.Spatial;

    // ---- CPU: im2col + GEMM (Conv2d.cs) ----
    public override (string Type, string Arguments)? CpuGeometry(NodePlan l)
    {
        var w = l.Window!.Value;
        return ($"{CpuLayer.Kernels}ConvGeometry", IsPlain(l) ? CodeWriter.Join(l.In.C, l.In.H, l.In.W, l.Out.C, w.KH, w.SH, w.PH)
            : CodeWriter.Join(l.In.C, l.In.H, l.In.W, l.Out.C, $"({w.KH}, {w.KW})", $"({w.SH}, {w.SW})", $"({w.PH}, {w.PW})", $"({w.DH}, {w.DW})", Groups(l)));
    }

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
        else if (!IsPlain(l))
            c.Kernel("forward", "", l.Out.Size, 0,
                $"netdsl::conv2d_general_forward<{GeneralSizes(l)}, {bias}, {c.Act}{c.Team}>({c.Y}, {c.X()}, {c.Param("weight")}, {c.Param("bias")}, {c.N});");
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
        else if (!IsPlain(l))
            c.Kernel("backward", "", inputs, weights,
                Lines($"netdsl::conv2d_general_backward_weights<{GeneralSizes(l)}, {bias}, {c.Act}{c.Team}>({c.PGrad("weight")}, {c.PGrad("bias")}, {c.Dy}, {c.FusedY}, {c.X()}, {c.N});",
                      dx.Length == 0 ? null : $"netdsl::conv2d_general_backward_input<{GeneralSizes(l)}, {c.Act}{c.Team}>({dx}, {c.Dy}, {c.FusedY}, {c.Param("weight")}, {c.N});"));
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

    /// <summary>The general kernels' sizes: Ci, H, W, Co, KH, KW, SH, SW, PH, PW, DH, DW, Groups, Ho, Wo.</summary>
    private static string GeneralSizes(NodePlan l)
    {
        var w = l.Window!.Value;
        return CodeWriter.Join(l.In.C, l.In.H, l.In.W, l.Out.C, w.KH, w.KW, w.SH, w.SW, w.PH, w.PW, w.DH, w.DW, Groups(l), l.Out.H, l.Out.W);
    }

    /// <summary>A tensor-core convolution's run-time shape (netdsl::ConvShape, fields in <see cref="Sizes"/>' order): its code is shared by shape.</summary>
    public static string ConvShape(NodePlan l) => $"netdsl::ConvShape{{{Sizes(l)}}}";
}
