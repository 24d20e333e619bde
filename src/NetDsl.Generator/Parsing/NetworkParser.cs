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
        // Unset arguments take NetworkAttribute's Default… constants, read where they are declared.
        var arguments = new Layers.AttributeArguments(networkAttribute);
        string head = ReadHead(networkAttribute, arguments.Int("Head"));
        int ignoreLabel = arguments.Int("IgnoreLabel");
        bool ignoreLabelSet = networkAttribute.NamedArguments.Any(a => a.Key == "IgnoreLabel");

        var blocks = new List<INamedTypeSymbol>();
        var body = BodyParser.Parse(type, diagnostics, blocks, ct, ref incomplete);
        // Blocks in referenced assemblies cannot change while this compilation is edited: read them now.
        // Blocks in source are read by their own step, so editing one re-checks the networks that use it.
        var referenced = blocks.Where(b => b.Locations.All(l => !l.IsInSource))
            .GroupBy(b => b.ToDisplayString()).Select(g => BlockParser.Parse(g.First(), ct)).ToEquatableArray();

        string? ns = type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString();
        return new NetworkSpec(ns, type.Name, input, head, ignoreLabel, ignoreLabelSet, attributeLocation, body, referenced, diagnostics.ToEquatableArray(), incomplete);
    }

    /// <summary>The Head enum member's name; its number when it names no member (a cast), which the checker reports.</summary>
    private static string ReadHead(AttributeData attribute, int number) =>
        attribute.AttributeClass?.GetMembers("Head").OfType<IPropertySymbol>().FirstOrDefault()?.Type.GetMembers().OfType<IFieldSymbol>()
            .FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, number))?.Name
        ?? number.ToString(System.Globalization.CultureInfo.InvariantCulture);

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
}
