using System.Linq;
using NetDsl.Generator.Heads;
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
            if (l.Id == plan.Logits.Id + 1) OpenAuxiliary(w);
            else w.Line();
            w.Line(Names.Narrate(l));
            l.Layer.CpuForward(new CpuLayer(plan, ids, w, l));
        }
        if (plan.HasAuxiliaryHeads) w.Close();
        w.Line();
        var loss = plan.Loss;
        for (int i = 0; i < plan.Heads.Count; i++)
        {
            var head = plan.Heads[i];
            var site = Site(plan, ids, head, i == 0);
            w.Line($"// {HeadName(plan, i)}: {loss.Describe(plan.Nodes[head.Node].Out, plan.Spec.IgnoreLabel)}, one loss per sample");
            if (i == 0) w.Line($"if (ws.HasLabels) {loss.CpuForward(site)}");
            else
            {
                w.Open("if (ws.HasLabels && ws.Training)");
                w.Line(loss.CpuForward(site));
                w.Line($"{Kernels}Join.AccumulateScaled(ws.LossesOf(n0, n1), ws.HeadLossesOf(n0, n1), T.CreateChecked({CodeWriter.Literal(head.Weight)}));");
                w.Close();
            }
        }
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
        var loss = plan.Loss;
        w.Line($"// {HeadName(plan, 0)}: dL/dlogits = {loss.MeanOver}");
        w.Line(loss.CpuBackward(Site(plan, ids, plan.Heads[0], main: true)));
        if (plan.HasAuxiliaryHeads)
        {
            OpenAuxiliary(w);
            for (int i = 1; i < plan.Heads.Count; i++)
            {
                w.Line($"// {HeadName(plan, i)}: dL/d{plan.Heads[i].Stage} = {CodeWriter.Literal(plan.Heads[i].Weight)} * {loss.MeanOver}");
                w.Line(loss.CpuBackward(Site(plan, ids, plan.Heads[i], main: false)));
            }
        }
        bool auxiliary = plan.HasAuxiliaryHeads;
        foreach (var l in plan.Layers.Reverse())
        {
            if (auxiliary && !plan.IsAuxiliary(l))
            {
                w.Close();
                auxiliary = false;
            }
            if (!l.NeedsGradient) continue;   // nothing upstream learns
            w.Line();
            WriteGradientSum(w, plan, ids, l);
            bool anyInput = Enumerable.Range(0, l.Inputs.Count).Any(i => plan.EdgeInto(l.Id, i) is not null);
            w.Line(Names.Narrate(l) + (!anyInput ? "; no input gradient needed" : ""));
            l.Layer.CpuBackward(new CpuLayer(plan, ids, w, l));
        }
        w.Close();
    }

    private static void OpenAuxiliary(CodeWriter w)
    {
        w.Line();
        w.Open("if (ws.Training)  // auxiliary heads: trained, never evaluated");
    }

    internal static string HeadName(NetworkPlan plan, int head) =>
        head == 0 ? "loss head" : $"auxiliary head {plan.Heads[head].Stage} (weight {CodeWriter.Literal(plan.Heads[head].Weight)})";

    /// <summary>Where a head's buffers are in the workspace; an auxiliary head's losses go to HeadLosses, then weighted into Losses.</summary>
    private static HeadSite Site(NetworkPlan plan, string[] ids, HeadPlan head, bool main)
    {
        var output = plan.Nodes[head.Node];
        string name = main ? "Logits" : ids[head.Node];
        string probabilities = main ? "Probabilities" : ids[head.Node] + "_Probabilities";
        return new HeadSite(output.Out, head.Weight, plan.Spec.IgnoreLabel, Slot(name, output.Out.Size), GradSlot(name, output.Out.Size),
            head.ProbabilitySlot < 0 ? "" : Slot(probabilities, output.Out.Size), main ? "ws.LossesOf(n0, n1)" : "ws.HeadLossesOf(n0, n1)",
            "ws.LabelsOf(n0, n1)", "ws.TargetsOf(n0, n1)", "n", "ws.BatchSize") { BatchLabels = "ws.LabelsOf(0, ws.BatchSize)" };
    }

    /// <summary>A tensor read by several layers received one gradient per reader; add them up before its producer runs.</summary>
    private static void WriteGradientSum(CodeWriter w, NetworkPlan plan, string[] ids, NodePlan producer)
    {
        var edges = plan.EdgesFrom(producer.Id);
        if (edges.Count < 2) return;
        string total = GradSlot(ids[producer.Id], producer.Out.Size);
        w.Line($"// {producer.Name} is read by {edges.Count} layers: its gradient is the sum of theirs");
        for (int i = 0; i < edges.Count; i++)
        {
            // An auxiliary head's branch sends a gradient only in training (edges are in consumer order: main paths first).
            bool auxiliary = plan.IsAuxiliary(plan.Nodes[edges[i].Consumer]) && !plan.IsAuxiliary(producer);
            w.Line((auxiliary ? "if (ws.Training) " : "")
                + $"{Kernels}Join.{(i == 0 ? "Copy" : "Accumulate")}({total}, {GradSlot(LayoutEmitter.EdgeName(ids, edges[i]), producer.Out.Size)});");
        }
    }

    private static string Slot(string name, long size) => $"ws.Slot(WorkspaceSlots.{name}, {size}, n0, n1)";
    private static string GradSlot(string name, long size) => $"ws.GradSlot(WorkspaceSlots.{name}, {size}, n0, n1)";


}
