using System.Collections.Generic;
using System.Linq;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Heads;
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
        var empty = new NetworkPlan(spec, default, EquatableArray<NodePlan>.Empty, EquatableArray<GradientEdge>.Empty, EquatableArray<StagePlan>.Empty,
            EquatableArray<HeadPlan>.Empty, 0, 0, 0, 0, 0, default);
        if (spec.Incomplete || !ReadInput(spec, diagnostics, out var input)) return empty with { Diagnostics = diagnostics.ToEquatableArray() };

        var blocks = sourceBlocks.Concat(spec.ReferencedBlocks).GroupBy(b => b.FullName).ToDictionary(g => g.Key, g => g.First());
        var builder = new GraphBuilder(spec, blocks, diagnostics);
        if (!builder.Build(input)) return empty with { Diagnostics = diagnostics.ToEquatableArray() };

        var head = Head.Named(spec.Head);
        var logits = builder.Nodes[builder.MainOutput];
        if (head.Unfit(logits.Out) is { } needs)
        {
            diagnostics.Add(DiagnosticInfo.Create(Catalog.TooFewClasses, logits.Spec?.Location ?? spec.Location, spec.ClassName, logits.Display, logits.Out, head.Name, needs));
            return empty with { Diagnostics = diagnostics.ToEquatableArray() };
        }
        if (head.IgnoreLabelProblem(logits.Out, spec.IgnoreLabel, spec.IgnoreLabelSet) is { } problem)
            diagnostics.Add(DiagnosticInfo.Create(Catalog.IgnoreLabelProblem, spec.Location, spec.ClassName, spec.IgnoreLabel, problem));
        foreach (var (stage, output) in builder.AuxiliaryHeads)
        {
            var aux = builder.Nodes[output];
            if (aux.Out == logits.Out) continue;
            diagnostics.Add(DiagnosticInfo.Create(Catalog.AuxiliaryHeadShape, stage.Location, stage.Name, spec.ClassName,
                $"outputs {aux.Out}, but the main output {logits.Display} is {logits.Out}; heads share the targets, so their shapes must agree"));
            return empty with { Diagnostics = diagnostics.ToEquatableArray() };
        }
        var stages = spec.Stages.Select(st => builder.Stages.TryGetValue(st.Name, out var built)
            ? new StagePlan(st.Name, st.Accessibility, built.First, built.Count, built.Output)
            : new StagePlan(st.Name, st.Accessibility, -1, 0, -1)).ToEquatableArray();
        string mainStage = spec.Stages.Last(st => !st.IsAuxiliary).Name;
        var heads = builder.AuxiliaryHeads.Select(h => (h.Output, h.Stage.Name, h.Stage.AuxiliaryWeight!.Value))
            .Prepend((builder.MainOutput, mainStage, 1.0)).ToList();
        return PlanAssembler.Assemble(spec, builder.Nodes, stages, heads, diagnostics);
    }

    private static bool ReadInput(NetworkSpec spec, List<DiagnosticInfo> diagnostics, out Shape input)
    {
        input = default;
        if (spec.Input.Count == 0)
            diagnostics.Add(DiagnosticInfo.Create(Catalog.MissingInput, spec.Location, spec.ClassName));
        else if (spec.Input.Count != 3 || spec.Input.Any(d => d <= 0))
            diagnostics.Add(DiagnosticInfo.Create(Catalog.InvalidInput, spec.Location, spec.ClassName, "(" + string.Join(",", spec.Input) + ")"));
        else if (Head.Find(spec.Head) is null)
            diagnostics.Add(DiagnosticInfo.Create(Catalog.InvalidArgument, spec.Location, spec.ClassName, "Network", "head", spec.Head,
                "one of " + string.Join(", ", Head.All.Select(h => h.Name).OrderBy(n => n, System.StringComparer.Ordinal))));
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
