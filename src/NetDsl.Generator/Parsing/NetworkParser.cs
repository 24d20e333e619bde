using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Diagnostics;
using NetDsl.Generator.Model;

namespace NetDsl.Generator.Parsing;

/// <summary>
/// Reads a [Network] class into a <see cref="NetworkSpec"/>. Reports declaration errors (not shapes: that is the
/// checker's job). Never throws on malformed source: an attribute the compiler could not bind marks the spec
/// incomplete, and the compiler's own error stands for it.
/// </summary>
internal static class NetworkParser
{
    private const string StageType = "NetDsl.Stage";

    public static NetworkSpec Parse(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var classNode = (ClassDeclarationSyntax)context.TargetNode;
        var diagnostics = new List<DiagnosticInfo>();
        var classLocation = LocationInfo.From(classNode.Identifier.GetLocation());
        var networkAttribute = context.Attributes[0];
        var attributeLocation = LocationInfo.From(networkAttribute.ApplicationSyntaxReference?.GetSyntax(ct)) ?? classLocation;

        if (!type.DeclaringSyntaxReferences.All(r => r.GetSyntax(ct) is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword)))
            diagnostics.Add(DiagnosticInfo.Create(Catalog.NetworkNotPartial, classLocation, type.Name));
        if (type.ContainingType is not null)
            diagnostics.Add(DiagnosticInfo.Create(Catalog.NetworkNested, classLocation, type.Name, $"nested inside '{type.ContainingType.Name}'"));
        else if (type.IsGenericType)
            diagnostics.Add(DiagnosticInfo.Create(Catalog.NetworkNested, classLocation, type.Name, "generic"));

        bool incomplete = networkAttribute.AttributeConstructor is null;
        var input = ReadInput(networkAttribute, ref incomplete);
        int head = networkAttribute.NamedArguments.FirstOrDefault(a => a.Key == "Head").Value.Value is int h ? h : 0;

        var stages = new List<StageSpec>();
        var layers = new List<LayerSpec>();
        foreach (var property in StageCandidates(type))
        {
            ct.ThrowIfCancellationRequested();
            var location = LocationInfo.From(property.Locations.FirstOrDefault());
            int first = layers.Count;
            foreach (var attribute in property.GetAttributes())
            {
                var layer = LayerReader.Read(property.Name, layers.Count - first, attribute, ct, ref incomplete);
                if (layer is not null) layers.Add(layer);
            }

            int count = layers.Count - first;
            bool isStageType = property.Type.ToDisplayString() == StageType;
            if (count == 0 && !isStageType) continue;   // an ordinary property of the user's class

            string? problem = StageProblem(property, isStageType);
            if (problem is not null)
                diagnostics.Add(DiagnosticInfo.Create(Catalog.StageNotPartial, location, property.Name, problem));
            else if (count == 0 && !incomplete)
                diagnostics.Add(DiagnosticInfo.Create(Catalog.EmptyStage, location, property.Name));
            stages.Add(new StageSpec(property.Name, Accessibility(property.DeclaredAccessibility), first, count, location));
        }

        string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
        return new NetworkSpec(ns, type.Name, input, head, attributeLocation,
            stages.ToEquatableArray(), layers.ToEquatableArray(), diagnostics.ToEquatableArray(), incomplete);
    }

    /// <summary>Properties in source order (file, then position), so stage order is the declaration order.</summary>
    private static IEnumerable<IPropertySymbol> StageCandidates(INamedTypeSymbol type) =>
        type.GetMembers().OfType<IPropertySymbol>()
            .Where(p => p.Locations.Length > 0 && p.Locations[0].IsInSource)
            .OrderBy(p => p.Locations[0].SourceTree!.FilePath, System.StringComparer.Ordinal)
            .ThenBy(p => p.Locations[0].SourceSpan.Start);

    private static EquatableArray<int> ReadInput(AttributeData attribute, ref bool incomplete)
    {
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key != "Input") continue;
            var value = named.Value;
            if (value.IsNull) return EquatableArray<int>.Empty;
            if (value.Kind != TypedConstantKind.Array || value.Values.Any(v => v.Value is not int))
            {
                incomplete = true;
                return EquatableArray<int>.Empty;
            }
            return value.Values.Select(v => (int)v.Value!).ToEquatableArray();
        }
        return EquatableArray<int>.Empty;
    }

    private static string? StageProblem(IPropertySymbol property, bool isStageType)
    {
        if (!isStageType) return $"its type is {property.Type.ToDisplayString()}";
        if (property.IsStatic) return "it is static";
        if (!property.IsPartialDefinition) return "it is not partial";
        if (property.SetMethod is not null) return "it has a setter";
        return null;
    }

    private static string Accessibility(Microsoft.CodeAnalysis.Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Internal => "internal",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "private",
    };
}
