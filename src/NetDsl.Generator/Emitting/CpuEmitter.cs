using System.Linq;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>
/// Emits <c>Name.Cpu.g.cs</c>: forward and backward passes as straight-line calls into the CPU kernels, every size a
/// constant and every buffer a compile-time slot. Backward runs the graph in reverse, skips gradients no parameter
/// needs, and sums the private gradient slots of tensors that several layers read.
/// </summary>
internal static class CpuEmitter
{
    private const string Kernels = CpuLayer.Kernels;

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
            if (l.Layer.CpuGeometry(l) is var (type, arguments))
                w.Line($"public static readonly {type} {ids[l.Id]} = new({arguments});");
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
            l.Layer.CpuForward(new CpuLayer(plan, ids, w, l));
        }
        w.Line();
        w.Line($"// loss head: softmax cross-entropy over {plan.Classes} classes, one loss per sample");
        w.Line($"if (ws.HasLabels) {Kernels}SoftmaxCrossEntropy.Forward({Slot("Probabilities", plan.Classes)}, ws.LossesOf(n0, n1), "
             + $"{Slot("Logits", plan.Classes)}, ws.LabelsOf(n0, n1), n, {plan.Classes});");
        w.Close();
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
            bool anyInput = Enumerable.Range(0, l.Inputs.Count).Any(i => plan.EdgeInto(l.Id, i) is not null);
            w.Line(Names.Narrate(l) + (!anyInput ? "; no input gradient needed" : ""));
            l.Layer.CpuBackward(new CpuLayer(plan, ids, w, l));
        }
        w.Close();
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

    private static string Slot(string name, long size) => $"ws.Slot(WorkspaceSlots.{name}, {size}, n0, n1)";
    private static string GradSlot(string name, long size) => $"ws.GradSlot(WorkspaceSlots.{name}, {size}, n0, n1)";


}
