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

        if (plan.HasErrors || plan.Layers.Count == 0)
        {
            // Keeps the partial stage properties implemented so our diagnostic is the only error the user sees.
            context.AddSource(hint + ".Stubs.g.cs", StubEmitter.Emit(plan.Spec));
            return;
        }
        if (!hasRuntime)
        {
            context.ReportDiagnostic(Diagnostic.Create(Catalog.MissingRuntime, plan.Spec.Location?.ToLocation(), plan.Spec.ClassName));
            context.AddSource(hint + ".Stubs.g.cs", StubEmitter.Emit(plan.Spec));
            return;
        }
        context.AddSource(hint + ".Layout.g.cs", LayoutEmitter.Emit(plan));
        context.AddSource(hint + ".Cpu.g.cs", CpuEmitter.Emit(plan));
    }
}
