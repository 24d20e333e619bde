using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Checking;

/// <summary>
/// Lays a checked graph out in memory: per-sample activation slots, parameter offsets (trainable tensors first,
/// running statistics after), BatchNorm reduction space, and gradient edges. A tensor read by several layers gets
/// one private gradient slot per reader; backward sums them before the producer runs.
/// </summary>
internal static class PlanAssembler
{
    public static NetworkPlan Assemble(NetworkSpec spec, List<GraphNode> graph, EquatableArray<StagePlan> stages, List<DiagnosticInfo> diagnostics)
    {
        long slots = 0, reduction = 0;
        int scratch = 0;
        var needsGradient = new bool[graph.Count];
        var slotOf = new int[graph.Count];
        var offsets = TensorOffsets(graph);
        var rf = new (int Size, int Jump, double Start)[graph.Count];
        var nodes = new List<NodePlan>();

        foreach (var g in graph)
        {
            slotOf[g.Id] = (int)slots;
            slots += g.Out.Size;
            int mask = -1, reductionOffset = -1;
            if (g.Spec?.Kind == LayerKind.Dropout) { mask = (int)slots; slots += g.Out.Size; }
            if (g.Spec?.Kind == LayerKind.BatchNorm) { reductionOffset = (int)reduction; reduction += 7L * g.Out.C; }
            if (g.Spec?.Kind == LayerKind.Conv)
                scratch = (int)Math.Min(int.MaxValue, Math.Max(scratch, 2L * g.Tensors[0].FanIn * g.Out.H * g.Out.W));

            needsGradient[g.Id] = g.Tensors.Any(t => t.Trainable) || g.Inputs.Any(i => needsGradient[i]);
            rf[g.Id] = g.Id == 0 ? (1, 1, 0.5) : ReceptiveField(g, rf);
            var tensors = g.Tensors.Select(t => new TensorPlan($"{g.Name}.{t.Role}", t.Role, offsets[(g.Id, t.Role)], t.Length,
                t.Dims.ToEquatableArray(), t.FanIn, t.FanOut, t.Init, t.Trainable)).ToEquatableArray();
            nodes.Add(new NodePlan(g.Id, g.Name, g.Stage, g.Spec?.Kind ?? LayerKind.Relu, g.Spec ?? new LayerSpec("input", 0, LayerKind.Relu, null, null),
                g.Inputs.ToEquatableArray(), g.Inputs.Select(i => graph[i].Out).DefaultIfEmpty(g.Out).ToEquatableArray(), g.Out,
                g.Kernel, g.Stride, g.Padding, slotOf[g.Id], mask, reductionOffset, tensors, g.MultiplyAdds,
                rf[g.Id].Size, rf[g.Id].Jump, rf[g.Id].Start, needsGradient[g.Id]));
        }

        // Readers of each tensor that needs a gradient; more than one means private slots summed in backward.
        var readers = graph.SelectMany(g => g.Inputs.Select((producer, index) => (Consumer: g.Id, Index: index, Producer: producer)))
            .Where(e => needsGradient[e.Producer]).GroupBy(e => e.Producer);
        var edges = new List<GradientEdge>();
        foreach (var group in readers)
            foreach (var e in group)
            {
                int slot = slotOf[e.Producer];
                if (group.Count() > 1) { slot = (int)Math.Min(int.MaxValue, slots); slots += graph[e.Producer].Out.Size; }
                edges.Add(new GradientEdge(e.Consumer, e.Index, e.Producer, slot));
            }

        int probabilities = (int)Math.Min(int.MaxValue, slots);
        slots += graph[graph.Count - 1].Out.Size;
        long parameters = graph.SelectMany(g => g.Tensors).Sum(t => (long)t.Length);
        long trainable = graph.SelectMany(g => g.Tensors).Where(t => t.Trainable).Sum(t => (long)t.Length);
        if (slots > int.MaxValue) diagnostics.Add(DiagnosticInfo.Create(Diagnostics.Catalog.TooLarge, spec.Location, spec.ClassName, slots, "activations"));
        if (parameters > int.MaxValue) diagnostics.Add(DiagnosticInfo.Create(Diagnostics.Catalog.TooLarge, spec.Location, spec.ClassName, parameters, "parameters"));

        return new NetworkPlan(spec, graph[0].Out, nodes.ToEquatableArray(), edges.OrderBy(e => e.Consumer).ThenBy(e => e.InputIndex).ToEquatableArray(), stages,
            (int)Math.Min(int.MaxValue, parameters), (int)Math.Min(int.MaxValue, trainable), (int)Math.Min(int.MaxValue, slots),
            probabilities, scratch, (int)Math.Min(int.MaxValue, reduction), diagnostics.ToEquatableArray());
    }

    /// <summary>Trainable tensors first, in node order, then every buffer: optimizers update one contiguous prefix.</summary>
    private static Dictionary<(int, string), int> TensorOffsets(List<GraphNode> graph)
    {
        var offsets = new Dictionary<(int, string), int>();
        long offset = 0;
        foreach (bool trainable in new[] { true, false })
            foreach (var g in graph)
                foreach (var t in g.Tensors.Where(t => t.Trainable == trainable))
                {
                    offsets[(g.Id, t.Role)] = (int)Math.Min(int.MaxValue, offset);
                    offset += t.Length;
                }
        return offsets;
    }

    /// <summary>
    /// Receptive-field arithmetic (size, jump, centre of the first unit). Windowed layers grow the field; joins take
    /// the widest input; global pools and dense layers see their whole input.
    /// </summary>
    private static (int, int, double) ReceptiveField(GraphNode g, (int Size, int Jump, double Start)[] rf)
    {
        var widest = g.Inputs.Select(i => rf[i]).OrderByDescending(r => r.Size).First();
        if (g.Spec!.Kind is not (LayerKind.Conv or LayerKind.MaxPool or LayerKind.AvgPool or LayerKind.Dense
            or LayerKind.GlobalAvgPool or LayerKind.GlobalMaxPool)) return widest;
        return (widest.Size + (g.Kernel - 1) * widest.Jump, widest.Jump * g.Stride,
            widest.Start + ((g.Kernel - 1) / 2.0 - g.Padding) * widest.Jump);
    }
}
