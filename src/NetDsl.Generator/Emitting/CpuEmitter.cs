using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>
/// Emits <c>Name.Cpu.g.cs</c>: forward and backward passes as straight-line calls into the CPU kernels, every size a
/// constant and every buffer a compile-time slot. Backward runs the graph in reverse, skips gradients no parameter
/// needs, and sums the private gradient slots of tensors that several layers read.
/// </summary>
internal static class CpuEmitter
{
    private const string Kernels = "global::NetDsl.Runtime.Cpu.";

    public static string Emit(NetworkPlan plan)
    {
        var spec = plan.Spec;
        var ids = Names.Identifiers(plan);
        var w = CodeWriter.ForClass(spec.Namespace, spec.ClassName);
        WriteGeometries(w, plan, ids);
        WriteForward(w, plan, ids);
        w.Line();
        WriteBackward(w, plan, ids);
        return w.Close().ToString();
    }

    private static void WriteGeometries(CodeWriter w, NetworkPlan plan, string[] ids)
    {
        w.Line("/// <summary>Sizes of each windowed layer, fixed at compile time.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Open("private static class LayerGeometry");
        foreach (var l in plan.Layers)
        {
            if (l.Kind == LayerKind.Conv)
                w.Line($"public static readonly {Kernels}ConvGeometry {ids[l.Id]} = new({CodeWriter.Join(l.In.C, l.In.H, l.In.W, l.Out.C, l.Kernel, l.Stride, l.Padding)});");
            else if (l.Kind is LayerKind.MaxPool or LayerKind.AvgPool)
                w.Line($"public static readonly {Kernels}PoolGeometry {ids[l.Id]} = new({CodeWriter.Join(l.In.C, l.In.H, l.In.W, l.Kernel, l.Stride)}"
                     + (l.Padding != 0 || l.Spec.CeilMode ? $", {l.Padding}, {(l.Spec.CeilMode ? "true" : "false")});" : ");"));
        }
        w.Close().Line();
    }

    private static void WriteForward(CodeWriter w, NetworkPlan plan, string[] ids)
    {
        w.Line("/// <summary>Runs samples [n0, n1) from the input slot to the logits, then the loss head when labels are set.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Open($"public void Forward<T>(global::System.Span<T> p, global::NetDsl.Runtime.Workspace<T> ws, int worker, int n0, int n1) {CodeWriter.FloatConstraint}");
        w.Line("int n = n1 - n0;");
        if (plan.ScratchPerWorker > 0) w.Line("var scratch = ws.ScratchOf(worker);");
        if (plan.ReductionPerWorker > 0) w.Line("var reduction = ws.ReductionOf(worker);");
        foreach (var l in plan.Layers)
        {
            w.Line();
            w.Line(Names.Narrate(l));
            string y = Slot(ids[l.Id], l.Out.Size), x = Input(plan, ids, l, 0);
            switch (l.Kind)
            {
                case LayerKind.Conv:
                    w.Line($"{Kernels}Conv2d.Forward({y}, {x}, {Tensor(l, "weight", "p")}, {Tensor(l, "bias", "p")}, scratch, n, in LayerGeometry.{ids[l.Id]});");
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    w.Line($"{Kernels}Pool2d.{Pool(l)}Forward({y}, {x}, n, in LayerGeometry.{ids[l.Id]});");
                    break;
                case LayerKind.GlobalAvgPool or LayerKind.GlobalMaxPool:
                    w.Line($"{Kernels}GlobalPool.{Global(l)}Forward({y}, {x}, n, {l.In.C}, {l.In.Spatial});");
                    break;
                case LayerKind.Dense:
                    w.Line($"{Kernels}Dense.Forward({y}, {x}, {Tensor(l, "weight", "p")}, {Tensor(l, "bias", "p")}, n, {l.In.Size}, {l.Out.Size});");
                    break;
                case LayerKind.Dropout:
                    w.Line($"if (ws.Training) {Kernels}Dropout.Forward({y}, {Slot(ids[l.Id] + "_Mask", l.Out.Size)}, {x}, {CodeWriter.Literal(l.Spec.Real)}, ws.StepSeed, n0, n, {l.Out.Size});");
                    w.Line($"else {x}.CopyTo({y});");
                    break;
                case LayerKind.BatchNorm:
                    WriteBatchNormForward(w, l, y, x);
                    break;
                case LayerKind.Lrn:
                    w.Line($"{Kernels}Lrn.Forward({y}, {x}, n, {l.Out.C}, {l.Out.Spatial}, {LrnArguments(l)});");
                    break;
                case LayerKind.Concat:
                    int offset = 0;
                    for (int i = 0; i < l.Inputs.Count; i++)
                    {
                        w.Line($"{Kernels}Join.ConcatForward({y}, {Input(plan, ids, l, i)}, n, {l.Out.Size}, {l.InShapes[i].Size}, {offset});");
                        offset += (int)l.InShapes[i].Size;
                    }
                    break;
                case LayerKind.Add:
                    w.Line($"{Kernels}Join.Add({y}, {x}, {Input(plan, ids, l, 1)});");
                    for (int i = 2; i < l.Inputs.Count; i++) w.Line($"{Kernels}Join.Accumulate({y}, {Input(plan, ids, l, i)});");
                    break;
                default:
                    w.Line($"{Kernels}Activations.{l.Kind}Forward({y}, {x});");
                    break;
            }
        }
        w.Line();
        w.Line($"// loss head: softmax cross-entropy over {plan.Classes} classes, one loss per sample");
        w.Line($"if (ws.HasLabels) {Kernels}SoftmaxCrossEntropy.Forward({Slot("Probabilities", plan.Classes)}, ws.LossesOf(n0, n1), "
             + $"{Slot("Logits", plan.Classes)}, ws.LabelsOf(n0, n1), n, {plan.Classes});");
        w.Close();
    }

    /// <summary>
    /// Training: each worker summarizes its samples, all meet at a barrier, each merges every summary (identically)
    /// and normalizes its own samples; worker 0 alone updates the running statistics. Evaluation uses those.
    /// </summary>
    private static void WriteBatchNormForward(CodeWriter w, NodePlan l, string y, string x)
    {
        int c = l.Out.C, o = l.ReductionOffset;
        string mean = $"reduction.Slice({o + 3 * c}, {c})", variance = $"reduction.Slice({o + 4 * c}, {c})";
        string eps = CodeWriter.Literal(l.Spec.Real), running = $"{Tensor(l, "running_mean", "p")}, {Tensor(l, "running_var", "p")}";
        w.Open("if (ws.Training)");
        w.Line($"{Kernels}BatchNorm.PartialStatistics(reduction.Slice({o}, {3 * c}), {x}, n, {c}, {l.Out.Spatial});");
        w.Line("ws.Synchronize();");
        w.Line($"long count = {Kernels}BatchNorm.MergeStatistics({mean}, {variance}, ws.Reductions, ws.Layout.ReductionPerWorker, {o}, ws.Workers, {c});");
        w.Line($"{Kernels}BatchNorm.NormalizeTraining({y}, {x}, {mean}, {variance}, {Tensor(l, "weight", "p")}, {Tensor(l, "bias", "p")}, {eps}, n, {c}, {l.Out.Spatial});");
        w.Line($"if (worker == 0) {Kernels}BatchNorm.UpdateRunningStatistics({running}, {mean}, {variance}, count, {CodeWriter.Literal(l.Spec.Real2)});");
        w.Close();
        w.Line($"else {Kernels}BatchNorm.Inference({y}, {x}, {running}, {Tensor(l, "weight", "p")}, {Tensor(l, "bias", "p")}, {eps}, n, {c}, {l.Out.Spatial});");
    }

    private static void WriteBackward(CodeWriter w, NetworkPlan plan, string[] ids)
    {
        w.Line("/// <summary>Back-propagates the batch-mean loss for samples [n0, n1); parameter gradients accumulate into the worker's buffer.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Open($"public void Backward<T>(global::System.ReadOnlySpan<T> p, global::NetDsl.Runtime.Workspace<T> ws, int worker, int n0, int n1) {CodeWriter.FloatConstraint}");
        w.Line("int n = n1 - n0;");
        w.Line("var g = ws.ParameterGradientsOf(worker);");
        if (plan.ScratchPerWorker > 0) w.Line("var scratch = ws.ScratchOf(worker);");
        if (plan.ReductionPerWorker > 0) w.Line("var reduction = ws.ReductionOf(worker);");
        w.Line();
        w.Line("// loss head: dL/dlogits = (softmax - onehot) / batch size");
        w.Line($"{Kernels}SoftmaxCrossEntropy.Backward({GradSlot("Logits", plan.Classes)}, {Slot("Probabilities", plan.Classes)}, "
             + $"ws.LabelsOf(n0, n1), n, {plan.Classes}, T.One / T.CreateChecked(ws.BatchSize));");
        foreach (var l in plan.Layers.Reverse())
        {
            if (!l.NeedsGradient) continue;   // nothing upstream learns
            w.Line();
            WriteGradientSum(w, plan, ids, l);
            bool anyInput = Enumerable.Range(0, l.Inputs.Count).Any(i => Dx(plan, ids, l, i) is not null);
            w.Line(Names.Narrate(l) + (!anyInput ? "; no input gradient needed" : ""));
            string dy = GradSlot(ids[l.Id], l.Out.Size), x = Input(plan, ids, l, 0), y = Slot(ids[l.Id], l.Out.Size);
            string? dx = Dx(plan, ids, l, 0);
            string dxOrEmpty = dx ?? "global::System.Span<T>.Empty";
            switch (l.Kind)
            {
                case LayerKind.Conv:
                    w.Line($"{Kernels}Conv2d.Backward({dxOrEmpty}, {Tensor(l, "weight", "g")}, {Tensor(l, "bias", "g")}, {dy}, {x}, {Tensor(l, "weight", "p")}, scratch, n, in LayerGeometry.{ids[l.Id]});");
                    break;
                case LayerKind.Dense:
                    w.Line($"{Kernels}Dense.Backward({dxOrEmpty}, {Tensor(l, "weight", "g")}, {Tensor(l, "bias", "g")}, {dy}, {x}, {Tensor(l, "weight", "p")}, n, {l.In.Size}, {l.Out.Size});");
                    break;
                case LayerKind.BatchNorm:
                    WriteBatchNormBackward(w, l, dy, x, dx);
                    break;
                case LayerKind.Concat:
                    int offset = 0;
                    for (int i = 0; i < l.Inputs.Count; i++)
                    {
                        if (Dx(plan, ids, l, i) is { } target)
                            w.Line($"{Kernels}Join.ConcatBackward({target}, {dy}, n, {l.Out.Size}, {l.InShapes[i].Size}, {offset});");
                        offset += (int)l.InShapes[i].Size;
                    }
                    break;
                case LayerKind.Add:
                    for (int i = 0; i < l.Inputs.Count; i++)
                        if (Dx(plan, ids, l, i) is { } target) w.Line($"{Kernels}Join.Copy({target}, {dy});");
                    break;
                default:
                    if (dx is not null) w.Line(InputGradient(l, ids, dx, dy, x, y));
                    break;
            }
        }
        w.Close();
    }

    /// <summary>The backward call of a layer without parameters that only passes the gradient to its one input.</summary>
    private static string InputGradient(NodePlan l, string[] ids, string dx, string dy, string x, string y) => l.Kind switch
    {
        LayerKind.MaxPool or LayerKind.AvgPool => $"{Kernels}Pool2d.{Pool(l)}Backward({dx}, {dy}, {x}, n, in LayerGeometry.{ids[l.Id]});",
        LayerKind.GlobalAvgPool => $"{Kernels}GlobalPool.AvgBackward({dx}, {dy}, n, {l.In.C}, {l.In.Spatial});",
        LayerKind.GlobalMaxPool => $"{Kernels}GlobalPool.MaxBackward({dx}, {dy}, {x}, n, {l.In.C}, {l.In.Spatial});",
        LayerKind.Dropout => $"{Kernels}Dropout.Backward({dx}, {dy}, {Slot(ids[l.Id] + "_Mask", l.Out.Size)});",
        LayerKind.Lrn => $"{Kernels}Lrn.Backward({dx}, {dy}, {x}, {y}, n, {l.Out.C}, {l.Out.Spatial}, {LrnArguments(l)});",
        _ => $"{Kernels}Activations.{l.Kind}Backward({dx}, {dy}, {y});",
    };

    /// <summary>Like the forward pass, the batch-wide sums (Σdy, Σdy·x̂) meet at a barrier before the input gradient.</summary>
    private static void WriteBatchNormBackward(CodeWriter w, NodePlan l, string dy, string x, string? dx)
    {
        int c = l.Out.C, o = l.ReductionOffset;
        string mean = $"reduction.Slice({o + 3 * c}, {c})", variance = $"reduction.Slice({o + 4 * c}, {c})", eps = CodeWriter.Literal(l.Spec.Real);
        w.Line($"{Kernels}BatchNorm.BackwardPartial(reduction.Slice({o + 5 * c}, {2 * c}), {Tensor(l, "weight", "g")}, {Tensor(l, "bias", "g")}, {dy}, {x}, {mean}, {variance}, {eps}, n, {c}, {l.Out.Spatial});");
        w.Line("ws.Synchronize();");
        if (dx is not null)
            w.Line($"{Kernels}BatchNorm.BackwardInput({dx}, {dy}, {x}, {mean}, {variance}, {Tensor(l, "weight", "p")}, ws.Reductions, ws.Layout.ReductionPerWorker, {o + 5 * c}, "
                 + $"ws.Workers, (long)ws.BatchSize * {l.Out.Spatial}, {eps}, n, {c}, {l.Out.Spatial});");
    }

    /// <summary>A tensor read by several layers received one gradient per reader; add them up before its producer runs.</summary>
    private static void WriteGradientSum(CodeWriter w, NetworkPlan plan, string[] ids, NodePlan producer)
    {
        var edges = plan.EdgesFrom(producer.Id);
        if (edges.Count < 2) return;
        string total = GradSlot(ids[producer.Id], producer.Out.Size);
        w.Line($"// {producer.Name} is read by {edges.Count} layers: its gradient is the sum of theirs");
        for (int i = 0; i < edges.Count; i++)
            w.Line($"{Kernels}Join.{(i == 0 ? "Copy" : "Accumulate")}({total}, {GradSlot(LayoutEmitter.EdgeName(ids, edges[i]), producer.Out.Size)});");
    }

    /// <summary>Where layer l writes the gradient of its input i, or null when that input needs none.</summary>
    private static string? Dx(NetworkPlan plan, string[] ids, NodePlan l, int input)
    {
        if (plan.EdgeInto(l.Id, input) is not { } edge) return null;
        var producer = plan.Nodes[edge.Producer];
        return edge.Slot == producer.Slot ? GradSlot(ids[producer.Id], producer.Out.Size) : GradSlot(LayoutEmitter.EdgeName(ids, edge), producer.Out.Size);
    }

    private static string LrnArguments(NodePlan l) =>
        $"{l.Spec.Size}, {CodeWriter.Literal(l.Spec.Real2)}, {CodeWriter.Literal(l.Spec.Real3)}, {CodeWriter.Literal(l.Spec.Real4)}";

    private static string Input(NetworkPlan plan, string[] ids, NodePlan l, int i) => Slot(ids[l.Inputs[i]], plan.Nodes[l.Inputs[i]].Out.Size);
    private static string Slot(string name, long size) => $"ws.Slot(WorkspaceSlots.{name}, {size}, n0, n1)";
    private static string GradSlot(string name, long size) => $"ws.GradSlot(WorkspaceSlots.{name}, {size}, n0, n1)";

    /// <summary>A tensor's slice of the parameter (p) or gradient (g) buffer; an absent bias is an empty span.</summary>
    private static string Tensor(NodePlan l, string role, string buffer) =>
        l.Tensor(role) is { } t ? $"{buffer}.Slice(ParameterSlices.{LayoutEmitter.Slice(t)}, {t.Length})" : "global::System.Span<T>.Empty";

    private static string Pool(NodePlan l) => l.Kind == LayerKind.MaxPool ? "Max" : "Avg";
    private static string Global(NodePlan l) => l.Kind == LayerKind.GlobalMaxPool ? "Max" : "Avg";
}
