using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Layers;
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
        var cuda = new Cuda(plan, ids, CudaFusion.Activations(plan));
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
        /// <summary>An auxiliary head's branch: the runtime skips it outside training.</summary>
        public bool TrainingOnly { get; init; }

        public string Emit()
        {
            string launch = ItemsPerBlock > 0
                ? $"new({CodeWriter.Literal(Name)}, {PerSample}, {Fixed}, Block: {Block}, ItemsPerBlock: {ItemsPerBlock}, SharedBytes: {SharedBytes})"
                : $"new({CodeWriter.Literal(Name)}, {PerSample}, {Fixed})";
            var init = new List<string>();
            if (Layer is not null && Layer != Name) init.Add($"Layer = {CodeWriter.Literal(Layer)}");
            if (Values.Length > 0) init.Add($"Values = new long[] {{ {string.Join(", ", Values)} }}");
            if (TrainingOnly) init.Add("TrainingOnly = true");
            return init.Count == 0 ? launch : $"{launch} {{ {string.Join(", ", init)} }}";
        }
    }

    /// <summary>Accumulates kernels: a narration line, the extern "C" kernel, and its launch.</summary>
    /// <param name="fused">Activations computed by their convolution or dense layer's kernel (see <see cref="CudaFusion"/>), keyed by that layer.</param>
    private sealed class Cuda(NetworkPlan plan, string[] ids, Dictionary<int, NodePlan> fused)
    {
        private readonly Dictionary<int, NodePlan> _fused = fused;

        /// <summary>Pools computed by their convolution's forward kernel (and, without overlap, its backward ones).</summary>
        private readonly Dictionary<int, PoolFusion> _pools = CudaFusion.Pools(plan, fused);

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
            launches.Add(launch with { Name = kernel, Values = values, Layer = launch.Name, TrainingOnly = _trainingOnly });
        }

        /// <summary>Set while an auxiliary head's branch is written: its launches run in training only.</summary>
        private bool _trainingOnly;

        public void Forward(NodePlan l)
        {
            if (Absorbed(l) || _pools.Values.Any(p => p.Pool.Id == l.Id)) return;   // computed by its producer's kernel
            _trainingOnly = plan.IsAuxiliary(l);
            l.Layer.CudaForward(new GridLayer(this, l, _fused.TryGetValue(l.Id, out var a) ? a : null, _pools.TryGetValue(l.Id, out var p) ? p : null, forward: true));
        }

        /// <summary>
        /// The loss heads: each writes its per-sample losses in forward and seeds its output's gradient in backward. An
        /// auxiliary head's losses go to a.headLosses and are weighted into a.losses in training only.
        /// </summary>
        public void Loss()
        {
            var loss = plan.Loss;
            for (int i = 0; i < plan.Heads.Count; i++)
            {
                var head = plan.Heads[i];
                var output = plan.Nodes[head.Node];
                var site = new Heads.HeadSite(output.Out, head.Weight, plan.Spec.IgnoreLabel, $"SLOT({output.Slot})", $"GRAD({output.Slot})",
                    head.ProbabilitySlot < 0 ? "" : $"SLOT({head.ProbabilitySlot})", i == 0 ? "a.losses" : "a.headLosses",
                    "a.labels", "a.targets", "a.n", "a.batchSize") { Counts = LabeledPixels, BatchCounts = LabeledPixels };
                string name = i == 0 ? "loss" : ids[head.Node] + "_loss";
                _trainingOnly = i > 0;
                string narration = $"// {CpuEmitter.HeadName(plan, i)}: {loss.Describe(output.Out, plan.Spec.IgnoreLabel)}";
                Kernel(ForwardLaunches, name + "_forward", narration, loss.CudaForwardWork(output.Out), 0, loss.CudaForward(site));
                if (i > 0)
                    Kernel(ForwardLaunches, name + "_total", $"// {CpuEmitter.HeadName(plan, i)}: its weighted loss joins the total in training", 1, 0,
                        $"netdsl::add_auxiliary_losses(a.losses, a.headLosses, {CodeWriter.FloatLiteral(head.Weight)}, a.n, a.training);");
                _trainingOnly = false;   // backward runs in training only anyway
                Kernel(BackwardLaunches, name + "_backward", $"// {CpuEmitter.HeadName(plan, i)}: dL/d{output.Name} = "
                    + (i == 0 ? "" : CodeWriter.Literal(head.Weight) + " * ") + loss.MeanOver, output.Out.Size, 0, loss.CudaBackward(site));
            }
        }

        public void Backward(NodePlan l)
        {
            _trainingOnly = false;
            var edges = plan.EdgesFrom(l.Id);
            if (edges.Count > 1)
                Kernel(BackwardLaunches, ids[l.Id] + "_gradient_sum", $"// {l.Name} is read by {edges.Count} layers: its gradient is the sum of theirs", l.Out.Size, 0,
                    edges.Select((e, i) => i == 0 ? $"netdsl::copy(GRAD({l.Slot}), GRAD({e.Slot}), (long long)a.n * {l.Out.Size});"
                        : $"netdsl::accumulate(GRAD({l.Slot}), GRAD({e.Slot}), (long long)a.n * {l.Out.Size});").ToArray());

            if (Absorbed(l)) return;   // its derivative is applied inside its producer's backward kernels
            if (_pools.Values.Any(p => p.Pool.Id == l.Id && p.FusedBackward)) return;   // routed inside its convolution's backward
            var pool = _pools.TryGetValue(l.Id, out var p) && p.FusedBackward ? p : null;
            l.Layer.CudaBackward(new GridLayer(this, l, _fused.TryGetValue(l.Id, out var a) ? a : null, pool, forward: false));
        }

        /// <summary>A layer in the one-kernel-per-layer program: buffers are slots of the whole batch.</summary>
        private sealed class GridLayer(Cuda cuda, NodePlan layer, NodePlan? activation, PoolFusion? pool, bool forward) : CudaLayer(layer, activation, pool)
        {
            private NodePlan Output => Pool is not null && forward ? Pool.Pool : Activation ?? L;

            public override string Say => Names.Narrate(L) + (Activation is null ? "" : $"{(forward ? ", fused with" : ", through")} {Activation.Name} {Activation.Kind}");
            public override string X(int input = 0) => $"SLOT({cuda.Plan.Nodes[L.Inputs[input]].Slot})";
            public override string Y => $"SLOT({Output.Slot})";
            public override string Dy => $"GRAD({(Pool?.Pool ?? Activation ?? L).Slot})";
            public override string? Dx(int input = 0) => cuda.Plan.EdgeInto(L.Id, input) is { } edge ? $"GRAD({edge.Slot})" : null;
            public override string Saved(int slot, long size) => $"SLOT({slot})";
            public override bool InTile => false;
            public override string PGrad(string role) => L.Tensor(role) is { } t ? $"PGRAD({t.Offset})" : "nullptr";
            public override string Id => cuda.Ids[L.Id];

            public override void Kernel(string suffix, string narration, long perSample, long fixedWork, params string[] body) =>
                cuda.Kernel(forward ? cuda.ForwardLaunches : cuda.BackwardLaunches, $"{Id}_{suffix}", Say + narration, perSample, fixedWork, body);

            public override void Kernel(Launch launch, string narration, params string[] body) =>
                cuda.Kernel(forward ? cuda.ForwardLaunches : cuda.BackwardLaunches, launch, Say + narration, body);

            public override void NeedScratch(long floats) => cuda.ScratchFixed = System.Math.Max(cuda.ScratchFixed, floats);
        }

        private NetworkPlan Plan => plan;
        private string[] Ids => ids;
    }

    /// <summary>Per sample, a label map's labeled pixels: the forward writes them, the backward's mean divides by their total.</summary>
    internal const string LabeledPixels = "a.headLosses + a.capacity";

    // Template arguments and pointers that both CUDA emitters write alike.
    internal static string Param(NodePlan l, string role) => l.Tensor(role) is { } t ? $"PARAM({t.Offset})" : "nullptr";
    internal static string Bool(bool value) => value ? "true" : "false";
}
