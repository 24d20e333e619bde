using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>
/// Emits <c>Name.Layout.g.cs</c>: the compile-time summary (as a comment and as data), parameter slices,
/// workspace slots, stage properties and parameter initialization.
/// </summary>
internal static class LayoutEmitter
{
    public static string Emit(NetworkPlan plan)
    {
        var spec = plan.Spec;
        var ids = Names.Identifiers(plan);
        var w = CodeWriter.ForClass(spec.Namespace, spec.ClassName, "global::NetDsl.Runtime.ICpuNetwork");
        WriteSummaryComment(w, plan);
        WriteSlots(w, plan, ids);
        WriteParameterSlices(w, plan);
        WriteDescription(w, plan);
        WriteArena(w);
        WriteDeclaration(w, plan.Spec);
        WriteStages(w, plan);
        WriteInitialization(w, plan);
        return w.Close().ToString();
    }

    private static void WriteSummaryComment(CodeWriter w, NetworkPlan plan)
    {
        w.Line($"// {plan.Spec.ClassName}: {plan.Input.Batched} -> {plan.Logits.Out.Batched}, {CodeWriter.N(plan.TrainableCount)} parameters, "
             + $"{CodeWriter.N(plan.Layers.Sum(l => l.MultiplyAdds))} multiply-adds per sample.");
        w.Line("//");
        w.Line("// layer                output          params       mult-adds     receptive field (size, jump, start)");
        foreach (var l in plan.Layers)
            w.Line("// " + CodeWriter.Pad($"{l.Name} {l.Kind}", 21) + CodeWriter.Pad(l.Out.ToString(), 16)
                 + CodeWriter.Pad(CodeWriter.N(l.Parameters), 13) + CodeWriter.Pad(CodeWriter.N(l.MultiplyAdds), 14)
                 + RfText(l.Rf));
        w.Line();
    }

    private static void WriteSlots(CodeWriter w, NetworkPlan plan, string[] ids)
    {
        w.Line("/// <summary>Per-sample offsets of the activation slots; gradients use the same offsets. Slot k of a");
        w.Line("/// workspace with capacity C starts at element offset*C and holds C samples back to back.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Open("internal static class WorkspaceSlots");
        foreach (var n in plan.Nodes)
        {
            w.Line($"public const int {ids[n.Id]} = {n.Slot};  // {n.Out}{(n.Id == 0 ? "" : $" {n.Name} {n.Kind}")}");
            if (n.MaskSlot >= 0) w.Line($"public const int {ids[n.Id]}_Mask = {n.MaskSlot};  // {n.Out} dropout mask");
        }
        foreach (var e in plan.Edges.Where(e => e.Slot != plan.Nodes[e.Producer].Slot))
            w.Line($"public const int {EdgeName(ids, e)} = {e.Slot};  // gradient of {plan.Nodes[e.Producer].Name} through {plan.Nodes[e.Consumer].Name}");
        w.Line($"public const int Logits = {ids[plan.Logits.Id]};");
        if (plan.ProbabilitySlot >= 0) w.Line($"public const int Probabilities = {plan.ProbabilitySlot};  // {plan.Logits.Out} softmax");
        foreach (var head in plan.Heads.Skip(1).Where(h => h.ProbabilitySlot >= 0))
            w.Line($"public const int {ids[head.Node]}_Probabilities = {head.ProbabilitySlot};  // {plan.Nodes[head.Node].Out} softmax of auxiliary head {head.Stage}");
        w.Line($"public const int PerSample = {plan.ActivationsPerSample};");
        w.Line("/// <summary>im2col scratch per worker: the largest convolution's patch matrix and its gradient.</summary>");
        w.Line($"public const int ScratchPerWorker = {plan.ScratchPerWorker};");
        w.Line("/// <summary>BatchNorm statistics per worker: 7 values per channel per BatchNorm layer.</summary>");
        w.Line($"public const int ReductionPerWorker = {plan.ReductionPerWorker};");
        w.Close().Line();
    }

    public static string EdgeName(string[] ids, GradientEdge e) => $"{ids[e.Producer]}_Grad_{ids[e.Consumer]}_{e.InputIndex}";

    private static void WriteParameterSlices(CodeWriter w, NetworkPlan plan)
    {
        w.Line("/// <summary>Offsets of each tensor in the flat parameter buffer (PyTorch names and layouts); trainable tensors first.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Open("internal static class ParameterSlices");
        foreach (var t in plan.Tensors)
            w.Line($"public const int {Slice(t)} = {t.Offset};  // {t.Name} ({string.Join(",", t.Dims)}){(t.Trainable ? "" : ", not trained")}");
        w.Line($"public const int Trainable = {plan.TrainableCount};");
        w.Line($"public const int Count = {plan.ParameterCount};");
        w.Close().Line();
    }

    /// <summary>The ParameterSlices constant of a tensor: its name as an identifier.</summary>
    public static string Slice(TensorPlan t)
    {
        var chars = t.Name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray();
        string id = new string(chars);
        return char.IsDigit(id[0]) ? "T" + id : id;
    }

    private static void WriteDescription(CodeWriter w, NetworkPlan plan)
    {
        var spec = plan.Spec;
        w.Line("private static readonly global::NetDsl.NetworkDescription s_description = new(");
        w.Line($"    {CodeWriter.Literal(spec.ClassName)}, new global::NetDsl.Shape({Dims(plan.Input)}), {plan.Classes},");
        w.Line("    new global::NetDsl.LayerInfo[]");
        w.Line("    {");
        foreach (var l in plan.Layers)
            w.Line($"        new({CodeWriter.Literal(l.Name)}, {CodeWriter.Literal(l.Kind)}, {CodeWriter.Literal(l.Stage)}, "
                 + $"new({Dims(l.In)}), new({Dims(l.Out)}), {l.Parameters}, {l.MultiplyAdds}, {Axis(l.Rf.Rows)}, {Axis(l.Rf.Columns)}),");
        w.Line("    },");
        w.Line("    new global::NetDsl.ParameterInfo[]");
        w.Line("    {");
        foreach (var t in plan.Tensors)
            w.Line($"        new({CodeWriter.Literal(t.Name)}, {t.Offset}, {t.Length}, new[] {{ {string.Join(", ", t.Dims)} }}, {t.FanIn}, {t.FanOut}{(t.Trainable ? "" : ", Trainable: false")}),");
        w.Line("    },");
        w.Line("    new global::NetDsl.Stage[]");
        w.Line("    {");
        foreach (var s in plan.Stages)
            w.Line($"        new({CodeWriter.Literal(s.Name)}, {s.First - 1}, {s.Count}, new({(s.Output < 0 ? "0, 0, 0" : Dims(plan.Nodes[s.Output].Out))})),");
        w.Line("    })");
        w.Line("{");
        w.Line($"    Targets = {Targets(plan)},");
        w.Line("    Heads = new global::NetDsl.HeadInfo[]");
        w.Line("    {");
        for (int i = 0; i < plan.Heads.Count; i++)
            w.Line($"        new({CodeWriter.Literal(plan.Heads[i].Stage)}, global::NetDsl.Head.{plan.Loss.Name}, {CodeWriter.Literal(plan.Heads[i].Weight)}, "
                 + $"TrainingOnly: {(i > 0 ? "true" : "false")}),");
        w.Line("    },");
        w.Line("};");
        w.Line();
        w.Line("private static readonly global::NetDsl.Runtime.WorkspaceLayout s_layout = new(");
        w.Line($"    WorkspaceSlots.PerSample, WorkspaceSlots.Input, {plan.Input.Size}, WorkspaceSlots.Logits, {plan.Logits.Out.Size}, WorkspaceSlots.ScratchPerWorker, WorkspaceSlots.ReductionPerWorker)");
        w.Line($"    {{ Targets = {Targets(plan)} }};");
        w.Line();
        w.Line("/// <summary>The compile-time summary: shapes, parameters, multiply-adds and receptive fields per layer.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Line("public static global::NetDsl.NetworkDescription Summary => s_description;");
        w.Line();
        w.Line(CodeWriter.GeneratedCode);
        w.Line("public global::NetDsl.NetworkDescription Description => s_description;");
        w.Line();
        w.Line(CodeWriter.GeneratedCode);
        w.Line("public global::NetDsl.Runtime.WorkspaceLayout Layout => s_layout;");
        w.Line();
    }

    /// <summary>The GPU arena: the runtime's standard table, sized by this network's layout and CUDA program.</summary>
    private static void WriteArena(CodeWriter w)
    {
        w.Line("/// <summary>Every device buffer of a GPU training run, carved from one allocation (see ArenaLayout.ForTraining).</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Line("public static global::NetDsl.Runtime.ArenaLayout Arena => global::NetDsl.Runtime.ArenaLayout.ForTraining(ParameterSlices.Count, ParameterSlices.Trainable,");
        w.Line("    WorkspaceSlots.ReductionPerWorker, WorkspaceSlots.PerSample, CudaProgram.ScratchPerSample, CudaProgram.ScratchFixed, s_layout.Targets);");
        w.Line();
        w.Line(CodeWriter.GeneratedCode);
        w.Line("global::NetDsl.Runtime.ArenaLayout global::NetDsl.Runtime.IGpuNetwork.GpuArena => Arena;");
        w.Line();
    }

    /// <summary>Where [Network] is written, as the compiler saw it: `netdsl kernels` points build errors about the GPU program there.</summary>
    private static void WriteDeclaration(CodeWriter w, NetworkSpec spec)
    {
        var start = spec.Location?.LineSpan.Start;
        w.Line("/// <summary>Where this network's [Network] attribute is written; build-time kernel errors point here.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Line($"global::NetDsl.Runtime.SourceLocation global::NetDsl.Runtime.IGpuNetwork.Declaration => new({CodeWriter.Literal(spec.Location?.FilePath ?? "")}, "
             + $"{(start?.Line ?? 0) + 1}, {(start?.Character ?? 0) + 1});");
        w.Line();
    }

    private static void WriteStages(CodeWriter w, NetworkPlan plan)
    {
        for (int i = 0; i < plan.Stages.Count; i++)
        {
            var s = plan.Stages[i];
            string shapes = s.Output < 0 ? "never computed: nothing reads it"
                : s.Count == 0 ? $"{plan.Nodes[s.Output].Out.Batched}, the identity"
                : $"{plan.Nodes[s.First].In.Batched} -> {plan.Nodes[s.Output].Out.Batched}";
            w.Line($"/// <summary>{s.Name}: {shapes}.</summary>");
            w.Line(CodeWriter.GeneratedCode);
            w.Line($"{s.Accessibility} partial global::NetDsl.Stage {s.Name} => s_description.Stages[{i}];");
            w.Line();
        }
    }

    private static void WriteInitialization(CodeWriter w, NetworkPlan plan)
    {
        w.Line("/// <summary>He-normal weights before a ReLU, Xavier-uniform otherwise, zero biases, BatchNorm scale 1 and running");
        w.Line("/// variance 1. Each tensor draws from its own stream of <paramref name=\"seed\"/>, so adding a layer does not change the others.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Open($"public void InitializeParameters<T>(global::System.Span<T> parameters, ulong seed) {CodeWriter.FloatConstraint}");
        w.Line($"if (parameters.Length != ParameterSlices.Count) throw new global::System.ArgumentException($\"{plan.Spec.ClassName} has {{ParameterSlices.Count}} parameters, the buffer holds {{parameters.Length}}\", nameof(parameters));");
        int stream = 0;
        foreach (var t in plan.Tensors)
        {
            string slice = $"parameters.Slice(ParameterSlices.{Slice(t)}, {t.Length})";
            w.Line(t.Init switch
            {
                InitKind.HeNormal => $"global::NetDsl.Runtime.Initialization.HeNormal({slice}, fanIn: {t.FanIn}, seed, stream: {stream++});  // {t.Name}",
                InitKind.XavierUniform => $"global::NetDsl.Runtime.Initialization.XavierUniform({slice}, fanIn: {t.FanIn}, fanOut: {t.FanOut}, seed, stream: {stream++});  // {t.Name}",
                InitKind.One => $"{slice}.Fill(T.One);  // {t.Name}",
                _ => $"{slice}.Clear();  // {t.Name}",
            });
        }
        w.Close();
    }

    /// <summary>"5x5, 1, 0.5" when both axes agree; "3x1, 2,1, 1.5,0.5" (rows, then columns) when they do not.</summary>
    private static string RfText(ReceptiveField rf)
    {
        var (r, c) = (rf.Rows, rf.Columns);
        return r == c ? $"{r.Size}x{r.Size}, {CodeWriter.Literal(r.Jump)}, {CodeWriter.Literal(r.Start)}"
            : $"{r.Size}x{c.Size}, {CodeWriter.Literal(r.Jump)},{CodeWriter.Literal(c.Jump)}, {CodeWriter.Literal(r.Start)},{CodeWriter.Literal(c.Start)}";
    }

    private static string Axis(RfAxis a) => $"new({a.Size}, {CodeWriter.Literal(a.Jump)}, {CodeWriter.Literal(a.Start)})";

    private static string Targets(NetworkPlan plan) => plan.Loss.Targets(plan.Logits.Out, plan.Spec.IgnoreLabel);

    private static string Dims(Shape s) => CodeWriter.Join(s.C, s.H, s.W);
}
