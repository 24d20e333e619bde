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

        if (plan.HasErrors || plan.Nodes.Count <= 1)
        {
            // Keeps the partial stage properties implemented so our diagnostic is the only error the user sees.
            context.AddSource(hint + ".Stubs.g.cs", StubEmitter.Emit(plan.Spec.Namespace, plan.Spec.ClassName, plan.Spec.Stages, plan.Spec.ClassName + " has compile-time errors"));
            return;
        }
        if (!hasRuntime)
        {
            context.ReportDiagnostic(Diagnostic.Create(Catalog.MissingRuntime, plan.Spec.Location?.ToLocation(), plan.Spec.ClassName));
            context.AddSource(hint + ".Stubs.g.cs", StubEmitter.Emit(plan.Spec.Namespace, plan.Spec.ClassName, plan.Spec.Stages, plan.Spec.ClassName + " has compile-time errors"));
            return;
        }
        context.AddSource(hint + ".Layout.g.cs", LayoutEmitter.Emit(plan));
        context.AddSource(hint + ".Cpu.g.cs", CpuEmitter.Emit(plan));
        context.AddSource(hint + ".Cuda.g.cs", CudaEmitter.Emit(plan));
    }

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
