using System;
using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Layers;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Checking;

/// <summary>
/// Lays a checked graph out in memory: per-sample activation slots, parameter offsets (trainable tensors first,
/// running statistics after), BatchNorm reduction space, and gradient edges. A tensor read by several layers gets
/// one private gradient slot per reader; backward sums them before the producer runs.
/// </summary>
internal static class PlanAssembler
{
    /// <param name="heads">The main head's output node, stage and weight (1), then each auxiliary head's.</param>
    public static NetworkPlan Assemble(NetworkSpec spec, List<GraphNode> graph, EquatableArray<StagePlan> stages,
        List<(int Node, string Stage, double Weight)> heads, List<DiagnosticInfo> diagnostics)
    {
        long slots = 0, reduction = 0;
        int scratch = 0;
        var needsGradient = new bool[graph.Count];
        var slotOf = new int[graph.Count];
        var offsets = TensorOffsets(graph);
        var rf = new ReceptiveField[graph.Count];
        var nodes = new List<NodePlan>();

        foreach (var g in graph)
        {
            var layer = g.Spec?.Layer;
            slotOf[g.Id] = (int)slots;
            slots += g.Out.Size;
            int mask = -1, reductionOffset = -1;
            if (layer?.KeepsMask == true) { mask = (int)slots; slots += g.Out.Size; }
            needsGradient[g.Id] = g.Tensors.Any(t => t.Trainable) || g.Inputs.Any(i => needsGradient[i]);
            var tensors = g.Tensors.Select(t => new TensorPlan($"{g.Name}.{t.Role}", t.Role, offsets[(g.Id, t.Role)], t.Length,
                t.Dims.ToEquatableArray(), t.FanIn, t.FanOut, t.Init, t.Trainable)).ToEquatableArray();
            var inShapes = g.Inputs.Select(i => graph[i].Out).DefaultIfEmpty(g.Out).ToEquatableArray();
            var node = new NodePlan(g.Id, g.Name, g.Stage, g.Spec?.Kind ?? NodePlan.InputKind, g.Spec?.Args ?? LayerArgs.None,
                g.Inputs.ToEquatableArray(), inShapes, g.Out, g.Window, slotOf[g.Id], mask, -1, tensors, g.MultiplyAdds,
                ReceptiveField.Pixel, needsGradient[g.Id]);
            if (layer is not null)
            {
                int floats = layer.ReductionFloats(node);
                if (floats > 0) { reductionOffset = (int)reduction; reduction += floats; }
                scratch = (int)Math.Min(int.MaxValue, Math.Max(scratch, layer.CpuScratch(node)));
                // Joins take the widest of their inputs' fields.
                rf[g.Id] = layer.ReceptiveField(node, ReceptiveField.Widest(g.Inputs.Select(i => rf[i])));
            }
            else rf[g.Id] = ReceptiveField.Pixel;
            nodes.Add(node with { ReductionOffset = reductionOffset, Rf = rf[g.Id] });
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

        // Softmax heads keep their probabilities for the backward.
        var loss = Heads.Head.Named(spec.Head);
        var headPlans = new List<HeadPlan>();
        foreach (var (node, stage, weight) in heads)
        {
            int probabilities = -1;
            if (loss.HasProbabilities) { probabilities = (int)Math.Min(int.MaxValue, slots); slots += graph[node].Out.Size; }
            headPlans.Add(new HeadPlan(node, stage, weight, probabilities));
        }
        long parameters = graph.SelectMany(g => g.Tensors).Sum(t => (long)t.Length);
        long trainable = graph.SelectMany(g => g.Tensors).Where(t => t.Trainable).Sum(t => (long)t.Length);
        if (slots > int.MaxValue) diagnostics.Add(DiagnosticInfo.Create(Diagnostics.Catalog.TooLarge, spec.Location, spec.ClassName, slots, "activations"));
        if (parameters > int.MaxValue) diagnostics.Add(DiagnosticInfo.Create(Diagnostics.Catalog.TooLarge, spec.Location, spec.ClassName, parameters, "parameters"));

        return new NetworkPlan(spec, graph[0].Out, nodes.ToEquatableArray(), edges.OrderBy(e => e.Consumer).ThenBy(e => e.InputIndex).ToEquatableArray(), stages,
            headPlans.ToEquatableArray(), (int)Math.Min(int.MaxValue, parameters), (int)Math.Min(int.MaxValue, trainable), (int)Math.Min(int.MaxValue, slots),
            scratch, (int)Math.Min(int.MaxValue, reduction), diagnostics.ToEquatableArray());
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
}
