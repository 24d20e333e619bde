using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace NetDsl.Generator.Model;

/// <summary>A diagnostic waiting to be reported: a catalog id, where, and the message arguments.</summary>
/// <param name="Additional">A second place worth showing, e.g. the layer inside a block whose use site is reported.</param>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments, LocationInfo? Additional = null)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params object[] arguments) =>
        new(descriptor.Id, location, arguments.Select(Format).ToEquatableArray());

    /// <summary>Numbers are formatted here, invariantly, so messages read the same on every machine: 4,362,076,160.</summary>
    private static string Format(object argument) => argument switch
    {
        int or long => ((System.IFormattable)argument).ToString("N0", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => argument.ToString(),
    };

    public bool IsError => Diagnostics.Catalog.Find(Id).DefaultSeverity == DiagnosticSeverity.Error;

    /// <summary>
    /// Locations are placed back in the compilation's syntax trees, so #pragma warning disable and .editorconfig
    /// severities apply; a file-path-only location would escape both.
    /// </summary>
    public Diagnostic ToDiagnostic(Compilation compilation) =>
        Diagnostic.Create(Diagnostics.Catalog.Find(Id), Place(Location, compilation),
            Additional is null ? null : new[] { Place(Additional, compilation)! }, Arguments.ToArray<object>());

    private static Location? Place(LocationInfo? location, Compilation compilation)
    {
        if (location is null) return null;
        var tree = compilation.SyntaxTrees.FirstOrDefault(t => t.FilePath == location.FilePath);
        return tree is null ? location.ToLocation() : Microsoft.CodeAnalysis.Location.Create(tree, location.Span);
    }
}
