using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>Reads the Stage properties of a network or block class, in declaration order.</summary>
internal static class BodyParser
{
    private const string StageType = "NetDsl.Stage";

    /// <param name="blocks">Collects the block classes named by Use attributes.</param>
    public static BodySpec Parse(INamedTypeSymbol type, List<DiagnosticInfo> diagnostics, List<INamedTypeSymbol> blocks, CancellationToken ct, ref bool incomplete)
    {
        var stages = new List<StageSpec>();
        var layers = new List<LayerSpec>();
        foreach (var property in StageCandidates(type))
        {
            ct.ThrowIfCancellationRequested();
            var location = LocationInfo.From(property.Locations.FirstOrDefault());
            int first = layers.Count;
            string? from = null;
            LocationInfo? fromLocation = null;
            bool projection = false;
            double? auxiliary = null;
            foreach (var attribute in property.GetAttributes())
            {
                switch (attribute.AttributeClass?.ToDisplayString())
                {
                    case "NetDsl.FromAttribute":
                        from = attribute.ConstructorArguments.Length > 0 ? attribute.ConstructorArguments[0].Value as string : null;
                        fromLocation = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(ct));
                        if (from is null) incomplete = true;
                        continue;
                    case "NetDsl.ProjectionAttribute":
                        projection = true;
                        continue;
                    case "NetDsl.AuxiliaryHeadAttribute":
                        auxiliary = new Layers.AttributeArguments(attribute).Double("Weight");   // or DefaultWeight
                        continue;
                }
                var layer = LayerReader.Read(property.Name, layers.Count - first, attribute, ct, ref incomplete, out var block);
                if (layer is null) continue;
                layers.Add(layer);
                if (block is not null) blocks.Add(block);
            }

            int count = layers.Count - first;
            bool isStageType = property.Type.ToDisplayString() == StageType;
            if (count == 0 && !isStageType) continue;   // an ordinary property of the user's class

            string? problem = StageProblem(property, isStageType);
            if (problem is not null)
                diagnostics.Add(DiagnosticInfo.Create(Catalog.StageNotPartial, location, property.Name, problem));
            else if (count == 0 && !incomplete)
                diagnostics.Add(DiagnosticInfo.Create(Catalog.EmptyStage, location, property.Name));
            stages.Add(new StageSpec(property.Name, Accessibility(property.DeclaredAccessibility), first, count, from, projection, location, fromLocation, auxiliary));
        }
        return new BodySpec(stages.ToEquatableArray(), layers.ToEquatableArray());
    }

    /// <summary>Properties in source order (file, then position), so stage order is the declaration order.</summary>
    private static IEnumerable<IPropertySymbol> StageCandidates(INamedTypeSymbol type) =>
        type.GetMembers().OfType<IPropertySymbol>()
            .Where(p => p.Locations.Length > 0)
            .OrderBy(p => p.Locations[0].SourceTree?.FilePath ?? "", System.StringComparer.Ordinal)
            .ThenBy(p => p.Locations[0].IsInSource ? p.Locations[0].SourceSpan.Start : 0);

    private static string? StageProblem(IPropertySymbol property, bool isStageType)
    {
        if (!isStageType) return $"its type is {property.Type.ToDisplayString()}";
        if (property.IsStatic) return "it is static";
        if (property.Locations[0].IsInSource && !property.IsPartialDefinition) return "it is not partial";
        if (property.SetMethod is not null) return "it has a setter";
        return null;
    }

    private static string Accessibility(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
