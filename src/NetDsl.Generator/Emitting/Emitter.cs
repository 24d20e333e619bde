using Microsoft.CodeAnalysis;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>Reports a plan's diagnostics and adds its files; a plan with errors gets only stage stubs.</summary>
internal static class Emitter
{
    public static void Emit(SourceProductionContext context, NetworkPlan plan, bool hasRuntime)
    {
        foreach (var diagnostic in plan.Diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic());
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
    }

    /// <summary>A block is a template: its declaration errors are reported here, its shapes at each use.</summary>
    public static void Emit(SourceProductionContext context, BlockSpec block)
    {
        foreach (var diagnostic in block.Diagnostics) context.ReportDiagnostic(diagnostic.ToDiagnostic());
        int dot = block.FullName.LastIndexOf('.');
        context.AddSource(block.FullName + ".Block.g.cs", StubEmitter.Emit(dot < 0 ? null : block.FullName.Substring(0, dot), block.Name,
            block.Body.Stages, $"{block.Name} is a block: its stages exist in the networks that use it"));
    }
}
