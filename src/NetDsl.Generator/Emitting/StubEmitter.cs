using NetDsl.Generator.Model;

namespace NetDsl.Generator.Emitting;

/// <summary>
/// Members that throw: for blocks (templates with no stages of their own), and for networks with errors, so that code
/// using the network still compiles and the user sees only the real error, not a cascade of CS1061 and CS1503.
/// </summary>
internal static class StubEmitter
{
    public static string Emit(string? ns, string className, EquatableArray<StageSpec> stages, string reason) =>
        Write(ns, className, stages, reason, null).Close().ToString();

    /// <summary>A network's stubs: its stages and, with the runtime referenced, everything its interfaces and callers expect.</summary>
    public static string EmitNetwork(NetworkSpec spec, string reason, bool hasRuntime)
    {
        const string runtime = "global::NetDsl.Runtime.";
        var w = Write(spec.Namespace, spec.ClassName, spec.Stages, reason, hasRuntime ? $"{runtime}ICpuNetwork, {runtime}IGpuNetwork" : "global::NetDsl.INetwork");
        string fail = $"throw new global::System.InvalidOperationException({CodeWriter.Literal(reason)})";
        w.Line(CodeWriter.GeneratedCode).Line($"public static global::NetDsl.NetworkDescription Summary => {fail};");
        w.Line(CodeWriter.GeneratedCode).Line($"public global::NetDsl.NetworkDescription Description => {fail};");
        if (!hasRuntime) return w.Close().ToString();
        w.Line(CodeWriter.GeneratedCode).Line($"public {runtime}WorkspaceLayout Layout => {fail};");
        w.Line(CodeWriter.GeneratedCode).Line($"public static {runtime}CudaProgram CudaProgram => {fail};");
        w.Line(CodeWriter.GeneratedCode).Line($"public static {runtime}ArenaLayout Arena => {fail};");
        w.Line(CodeWriter.GeneratedCode).Line($"{runtime}CudaProgram {runtime}IGpuNetwork.GpuProgram => {fail};");
        w.Line(CodeWriter.GeneratedCode).Line($"{runtime}ArenaLayout {runtime}IGpuNetwork.GpuArena => {fail};");
        w.Line(CodeWriter.GeneratedCode).Line($"{runtime}SourceLocation {runtime}IGpuNetwork.Declaration => {fail};");
        w.Line(CodeWriter.GeneratedCode).Line($"public void InitializeParameters<T>(global::System.Span<T> parameters, ulong seed) {CodeWriter.FloatConstraint} => {fail};");
        w.Line(CodeWriter.GeneratedCode).Line($"public void Forward<T>(global::System.Span<T> p, {runtime}Workspace<T> ws, int worker, int n0, int n1) {CodeWriter.FloatConstraint} => {fail};");
        w.Line(CodeWriter.GeneratedCode).Line($"public void Backward<T>(global::System.ReadOnlySpan<T> p, {runtime}Workspace<T> ws, int worker, int n0, int n1) {CodeWriter.FloatConstraint} => {fail};");
        return w.Close().ToString();
    }

    private static CodeWriter Write(string? ns, string className, EquatableArray<StageSpec> stages, string reason, string? baseList)
    {
        var w = CodeWriter.ForClass(ns, className, baseList);
        w.Line($"// {reason}.");
        foreach (var s in stages)
        {
            w.Line(CodeWriter.GeneratedCode);
            w.Line($"{s.Accessibility} partial global::NetDsl.Stage {s.Name} => throw new global::System.InvalidOperationException({CodeWriter.Literal(reason)});");
        }
        return w;
    }
}
