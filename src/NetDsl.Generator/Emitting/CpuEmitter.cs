using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>
/// Emits <c>Name.Cpu.g.cs</c>: forward and backward passes as straight-line calls into the CPU kernels, every size a
/// constant and every buffer a compile-time slot. Backward skips input gradients no parameter needs.
/// </summary>
internal static class CpuEmitter
{
    private const string Kernels = "global::NetDsl.Runtime.Cpu.";

    public static string Emit(NetworkPlan plan)
    {
        var spec = plan.Spec;
        var w = CodeWriter.ForClass(spec.Namespace, spec.ClassName);
        WriteGeometries(w, plan);
        WriteForward(w, plan);
        w.Line();
        WriteBackward(w, plan);
        return w.Close().ToString();
    }

    private static void WriteGeometries(CodeWriter w, NetworkPlan plan)
    {
        w.Line("/// <summary>Sizes of each windowed layer, fixed at compile time.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Open("private static class LayerGeometry");
        foreach (var l in plan.Layers)
        {
            var s = l.Spec;
            if (s.Kind == LayerKind.Conv)
                w.Line($"public static readonly {Kernels}ConvGeometry {l.Identifier} = new({CodeWriter.Join(l.In.C, l.In.H, l.In.W, s.Size, s.Kernel, s.Stride, s.Padding)});");
            else if (s.Kind is LayerKind.MaxPool or LayerKind.AvgPool)
                w.Line($"public static readonly {Kernels}PoolGeometry {l.Identifier} = new({CodeWriter.Join(l.In.C, l.In.H, l.In.W, s.Kernel, s.Stride)});");
        }
        w.Close().Line();
    }

    private static void WriteForward(CodeWriter w, NetworkPlan plan)
    {
        w.Line("/// <summary>Runs samples [n0, n1) from the input slot to the logits, then the loss head when labels are set.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Open($"public void Forward<T>(global::System.Span<T> p, global::NetDsl.Runtime.Workspace<T> ws, int worker, int n0, int n1) {CodeWriter.FloatConstraint}");
        w.Line("int n = n1 - n0;");
        if (plan.ScratchPerWorker > 0) w.Line("var scratch = ws.ScratchOf(worker);");
        foreach (var l in plan.Layers)
        {
            w.Line();
            w.Line(Narrate(l));
            string y = Slot(l.Identifier, l.Out), x = Slot(InputSlotName(l), l.In);
            switch (l.Spec.Kind)
            {
                case LayerKind.Conv:
                    w.Line($"{Kernels}Conv2d.Forward({y}, {x}, {Weight(l, "p")}, {Bias(l, "p")}, scratch, n, in LayerGeometry.{l.Identifier});");
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    w.Line($"{Kernels}Pool2d.{Pool(l)}Forward({y}, {x}, n, in LayerGeometry.{l.Identifier});");
                    break;
                case LayerKind.Dense:
                    w.Line($"{Kernels}Dense.Forward({y}, {x}, {Weight(l, "p")}, {Bias(l, "p")}, n, {l.In.Size}, {l.Out.Size});");
                    break;
                case LayerKind.Dropout:
                    w.Line($"if (ws.Training) {Kernels}Dropout.Forward({y}, {Slot(l.Identifier + "_Mask", l.Out)}, {x}, {CodeWriter.Literal(l.Spec.Probability)}, ws.StepSeed, n0, n, {l.Out.Size});");
                    w.Line($"else {x}.CopyTo({y});");
                    break;
                default:
                    w.Line($"{Kernels}Activations.{l.Spec.Kind}Forward({y}, {x});");
                    break;
            }
        }
        w.Line();
        w.Line($"// loss head: softmax cross-entropy over {plan.Classes} classes, one loss per sample");
        w.Line($"if (ws.HasLabels) {Kernels}SoftmaxCrossEntropy.Forward({Slot("Probabilities", plan.Classes)}, ws.LossesOf(n0, n1), "
             + $"{Slot("Logits", plan.Classes)}, ws.LabelsOf(n0, n1), n, {plan.Classes});");
        w.Close();
    }

    private static void WriteBackward(CodeWriter w, NetworkPlan plan)
    {
        w.Line("/// <summary>Back-propagates the batch-mean loss for samples [n0, n1); parameter gradients accumulate into the worker's buffer.</summary>");
        w.Line(CodeWriter.GeneratedCode);
        w.Open($"public void Backward<T>(global::System.ReadOnlySpan<T> p, global::NetDsl.Runtime.Workspace<T> ws, int worker, int n0, int n1) {CodeWriter.FloatConstraint}");
        w.Line("int n = n1 - n0;");
        w.Line("var g = ws.ParameterGradientsOf(worker);");
        if (plan.ScratchPerWorker > 0) w.Line("var scratch = ws.ScratchOf(worker);");
        w.Line();
        w.Line("// loss head: dL/dlogits = (softmax - onehot) / batch size");
        w.Line($"{Kernels}SoftmaxCrossEntropy.Backward({GradSlot("Logits", plan.Classes)}, {Slot("Probabilities", plan.Classes)}, "
             + $"ws.LabelsOf(n0, n1), n, {plan.Classes}, T.One / T.CreateChecked(ws.BatchSize));");
        foreach (var l in plan.Layers.Reverse())
        {
            if (!l.HasParameters && !l.NeedsInputGradient) continue;   // nothing upstream learns
            w.Line();
            w.Line(Narrate(l) + (l.HasParameters && !l.NeedsInputGradient ? "; no input gradient needed" : ""));
            string dy = GradSlot(l.Identifier, l.Out), x = Slot(InputSlotName(l), l.In), y = Slot(l.Identifier, l.Out);
            string dx = l.NeedsInputGradient ? GradSlot(InputSlotName(l), l.In) : "global::System.Span<T>.Empty";
            switch (l.Spec.Kind)
            {
                case LayerKind.Conv:
                    w.Line($"{Kernels}Conv2d.Backward({dx}, {Weight(l, "g")}, {Bias(l, "g")}, {dy}, {x}, {Weight(l, "p")}, scratch, n, in LayerGeometry.{l.Identifier});");
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    w.Line($"{Kernels}Pool2d.{Pool(l)}Backward({dx}, {dy}, {x}, n, in LayerGeometry.{l.Identifier});");
                    break;
                case LayerKind.Dense:
                    w.Line($"{Kernels}Dense.Backward({dx}, {Weight(l, "g")}, {Bias(l, "g")}, {dy}, {x}, {Weight(l, "p")}, n, {l.In.Size}, {l.Out.Size});");
                    break;
                case LayerKind.Dropout:
                    w.Line($"{Kernels}Dropout.Backward({dx}, {dy}, {Slot(l.Identifier + "_Mask", l.Out)});");
                    break;
                default:
                    w.Line($"{Kernels}Activations.{l.Spec.Kind}Backward({dx}, {dy}, {y});");
                    break;
            }
        }
        w.Close();
    }

    /// <summary>The shape comment on every layer: <c>// C1.0 Conv: (N,1,28,28) -> (N,6,28,28), 156 params</c>.</summary>
    private static string Narrate(LayerPlan l)
    {
        var s = l.Spec;
        string detail = s.Kind switch
        {
            LayerKind.Conv => $" {s.Kernel}x{s.Kernel}/{s.Stride} pad {s.Padding}",
            LayerKind.MaxPool or LayerKind.AvgPool => $" {s.Kernel}x{s.Kernel}/{s.Stride}",
            LayerKind.Dropout => $" p={CodeWriter.Literal(s.Probability)}",
            _ => "",
        };
        string parameters = l.HasParameters ? $", {CodeWriter.N(l.Parameters)} params" : "";
        return $"// {l.Name} {s.Kind}{detail}: {l.In.Batched} -> {l.Out.Batched}{parameters}";
    }

    private static string InputSlotName(LayerPlan l) => l.InputName == "input" ? "Input" : l.InputName.Replace('.', '_');
    private static string Slot(string name, Shape shape) => Slot(name, shape.Size);
    private static string Slot(string name, int size) => $"ws.Slot(WorkspaceSlots.{name}, {size}, n0, n1)";
    private static string GradSlot(string name, Shape shape) => GradSlot(name, shape.Size);
    private static string GradSlot(string name, int size) => $"ws.GradSlot(WorkspaceSlots.{name}, {size}, n0, n1)";
    private static string Weight(LayerPlan l, string buffer) => $"{buffer}.Slice(ParameterSlices.{l.Identifier}_Weight, {l.WeightCount})";
    private static string Bias(LayerPlan l, string buffer) => $"{buffer}.Slice(ParameterSlices.{l.Identifier}_Bias, {l.BiasCount})";
    private static string Pool(LayerPlan l) => l.Spec.Kind == LayerKind.MaxPool ? "Max" : "Avg";
}
