using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>Reads a [Block] class, from source (its own pipeline step) or from a referenced assembly (inline).</summary>
internal static class BlockParser
{
    public static BlockSpec Parse(GeneratorAttributeSyntaxContext context, CancellationToken ct) =>
        Parse((INamedTypeSymbol)context.TargetSymbol, ct, LocationInfo.From(((ClassDeclarationSyntax)context.TargetNode).Identifier.GetLocation()));

    public static BlockSpec Parse(INamedTypeSymbol type, CancellationToken ct, LocationInfo? location = null)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "NetDsl.BlockAttribute");
        bool incomplete = attribute?.AttributeConstructor is null;
        var parameters = attribute is { ConstructorArguments.Length: > 0 } ? LayerReader.Strings(attribute.ConstructorArguments[0]) : System.Array.Empty<string>();
        // Blocks nested in blocks are not supported yet: a Use inside a block is reported when the block is instantiated.
        var body = BodyParser.Parse(type, diagnostics, new List<INamedTypeSymbol>(), ct, ref incomplete);
        foreach (var stage in body.Stages.Where(s => s.IsAuxiliary))
            diagnostics.Add(DiagnosticInfo.Create(Diagnostics.Catalog.AuxiliaryHeadInBlock, stage.Location, type.Name, stage.Name));
        return new BlockSpec(type.ToDisplayString(), type.Name, parameters.ToEquatableArray(), body,
            diagnostics.ToEquatableArray(), incomplete, location);
    }
}
