using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>Stage properties that throw, emitted when a network has errors so that no second error piles up.</summary>
internal static class StubEmitter
{
    public static string Emit(NetworkSpec spec)
    {
        var w = CodeWriter.ForClass(spec.Namespace, spec.ClassName);
        w.Line($"// {spec.ClassName} has declaration errors (see the NDSL diagnostics); nothing else is generated until they are fixed.");
        foreach (var s in spec.Stages)
        {
            w.Line(CodeWriter.GeneratedCode);
            w.Line($"{s.Accessibility} partial global::NetDsl.Stage {s.Name} => throw new global::System.InvalidOperationException("
                 + $"{CodeWriter.Literal(spec.ClassName + " has compile-time errors")});");
        }
        return w.Close().ToString();
    }
}
