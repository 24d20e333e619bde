using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Layers;

/// <summary>
/// [BatchNorm]: per-channel normalization over (N,H,W), PyTorch's BatchNorm2d: batch statistics in training, running ones
/// in evaluation. Its statistics span the batch, so workers (CPU) and kernels (CUDA) meet between the sums and their use.
/// </summary>
internal sealed class BatchNorm : Layer
{
    internal sealed record Args(double Epsilon, double Momentum) : LayerArgs;

    public override LayerArgs Read(AttributeArguments a) => new Args(a.Double("Epsilon"), a.Double("Momentum"));

    public override LayerShape? Check(ShapeContext c)
    {
        var s = (Args)c.Args;
        if (!(s.Epsilon > 0)) return Rejected(c.Invalid("epsilon", s.Epsilon, "positive"));
        if (!(s.Momentum >= 0 && s.Momentum <= 1)) return Rejected(c.Invalid("momentum", s.Momentum, "between 0 and 1"));
        int channels = c.X.C;
        return new LayerShape(c.X, new[]
        {
            new GraphTensor("weight", new[] { channels }, 0, 0, InitKind.One, true),
            new GraphTensor("bias", new[] { channels }, 0, 0, InitKind.Zero, true),
            new GraphTensor("running_mean", new[] { channels }, 0, 0, InitKind.Zero, false),
            new GraphTensor("running_var", new[] { channels }, 0, 0, InitKind.One, false),
        });
    }

    public override bool TransparentToInitialization => true;

    /// <summary>Per channel: partial sums (3), mean, variance, then backward's Σdy and Σdy·x̂.</summary>
    public override int ReductionFloats(NodePlan l) => 7 * l.Out.C;

    private static Args Of(NodePlan l) => (Args)l.Args;

    /// <summary>
    /// Training: each worker summarizes its samples, all meet at a barrier, each merges every summary (identically) and
    /// normalizes its own samples; worker 0 alone updates the running statistics. Evaluation uses those.
    /// </summary>
    public override void CpuForward(CpuLayer c)
    {
        var l = c.L;
        int ch = l.Out.C, o = l.ReductionOffset;
        string k = CpuLayer.Kernels, mean = $"reduction.Slice({o + 3 * ch}, {ch})", variance = $"reduction.Slice({o + 4 * ch}, {ch})";
        string eps = CodeWriter.Literal(Of(l).Epsilon), running = $"{c.Param("running_mean")}, {c.Param("running_var")}";
        var w = c.Writer;
        w.Open("if (ws.Training)");
        w.Line($"{k}BatchNorm.PartialStatistics(reduction.Slice({o}, {3 * ch}), {c.X()}, n, {ch}, {l.Out.Spatial});");
        w.Line("ws.Synchronize();");
        w.Line($"long count = {k}BatchNorm.MergeStatistics({mean}, {variance}, ws.Reductions, ws.Layout.ReductionPerWorker, {o}, ws.Workers, {ch});");
        w.Line($"{k}BatchNorm.NormalizeTraining({c.Y}, {c.X()}, {mean}, {variance}, {c.Param("weight")}, {c.Param("bias")}, {eps}, n, {ch}, {l.Out.Spatial});");
        w.Line($"if (worker == 0) {k}BatchNorm.UpdateRunningStatistics({running}, {mean}, {variance}, count, {CodeWriter.Literal(Of(l).Momentum)});");
        w.Close();
        w.Line($"else {k}BatchNorm.Inference({c.Y}, {c.X()}, {running}, {c.Param("weight")}, {c.Param("bias")}, {eps}, n, {ch}, {l.Out.Spatial});");
    }

    /// <summary>Like the forward pass, the batch-wide sums (Σdy, Σdy·x̂) meet at a barrier before the input gradient.</summary>
    public override void CpuBackward(CpuLayer c)
    {
        var l = c.L;
        int ch = l.Out.C, o = l.ReductionOffset;
        string k = CpuLayer.Kernels, mean = $"reduction.Slice({o + 3 * ch}, {ch})", variance = $"reduction.Slice({o + 4 * ch}, {ch})", eps = CodeWriter.Literal(Of(l).Epsilon);
        c.Line($"{k}BatchNorm.BackwardPartial(reduction.Slice({o + 5 * ch}, {2 * ch}), {c.Grad("weight")}, {c.Grad("bias")}, {c.Dy}, {c.X()}, {mean}, {variance}, {eps}, n, {ch}, {l.Out.Spatial});");
        c.Line("ws.Synchronize();");
        if (c.Dx() is { } dx)
            c.Line($"{k}BatchNorm.BackwardInput({dx}, {c.Dy}, {c.X()}, {mean}, {variance}, {c.Param("weight")}, ws.Reductions, ws.Layout.ReductionPerWorker, {o + 5 * ch}, "
                 + $"ws.Workers, (long)ws.BatchSize * {l.Out.Spatial}, {eps}, n, {ch}, {l.Out.Spatial});");
    }

    /// <summary>A BatchNorm's channels and positions per channel, passed at run time: one kernel serves every shape.</summary>
    private static string Shape(NodePlan l) => $"LAUNCH_VALUE({l.Out.C}), LAUNCH_VALUE({l.Out.Spatial})";

    public override void CudaForward(CudaLayer c)
    {
        var l = c.L;
        int ch = l.Out.C, o = l.ReductionOffset;
        string eps = CodeWriter.FloatLiteral(Of(l).Epsilon);
        c.Kernel("statistics", " (batch statistics)", 0, ch,
            $"if (a.training) netdsl::batchnorm_statistics({Shape(l)}, STATS({o}), {c.Param("running_mean")}, {c.Param("running_var")}, {c.X()}, {CodeWriter.FloatLiteral(Of(l).Momentum)}, a.n, a.training);");
        c.Kernel("forward", "", l.Out.Size, 0,
            $"if (a.training) netdsl::batchnorm_normalize({Shape(l)}, {c.Y}, {c.X()}, STATS({o}), STATS({o + ch}), {c.Param("weight")}, {c.Param("bias")}, {eps}, a.n);",
            $"else netdsl::batchnorm_inference({Shape(l)}, {c.Y}, {c.X()}, {c.Param("running_mean")}, {c.Param("running_var")}, {c.Param("weight")}, {c.Param("bias")}, {eps}, a.n);");
    }

    public override void CudaBackward(CudaLayer c)
    {
        var l = c.L;
        int ch = l.Out.C, o = l.ReductionOffset;
        string eps = CodeWriter.FloatLiteral(Of(l).Epsilon);
        c.Kernel("sums", " (batch sums)", 0, ch,
            $"netdsl::batchnorm_backward_sums({Shape(l)}, STATS({o + 2 * ch}), {c.PGrad("weight")}, {c.PGrad("bias")}, {c.Dy}, {c.X()}, STATS({o}), {eps}, a.n);");
        if (c.Dx() is { } dx)
            c.Kernel("backward", "", l.Out.Size, 0,
                $"netdsl::batchnorm_backward_input({Shape(l)}, {dx}, {c.Dy}, {c.X()}, STATS({o}), STATS({o + 2 * ch}), {c.Param("weight")}, {eps}, a.n);");
    }
}
