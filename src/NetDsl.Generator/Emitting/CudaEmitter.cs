using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>
/// Emits <c>Name.Cuda.g.cs</c>: the network as CUDA C, each layer direction written as a call into the device functions
/// of netdsl_kernels.cuh (named as the CPU kernels), and the launch plan. Layers whose calls differ only in their
/// numbers share one kernel (<see cref="SharedKernels"/>). Buffers and offsets are the CPU workspace's, so the two paths
/// can be compared element for element. Small chain networks get three whole-network kernels instead
/// (<see cref="CudaWholeNetworkEmitter"/>).
/// </summary>
internal static class CudaEmitter
{
    /// <summary>A program's CUDA C lines, launches, and the scratch its launches need.</summary>
    internal sealed record Program(List<string> Source, List<Launch> Forward, List<Launch> Backward, long ScratchPerSample = 0, long ScratchFixed = 0);

    public static string Emit(NetworkPlan plan)
    {
        var ids = Names.Identifiers(plan);
        var program = CudaWholeNetworkEmitter.TryEmit(plan) ?? LayerByLayer(plan, ids);

        var w = CodeWriter.ForClass(plan.Spec.Namespace, plan.Spec.ClassName, "global::NetDsl.Runtime.IGpuNetwork");
        w.Line(CodeWriter.GeneratedCode);
        w.Line("global::NetDsl.Runtime.CudaProgram global::NetDsl.Runtime.IGpuNetwork.GpuProgram => CudaProgram;");
        w.Line();
        w.Line("/// <summary>The GPU program: CUDA C source and the kernels of one forward and one backward pass, in order.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Line("public static global::NetDsl.Runtime.CudaProgram CudaProgram { get; } = new(CudaSource,");
        w.Line("    new global::NetDsl.Runtime.CudaLaunch[]");
        w.Line("    {");
        foreach (var k in program.Forward) w.Line($"        {k.Emit()},");
        w.Line("    },");
        w.Line("    new global::NetDsl.Runtime.CudaLaunch[]");
        w.Line("    {");
        foreach (var k in program.Backward) w.Line($"        {k.Emit()},");
        w.Line(program.ScratchPerSample == 0 && program.ScratchFixed == 0 ? "    });"
            : $"    }}) {{ ScratchPerSample = {program.ScratchPerSample}, ScratchFixed = {program.ScratchFixed} }};");
        w.Line();
        w.Line("private const string CudaSource = \"\"\"");
        foreach (var line in program.Source) w.Line(line.Length == 0 ? "" : "    " + line);
        w.Line("    \"\"\";");
        return w.Close().ToString();
    }

    private static Program LayerByLayer(NetworkPlan plan, string[] ids)
    {
        var cuda = new Cuda(plan, ids);
        foreach (var l in plan.Layers) cuda.Forward(l);
        cuda.Loss();
        foreach (var l in plan.Layers.Reverse().Where(l => l.NeedsGradient)) cuda.Backward(l);
        return new Program(cuda.Source(), cuda.ForwardLaunches, cuda.BackwardLaunches, ScratchFixed: cuda.ScratchFixed);
    }

    /// <summary>The top of every program's source: what it is, the headers, and the buffer macros.</summary>
    internal static List<string> Header(NetworkPlan plan, string scheme) => new()
    {
        $"// {plan.Spec.ClassName}: {plan.Input.Batched} -> {plan.Logits.Out.Batched}, {CodeWriter.N(plan.TrainableCount)} parameters.",
        scheme,
        "#include \"netdsl_fused.cuh\"",
        "#include \"netdsl_tensorcore.cuh\"",
        "#define SLOT(offset) (a.activations + (long long)(offset) * a.capacity)",
        "#define GRAD(offset) (a.gradients + (long long)(offset) * a.capacity)",
        "#define PARAM(offset) (a.parameters + (offset))",
        "#define PGRAD(offset) (a.parameterGradients + (offset))",
        "#define STATS(offset) (a.reductions + (offset))",
        "#define LAUNCH_VALUE(value) (value)",
    };

    /// <summary>
    /// A launch-plan entry; tiled kernels (ItemsPerBlock > 0) also fix their block and dynamic shared memory. A shared
    /// kernel's launch passes its layer's <see cref="Values"/> and names the layer direction it runs (<see cref="Layer"/>).
    /// </summary>
    internal sealed record Launch(string Name, long PerSample, long Fixed, int Block = 0, long ItemsPerBlock = 0, int SharedBytes = 0)
    {
        public long[] Values { get; init; } = new long[0];
        public string? Layer { get; init; }

        public string Emit()
        {
            string launch = ItemsPerBlock > 0
                ? $"new({CodeWriter.Literal(Name)}, {PerSample}, {Fixed}, Block: {Block}, ItemsPerBlock: {ItemsPerBlock}, SharedBytes: {SharedBytes})"
                : $"new({CodeWriter.Literal(Name)}, {PerSample}, {Fixed})";
            var init = new List<string>();
            if (Layer is not null && Layer != Name) init.Add($"Layer = {CodeWriter.Literal(Layer)}");
            if (Values.Length > 0) init.Add($"Values = new long[] {{ {string.Join(", ", Values)} }}");
            return init.Count == 0 ? launch : $"{launch} {{ {string.Join(", ", init)} }}";
        }
    }

    /// <summary>Accumulates kernels: a narration line, the extern "C" kernel, and its launch.</summary>
    private sealed class Cuda(NetworkPlan plan, string[] ids)
    {
        /// <summary>Activations computed by their convolution or dense layer's kernel (see <see cref="CudaFusion"/>).</summary>
        private readonly Dictionary<int, NodePlan> _fused = CudaFusion.Activations(plan);

        /// <summary>Pools computed by their convolution's forward kernel (and, without overlap, its backward ones).</summary>
        private readonly Dictionary<int, PoolFusion> _pools = CudaFusion.Pools(plan, CudaFusion.Activations(plan));

        private bool Absorbed(NodePlan l) => _fused.Values.Any(a => a.Id == l.Id);

        private readonly SharedKernels _kernels = new();

        public List<string> Source() => Header(plan,
            "// One kernel per distinct layer body; the layers that share it pass their slots (offset × capacity) in a.values.")
            .Concat(_kernels.Source()).ToList();
        public List<Launch> ForwardLaunches { get; } = new();
        public List<Launch> BackwardLaunches { get; } = new();

        /// <summary>Floats of scratch the largest user needs (launches run one at a time): tensor-core weight partials.</summary>
        public long ScratchFixed { get; private set; }

        private void Kernel(List<Launch> launches, string name, string narration, long perSample, long fixedWork, params string[] body) =>
            Kernel(launches, new Launch(name, perSample, fixedWork), narration, body);

        private void Kernel(List<Launch> launches, Launch launch, string narration, params string[] body)
        {
            // Only tensor-core convolutions have tiled launches here (whole networks are CudaWholeNetworkEmitter's).
            string bounds = launch.Block > 0 ? $"__launch_bounds__({launch.Block}, NETDSL_TC_BLOCKS_PER_SM) " : "";
            var (kernel, values) = _kernels.Add(narration, bounds, body);
            launches.Add(launch with { Name = kernel, Values = values, Layer = launch.Name });
        }

        public void Forward(NodePlan l)
        {
            if (Absorbed(l) || _pools.Values.Any(p => p.Pool.Id == l.Id)) return;   // computed by its producer's kernel
            var activation = _fused.TryGetValue(l.Id, out var a) ? a : null;
            string y = $"SLOT({(activation ?? l).Slot})", x = In(l, 0), name = ids[l.Id] + "_forward";
            string say = Names.Narrate(l) + (activation is null ? "" : $", fused with {activation.Name} {activation.Kind}");
            string act = activation is null ? CudaFusion.Identity : CudaFusion.ActivationType(activation)!;
            long outSize = l.Out.Size, inSize = l.In.Size;
            if (_pools.TryGetValue(l.Id, out var pooled))
            {
                var pool = pooled.Pool;
                Kernel(ForwardLaunches, name, say + pooled.Narration, pool.Out.Size, 0,
                    $"netdsl::conv2d_pool_forward<{Conv(l)}, {Bool(l.Tensor("bias") is not null)}, {act}, {CodeWriter.Join(pool.Kernel, pool.Stride, pool.Padding, pool.Out.H, pool.Out.W)}, {Bool(pool.Kind == LayerKind.MaxPool)}>(SLOT({pool.Slot}), a.training ? {y} : nullptr, {x}, {Param(l, "weight")}, {Param(l, "bias")}, a.n);");
                return;
            }
            switch (l.Kind)
            {
                case LayerKind.Conv when TensorCorePlan.For(l) is { } tc:
                    Kernel(ForwardLaunches, tc.Forward(name), say + TensorCorePlan.Narration,
                        $"netdsl::conv2d_forward_tc<{Bool(l.Tensor("bias") is not null)}, {act}>({y}, {x}, {Param(l, "weight")}, {Param(l, "bias")}, {ConvShape(l)}, a.n);");
                    break;
                case LayerKind.Conv:
                    Kernel(ForwardLaunches, name, say, outSize, 0,
                        $"netdsl::conv2d_forward<{Conv(l)}, {Bool(l.Tensor("bias") is not null)}, {act}>({y}, {x}, {Param(l, "weight")}, {Param(l, "bias")}, a.n);");
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    Kernel(ForwardLaunches, name, say, outSize, 0, $"netdsl::pool2d_forward<{Pool(l)}>({y}, {x}, a.n);");
                    break;
                case LayerKind.GlobalAvgPool or LayerKind.GlobalMaxPool:
                    Kernel(ForwardLaunches, name, say, outSize, 0,
                        $"netdsl::global_pool_forward<{l.In.C}, {l.In.Spatial}, {Bool(l.Kind == LayerKind.GlobalMaxPool)}>({y}, {x}, a.n);");
                    break;
                case LayerKind.Dense:
                    Kernel(ForwardLaunches, name, say, outSize, 0,
                        $"netdsl::dense_forward<{inSize}, {outSize}, {act}>({y}, {x}, {Param(l, "weight")}, {Param(l, "bias")}, a.n);");
                    break;
                case LayerKind.Dropout:
                    Kernel(ForwardLaunches, name, say, outSize, 0,
                        $"if (a.training) netdsl::dropout_forward<{outSize}>({y}, SLOT({l.MaskSlot}), {x}, {CodeWriter.Literal(l.Spec.Real)}, netdsl::step_seed(a), a.n);",
                        $"else netdsl::copy({y}, {x}, (long long)a.n * {outSize});");
                    break;
                case LayerKind.BatchNorm:
                    int c = l.Out.C, o = l.ReductionOffset;
                    Kernel(ForwardLaunches, ids[l.Id] + "_statistics", say + " (batch statistics)", 0, c,
                        $"if (a.training) netdsl::batchnorm_statistics({BatchNormShape(l)}, STATS({o}), {Param(l, "running_mean")}, {Param(l, "running_var")}, {x}, {CodeWriter.FloatLiteral(l.Spec.Real2)}, a.n, a.training);");
                    Kernel(ForwardLaunches, name, say, outSize, 0,
                        $"if (a.training) netdsl::batchnorm_normalize({BatchNormShape(l)}, {y}, {x}, STATS({o}), STATS({o + c}), {Param(l, "weight")}, {Param(l, "bias")}, {CodeWriter.FloatLiteral(l.Spec.Real)}, a.n);",
                        $"else netdsl::batchnorm_inference({BatchNormShape(l)}, {y}, {x}, {Param(l, "running_mean")}, {Param(l, "running_var")}, {Param(l, "weight")}, {Param(l, "bias")}, {CodeWriter.FloatLiteral(l.Spec.Real)}, a.n);");
                    break;
                case LayerKind.Lrn:
                    Kernel(ForwardLaunches, name, say, outSize, 0,
                        $"netdsl::lrn_forward<{l.Out.C}, {l.Out.Spatial}, {l.Spec.Size}>({y}, {x}, {Lrn(l)}, a.n);");
                    break;
                case LayerKind.Concat:
                    var parts = new List<string>();
                    long offset = 0;
                    for (int i = 0; i < l.Inputs.Count; i++)
                    {
                        parts.Add($"netdsl::concat_forward<{outSize}, {l.InShapes[i].Size}, {offset}>({y}, {In(l, i)}, a.n);");
                        offset += l.InShapes[i].Size;
                    }
                    Kernel(ForwardLaunches, name, say, outSize, 0, parts.ToArray());
                    break;
                case LayerKind.Add:
                    Kernel(ForwardLaunches, name, say, outSize, 0, Enumerable.Range(1, l.Inputs.Count - 1)
                        .Select(i => i == 1 ? $"netdsl::add({y}, {x}, {In(l, 1)}, (long long)a.n * {outSize});" : $"netdsl::accumulate({y}, {In(l, i)}, (long long)a.n * {outSize});")
                        .ToArray());
                    break;
                default:
                    Kernel(ForwardLaunches, name, say, outSize, 0, $"netdsl::activation_forward<{CudaFusion.ActivationType(l)}>({y}, {x}, (long long)a.n * {outSize});");
                    break;
            }
        }

        public void Loss()
        {
            int classes = plan.Classes;
            Kernel(ForwardLaunches, "loss_forward", $"// loss head: softmax cross-entropy over {classes} classes", 1, 0,
                $"netdsl::softmax_cross_entropy_forward<{classes}>(SLOT({plan.ProbabilitySlot}), a.losses, SLOT({plan.Logits.Slot}), a.labels, a.n);");
            Kernel(BackwardLaunches, "loss_backward", "// loss head: dL/dlogits = (softmax - onehot) / batch size", classes, 0,
                $"netdsl::softmax_cross_entropy_backward<{classes}>(GRAD({plan.Logits.Slot}), SLOT({plan.ProbabilitySlot}), a.labels, 1.0f / a.batchSize, a.n);");
        }

        public void Backward(NodePlan l)
        {
            var edges = plan.EdgesFrom(l.Id);
            if (edges.Count > 1)
                Kernel(BackwardLaunches, ids[l.Id] + "_gradient_sum", $"// {l.Name} is read by {edges.Count} layers: its gradient is the sum of theirs", l.Out.Size, 0,
                    edges.Select((e, i) => i == 0 ? $"netdsl::copy(GRAD({l.Slot}), GRAD({e.Slot}), (long long)a.n * {l.Out.Size});"
                        : $"netdsl::accumulate(GRAD({l.Slot}), GRAD({e.Slot}), (long long)a.n * {l.Out.Size});").ToArray());

            if (Absorbed(l)) return;   // its derivative is applied inside its producer's backward kernels
            if (_pools.Values.Any(p => p.Pool.Id == l.Id && p.FusedBackward)) return;   // routed inside its convolution's backward
            var activation = _fused.TryGetValue(l.Id, out var a) ? a : null;
            string act = activation is null ? CudaFusion.Identity : CudaFusion.ActivationType(activation)!;
            string name = ids[l.Id] + "_backward", x = In(l, 0);
            string say = Names.Narrate(l) + (activation is null ? "" : $", through {activation.Name} {activation.Kind}");
            string dy = $"GRAD({(activation ?? l).Slot})", y = $"SLOT({(activation ?? l).Slot})", fusedY = activation is null ? "nullptr" : y;
            string? dx = Dx(l, 0);
            long outSize = l.Out.Size, inSize = l.In.Size;
            if (_pools.TryGetValue(l.Id, out var pooled) && pooled.FusedBackward)
            {
                var pool = pooled.Pool;
                string dz = $"netdsl::ThroughPool<{CodeWriter.Join(l.Out.C, l.Out.H, l.Out.W, pool.Kernel, pool.Out.H, pool.Out.W)}, {Bool(pool.Kind == LayerKind.MaxPool)}, {act}>{{GRAD({pool.Slot}), SLOT({pooled.PoolInputSlot})}}";
                var lines = new List<string> { $"netdsl::conv2d_backward_weights_from<{Conv(l)}, {Bool(l.Tensor("bias") is not null)}>({PGrad(l, "weight")}, {PGrad(l, "bias")}, {dz}, {x}, a.n);" };
                if (dx is not null) lines.Add($"netdsl::conv2d_backward_input_from<{Conv(l)}>({dx}, {dz}, {Param(l, "weight")}, a.n);");
                Kernel(BackwardLaunches, name, say + (activation is null ? ", through " : " and ") + $"{pool.Name} {pool.Kind} (the pool's backward is fused here)",
                    dx is null ? 0 : inSize, l.Tensors.Sum(t => (long)t.Length), lines.ToArray());
                return;
            }
            switch (l.Kind)
            {
                case LayerKind.Conv when TensorCorePlan.For(l) is { } tc:
                    TensorCoreBackward(l, tc, say, act, dy, fusedY, dx);
                    break;
                case LayerKind.Conv:
                    var conv = new List<string>
                    {
                        $"netdsl::conv2d_backward_weights<{Conv(l)}, {Bool(l.Tensor("bias") is not null)}, {act}>({PGrad(l, "weight")}, {PGrad(l, "bias")}, {dy}, {fusedY}, {x}, a.n);",
                    };
                    if (dx is not null) conv.Add($"netdsl::conv2d_backward_input<{Conv(l)}, {act}>({dx}, {dy}, {fusedY}, {Param(l, "weight")}, a.n);");
                    Kernel(BackwardLaunches, name, say, dx is null ? 0 : inSize, l.Tensors.Sum(t => (long)t.Length), conv.ToArray());
                    break;
                case LayerKind.Dense:
                    var dense = new List<string> { $"netdsl::dense_backward_weights<{inSize}, {outSize}, {act}>({PGrad(l, "weight")}, {PGrad(l, "bias")}, {dy}, {fusedY}, {x}, a.n);" };
                    if (dx is not null) dense.Add($"netdsl::dense_backward_input<{inSize}, {outSize}, {act}>({dx}, {dy}, {fusedY}, {Param(l, "weight")}, a.n);");
                    Kernel(BackwardLaunches, name, say, dx is null ? 0 : inSize, l.Tensors.Sum(t => (long)t.Length), dense.ToArray());
                    break;
                case LayerKind.BatchNorm:
                    int c = l.Out.C, o = l.ReductionOffset;
                    Kernel(BackwardLaunches, ids[l.Id] + "_sums", say + " (batch sums)", 0, c,
                        $"netdsl::batchnorm_backward_sums({BatchNormShape(l)}, STATS({o + 2 * c}), {PGrad(l, "weight")}, {PGrad(l, "bias")}, {dy}, {x}, STATS({o}), {CodeWriter.FloatLiteral(l.Spec.Real)}, a.n);");
                    if (dx is not null)
                        Kernel(BackwardLaunches, name, say, outSize, 0,
                            $"netdsl::batchnorm_backward_input({BatchNormShape(l)}, {dx}, {dy}, {x}, STATS({o}), STATS({o + 2 * c}), {Param(l, "weight")}, {CodeWriter.FloatLiteral(l.Spec.Real)}, a.n);");
                    break;
                case LayerKind.Concat:
                    var lines = new List<string>();
                    long offset = 0;
                    for (int i = 0; i < l.Inputs.Count; i++)
                    {
                        if (Dx(l, i) is { } target) lines.Add($"netdsl::concat_backward<{outSize}, {l.InShapes[i].Size}, {offset}>({target}, {dy}, a.n);");
                        offset += l.InShapes[i].Size;
                    }
                    Kernel(BackwardLaunches, name, say, outSize, 0, lines.ToArray());
                    break;
                case LayerKind.Add:
                    Kernel(BackwardLaunches, name, say, outSize, 0, Enumerable.Range(0, l.Inputs.Count).Select(i => Dx(l, i))
                        .Where(t => t is not null).Select(t => $"netdsl::copy({t}, {dy}, (long long)a.n * {outSize});").ToArray());
                    break;
                default:
                    if (dx is null) return;
                    Kernel(BackwardLaunches, name, say, inSize, 0, l.Kind switch
                    {
                        LayerKind.MaxPool or LayerKind.AvgPool => $"netdsl::pool2d_backward<{Pool(l)}>({dx}, {dy}, {x}, a.n);",
                        LayerKind.GlobalAvgPool or LayerKind.GlobalMaxPool =>
                            $"netdsl::global_pool_backward<{l.In.C}, {l.In.Spatial}, {Bool(l.Kind == LayerKind.GlobalMaxPool)}>({dx}, {dy}, {x}, a.n);",
                        LayerKind.Dropout => $"netdsl::multiply({dx}, {dy}, SLOT({l.MaskSlot}), (long long)a.n * {outSize});",
                        LayerKind.Lrn => $"netdsl::lrn_backward<{l.Out.C}, {l.Out.Spatial}, {l.Spec.Size}>({dx}, {dy}, {x}, {y}, {Lrn(l)}, a.n);",
                        _ => $"netdsl::activation_backward<{CudaFusion.ActivationType(l)}>({dx}, {dy}, {x}, {y}, (long long)a.n * {outSize});",
                    });
                    break;
            }
        }

        /// <summary>
        /// A tensor-core convolution's backward: the weight gradient as per-split partials in scratch, their ordered sum
        /// (with the bias gradient), then the input gradient.
        /// </summary>
        private void TensorCoreBackward(NodePlan l, TensorCorePlan tc, string say, string act, string dy, string fusedY, string? dx)
        {
            string id = ids[l.Id], bias = Bool(l.Tensor("bias") is not null), x = In(l, 0);
            ScratchFixed = System.Math.Max(ScratchFixed, tc.PartialFloats);
            Kernel(BackwardLaunches, tc.WeightPartials(id + "_weight_partials"),
                $"{say}: weight gradient{TensorCorePlan.Narration}, {(tc.WeightSplits == 1 ? "one partial" : $"the batch split {tc.WeightSplits} ways")} into scratch",
                $"netdsl::conv2d_weight_partials_tc<{act}>(a.scratch, {dy}, {fusedY}, {x}, {ConvShape(l)}, LAUNCH_VALUE({tc.WeightSplits}), a.n);");
            Kernel(BackwardLaunches, id + "_weight_sum", $"{say}: weight gradient += the partials in split order; bias gradient",
                0, l.Tensors.Sum(t => (long)t.Length),
                $"netdsl::conv2d_weight_sum_tc<{bias}, {act}>({PGrad(l, "weight")}, {PGrad(l, "bias")}, a.scratch, {dy}, {fusedY}, {ConvShape(l)}, LAUNCH_VALUE({tc.WeightSplits}), a.n);");
            if (dx is not null)
                Kernel(BackwardLaunches, tc.BackwardInput(id + "_backward"), $"{say}: input gradient{TensorCorePlan.Narration}",
                    $"netdsl::conv2d_backward_input_tc<{act}>({dx}, {dy}, {fusedY}, {Param(l, "weight")}, {ConvShape(l)}, a.n);");
        }

        /// <summary>Where layer l writes its input i's gradient (own slot or a private edge slot), or null when none is needed.</summary>
        private string? Dx(NodePlan l, int input) => plan.EdgeInto(l.Id, input) is { } edge ? $"GRAD({edge.Slot})" : null;

        private string In(NodePlan l, int i) => $"SLOT({plan.Nodes[l.Inputs[i]].Slot})";
        private static string PGrad(NodePlan l, string role) => l.Tensor(role) is { } t ? $"PGRAD({t.Offset})" : "nullptr";
        private static string Lrn(NodePlan l) => $"{CodeWriter.FloatLiteral(l.Spec.Real2)}, {CodeWriter.FloatLiteral(l.Spec.Real3)}, {CodeWriter.FloatLiteral(l.Spec.Real4)}";
    }

    // Template arguments and pointers that both CUDA emitters write alike.
    internal static string Param(NodePlan l, string role) => l.Tensor(role) is { } t ? $"PARAM({t.Offset})" : "nullptr";
    internal static string Bool(bool value) => value ? "true" : "false";
    /// <summary>A BatchNorm's channels and positions per channel, passed at run time: one kernel serves every shape.</summary>
    internal static string BatchNormShape(NodePlan l) => $"LAUNCH_VALUE({l.Out.C}), LAUNCH_VALUE({l.Out.Spatial})";

    /// <summary>A tensor-core convolution's run-time shape (netdsl::ConvShape): its compiled code is shared by shape.</summary>
    internal static string ConvShape(NodePlan l) =>
        $"netdsl::ConvShape{{{Conv(l)}}}";   // ConvShape's fields are in Conv's order
    internal static string Conv(NodePlan l) => CodeWriter.Join(l.In.C, l.In.H, l.In.W, l.Out.C, l.Kernel, l.Stride, l.Padding, l.Out.H, l.Out.W);
    internal static string Pool(NodePlan l) => CodeWriter.Join(l.In.C, l.In.H, l.In.W, l.Kernel, l.Stride, l.Padding, l.Out.H, l.Out.W) + ", " + Bool(l.Kind == LayerKind.MaxPool);
}
