using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>
/// Stage properties that throw: for blocks (templates with no stages of their own), and for networks with errors so
/// that no second error piles up on the user's partial declarations.
/// </summary>
internal static class StubEmitter
{
    public static string Emit(string? ns, string className, EquatableArray<StageSpec> stages, string reason)
    {
        var w = CodeWriter.ForClass(ns, className);
        w.Line($"// {reason}.");
        foreach (var s in stages)
        {
            w.Line(CodeWriter.GeneratedCode);
            w.Line($"{s.Accessibility} partial global::NetDsl.Stage {s.Name} => throw new global::System.InvalidOperationException({CodeWriter.Literal(reason)});");
        }
        return w.Close().ToString();
    }
}
