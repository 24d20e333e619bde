namespace NetDsl.Runtime;

/// <summary>A place in a source file, as the compiler saw it when it built the assembly.</summary>
/// <param name="Path">The file's path at build time (absolute in an MSBuild build).</param>
/// <param name="Line">1-based.</param>
/// <param name="Column">1-based.</param>
public sealed record SourceLocation(string Path, int Line, int Column)
{
    /// <summary>"path(line,column)", the origin of compiler and MSBuild messages.</summary>
    public override string ToString() => $"{Path}({Line},{Column})";
}
