using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Checking;

/// <summary>
/// Checks a network: its declaration, then every shape through its graph (<see cref="GraphBuilder"/>), then lays
/// it out (<see cref="PlanAssembler"/>). The plan of a network with errors has no nodes.
/// </summary>
internal static class ShapeChecker
{
    public static NetworkPlan Check(NetworkSpec spec, EquatableArray<BlockSpec> sourceBlocks)
    {
        var diagnostics = new List<DiagnosticInfo>(spec.Diagnostics);
        var empty = new NetworkPlan(spec, default, EquatableArray<NodePlan>.Empty, EquatableArray<GradientEdge>.Empty, EquatableArray<StagePlan>.Empty, 0, 0, 0, 0, 0, 0, default);
        if (spec.Incomplete || !ReadInput(spec, diagnostics, out var input)) return empty with { Diagnostics = diagnostics.ToEquatableArray() };

        var blocks = sourceBlocks.Concat(spec.ReferencedBlocks).GroupBy(b => b.FullName).ToDictionary(g => g.Key, g => g.First());
        var builder = new GraphBuilder(spec, blocks, diagnostics);
        if (!builder.Build(input)) return empty with { Diagnostics = diagnostics.ToEquatableArray() };

        var logits = builder.Nodes[builder.Nodes.Count - 1];
        if (logits.Out.Size < 2)
        {
            diagnostics.Add(DiagnosticInfo.Create(Catalog.TooFewClasses, logits.Spec?.Location ?? spec.Location, spec.ClassName, logits.Display, logits.Out.Size));
            return empty with { Diagnostics = diagnostics.ToEquatableArray() };
        }
        var stages = spec.Stages.Select(st => builder.Stages.TryGetValue(st.Name, out var built)
            ? new StagePlan(st.Name, st.Accessibility, built.First, built.Count, built.Output)
            : new StagePlan(st.Name, st.Accessibility, -1, 0, -1)).ToEquatableArray();
        return PlanAssembler.Assemble(spec, builder.Nodes, stages, diagnostics);
    }

    private static bool ReadInput(NetworkSpec spec, List<DiagnosticInfo> diagnostics, out Shape input)
    {
        input = default;
        if (spec.Input.Count == 0)
            diagnostics.Add(DiagnosticInfo.Create(Catalog.MissingInput, spec.Location, spec.ClassName));
        else if (spec.Input.Count != 3 || spec.Input.Any(d => d <= 0))
            diagnostics.Add(DiagnosticInfo.Create(Catalog.InvalidInput, spec.Location, spec.ClassName, "(" + string.Join(",", spec.Input) + ")"));
        else if (spec.Head != 0)   // Head.SoftmaxCrossEntropy is the only head so far
            diagnostics.Add(DiagnosticInfo.Create(Catalog.InvalidArgument, spec.Location, spec.ClassName, "Network", "head", spec.Head, "SoftmaxCrossEntropy"));
        else if (spec.Layers.Count == 0)
        {
            if (!diagnostics.Any(d => d.Id == Catalog.EmptyStage.Id))
                diagnostics.Add(DiagnosticInfo.Create(Catalog.NoLayers, spec.Location, spec.ClassName));
        }
        else
        {
            input = new Shape(spec.Input[0], spec.Input[1], spec.Input[2]);
            return true;
        }
        return false;
    }
}
