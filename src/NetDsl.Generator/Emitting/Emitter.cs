using System.Linq;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>Adds a plan's files (a plan with errors gets only stage stubs) and reports diagnostics.</summary>
internal static class Emitter
{
    public static void Emit(SourceProductionContext context, NetworkPlan plan, bool hasRuntime)
    {
        string hint = plan.Spec.FullName;
        if (!IsSound(plan) || !hasRuntime)
        {
            // Keeps the partial stage properties implemented so our diagnostic is the only error the user sees.
            string reason = hasRuntime ? plan.Spec.ClassName + " has compile-time errors" : plan.Spec.ClassName + " needs the NetDsl.Runtime assembly";
            context.AddSource(hint + ".Stubs.g.cs", StubEmitter.EmitNetwork(plan.Spec, reason, hasRuntime));
            return;
        }
        context.AddSource(hint + ".Layout.g.cs", LayoutEmitter.Emit(plan));
        context.AddSource(hint + ".Cpu.g.cs", CpuEmitter.Emit(plan));
        context.AddSource(hint + ".Cuda.g.cs", CudaEmitter.Emit(plan));
    }

    /// <summary>A network's diagnostics, plus NDSL0013 when it is sound but the runtime its code needs is not referenced.</summary>
    public static EquatableArray<DiagnosticInfo> DiagnosticsOf(NetworkPlan plan, bool hasRuntime) =>
        IsSound(plan) && !hasRuntime
            ? plan.Diagnostics.Append(DiagnosticInfo.Create(Catalog.MissingRuntime, plan.Spec.Location, plan.Spec.ClassName)).ToEquatableArray()
            : plan.Diagnostics;

    private static bool IsSound(NetworkPlan plan) => !plan.HasErrors && plan.Nodes.Count > 1;

    /// <summary>Reports diagnostics against the compilation's syntax trees.</summary>
    public static void Report(SourceProductionContext context, EquatableArray<DiagnosticInfo> diagnostics, Compilation compilation)
    {
        foreach (var diagnostic in diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic(compilation));
    }

    /// <summary>A block is a template: stage stubs here; its declaration errors go through Report, its shapes are checked at each use.</summary>
    public static void Emit(SourceProductionContext context, BlockSpec block)
    {
        int dot = block.FullName.LastIndexOf('.');
        context.AddSource(block.FullName + ".Block.g.cs", StubEmitter.Emit(dot < 0 ? null : block.FullName.Substring(0, dot), block.Name,
            block.Body.Stages, $"{block.Name} is a block: its stages exist in the networks that use it"));
    }
}
