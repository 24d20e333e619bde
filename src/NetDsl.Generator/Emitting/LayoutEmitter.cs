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
        var w = CodeWriter.ForClass(spec.Namespace, spec.ClassName, "global::NetDsl.Runtime.ICpuNetwork");
        WriteSummaryComment(w, plan);
        WriteSlots(w, plan);
        WriteParameterSlices(w, plan);
        WriteDescription(w, plan);
        WriteStages(w, plan);
        WriteInitialization(w, plan);
        return w.Close().ToString();
    }

    private static void WriteSummaryComment(CodeWriter w, NetworkPlan plan)
    {
        w.Line($"// {plan.Spec.ClassName}: {plan.Input.Batched} -> {plan.Logits.Out.Batched}, {CodeWriter.N(plan.ParameterCount)} parameters, "
             + $"{CodeWriter.N(plan.Layers.Sum(l => l.MultiplyAdds))} multiply-adds per sample.");
        w.Line("//");
        w.Line("// layer           output        params       mult-adds   receptive field (size, jump, start)");
        foreach (var l in plan.Layers)
            w.Line("// " + CodeWriter.Pad($"{l.Name} {l.Spec.Kind}", 16) + CodeWriter.Pad(l.Out.ToString(), 14)
                 + CodeWriter.Pad(CodeWriter.N(l.Parameters), 13) + CodeWriter.Pad(CodeWriter.N(l.MultiplyAdds), 12)
                 + $"{l.RfSize}x{l.RfSize}, {l.RfJump}, {CodeWriter.Literal(l.RfStart)}");
        w.Line();
    }

    private static void WriteSlots(CodeWriter w, NetworkPlan plan)
    {
        w.Line("/// <summary>Per-sample offsets of the activation slots; gradients use the same offsets. Slot k of a");
        w.Line("/// workspace with capacity C starts at element offset*C and holds C samples back to back.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Open("internal static class WorkspaceSlots");
        w.Line($"public const int Input = 0;  // {plan.Input}");
        foreach (var l in plan.Layers)
        {
            w.Line($"public const int {l.Identifier} = {l.OutputSlot};  // {l.Out} {l.Name} {l.Spec.Kind}");
            if (l.MaskSlot >= 0) w.Line($"public const int {l.Identifier}_Mask = {l.MaskSlot};  // {l.Out} dropout mask");
        }
        w.Line($"public const int Logits = {plan.Logits.Identifier};");
        w.Line($"public const int Probabilities = {plan.ProbabilitySlot};  // ({plan.Classes}) softmax");
        w.Line($"public const int PerSample = {plan.ActivationsPerSample};");
        w.Line($"/// <summary>im2col scratch per worker: the largest convolution's patch matrix and its gradient.</summary>");
        w.Line($"public const int ScratchPerWorker = {plan.ScratchPerWorker};");
        w.Close().Line();
    }

    private static void WriteParameterSlices(CodeWriter w, NetworkPlan plan)
    {
        w.Line("/// <summary>Offsets of each tensor in the flat parameter buffer (PyTorch layouts).</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Open("internal static class ParameterSlices");
        foreach (var l in plan.Layers.Where(l => l.HasParameters))
        {
            w.Line($"public const int {l.Identifier}_Weight = {l.WeightOffset};  // {WeightDims(l)}");
            w.Line($"public const int {l.Identifier}_Bias = {l.BiasOffset};  // ({l.BiasCount})");
        }
        w.Line($"public const int Count = {plan.ParameterCount};");
        w.Close().Line();
    }

    private static void WriteDescription(CodeWriter w, NetworkPlan plan)
    {
        var spec = plan.Spec;
        w.Line("private static readonly global::NetDsl.NetworkDescription s_description = new(");
        w.Line($"    {CodeWriter.Literal(spec.ClassName)}, new global::NetDsl.Shape({Dims(plan.Input)}), {plan.Classes},");
        w.Line("    new global::NetDsl.LayerInfo[]");
        w.Line("    {");
        foreach (var l in plan.Layers)
            w.Line($"        new({CodeWriter.Literal(l.Name)}, global::NetDsl.LayerKind.{l.Spec.Kind}, {CodeWriter.Literal(l.Spec.Stage)}, "
                 + $"new({Dims(l.In)}), new({Dims(l.Out)}), {l.Parameters}, {l.MultiplyAdds}, {l.RfSize}, {l.RfJump}, {CodeWriter.Literal(l.RfStart)}),");
        w.Line("    },");
        w.Line("    new global::NetDsl.ParameterInfo[]");
        w.Line("    {");
        foreach (var l in plan.Layers.Where(l => l.HasParameters))
        {
            w.Line($"        new({CodeWriter.Literal(l.Name + ".weight")}, {l.WeightOffset}, {l.WeightCount}, new[] {{ {WeightDims(l).Trim('(', ')')} }}, {l.FanIn}, {l.FanOut}),");
            w.Line($"        new({CodeWriter.Literal(l.Name + ".bias")}, {l.BiasOffset}, {l.BiasCount}, new[] {{ {l.BiasCount} }}, {l.FanIn}, {l.FanOut}),");
        }
        w.Line("    },");
        w.Line("    new global::NetDsl.Stage[]");
        w.Line("    {");
        foreach (var s in spec.Stages)
            w.Line($"        new({CodeWriter.Literal(s.Name)}, {s.FirstLayer}, {s.LayerCount}, new({Dims(plan.Layers[s.FirstLayer + s.LayerCount - 1].Out)})),");
        w.Line("    });");
        w.Line();
        w.Line("private static readonly global::NetDsl.Runtime.WorkspaceLayout s_layout = new(");
        w.Line($"    WorkspaceSlots.PerSample, WorkspaceSlots.Input, {plan.Input.Size}, WorkspaceSlots.Logits, {plan.Classes}, WorkspaceSlots.ScratchPerWorker);");
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

    private static void WriteStages(CodeWriter w, NetworkPlan plan)
    {
        var stages = plan.Spec.Stages;
        for (int i = 0; i < stages.Count; i++)
        {
            var s = stages[i];
            var first = plan.Layers[s.FirstLayer];
            var last = plan.Layers[s.FirstLayer + s.LayerCount - 1];
            w.Line($"/// <summary>{s.Name}: {first.In.Batched} -> {last.Out.Batched}.</summary>");
            w.Line(CodeWriter.GeneratedCode);
            w.Line($"{s.Accessibility} partial global::NetDsl.Stage {s.Name} => s_description.Stages[{i}];");
            w.Line();
        }
    }

    private static void WriteInitialization(CodeWriter w, NetworkPlan plan)
    {
        w.Line("/// <summary>He-normal weights before a ReLU, Xavier-uniform otherwise, zero biases. Each tensor draws from");
        w.Line("/// its own stream of <paramref name=\"seed\"/>, so adding a layer does not change the others.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Open($"public void InitializeParameters<T>(global::System.Span<T> parameters, ulong seed) {CodeWriter.FloatConstraint}");
        w.Line($"if (parameters.Length != ParameterSlices.Count) throw new global::System.ArgumentException($\"{plan.Spec.ClassName} has {{ParameterSlices.Count}} parameters, the buffer holds {{parameters.Length}}\", nameof(parameters));");
        int stream = 0;
        foreach (var l in plan.Layers.Where(l => l.HasParameters))
        {
            string weights = $"parameters.Slice(ParameterSlices.{l.Identifier}_Weight, {l.WeightCount})";
            w.Line(l.Init == InitKind.HeNormal
                ? $"global::NetDsl.Runtime.Initialization.HeNormal({weights}, fanIn: {l.FanIn}, seed, stream: {stream});  // {l.Name}.weight {WeightDims(l)}"
                : $"global::NetDsl.Runtime.Initialization.XavierUniform({weights}, fanIn: {l.FanIn}, fanOut: {l.FanOut}, seed, stream: {stream});  // {l.Name}.weight {WeightDims(l)}");
            w.Line($"parameters.Slice(ParameterSlices.{l.Identifier}_Bias, {l.BiasCount}).Clear();");
            stream++;
        }
        w.Close();
    }

    private static string Dims(Shape s) => CodeWriter.Join(s.C, s.H, s.W);

    /// <summary>PyTorch's weight layout: (out, in, k, k) for convolutions, (out, in) for dense layers.</summary>
    public static string WeightDims(LayerPlan l) => l.Spec.Kind == LayerKind.Conv
        ? $"({l.Out.C},{l.In.C},{l.Spec.Kernel},{l.Spec.Kernel})"
        : $"({l.Out.C},{l.In.Size})";
}
