using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Checking;
using NetDsl.Generator.Emitting;
using NetDsl.Generator.Parsing;

namespace NetDsl.Generator;

/// <summary>
/// [Network] class -> <see cref="Model.NetworkSpec"/> (parser) -> <see cref="Model.NetworkPlan"/> (shape checker)
/// -> generated files (emitters). Every value between steps is equatable, so an unrelated edit stops at the parser.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    public const string ParseStep = "Parse";
    public const string CheckStep = "Check";
    public const string RuntimeStep = "HasRuntime";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var plans = context.SyntaxProvider
            .ForAttributeWithMetadataName("NetDsl.NetworkAttribute",
                static (node, _) => node is ClassDeclarationSyntax,
                NetworkParser.Parse)
            .WithTrackingName(ParseStep)
            .Select(static (spec, _) => ShapeChecker.Check(spec))
            .WithTrackingName(CheckStep);

        // Shrunk to one bool so compilation-wide changes do not invalidate the plans.
        var hasRuntime = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName("NetDsl.Runtime.ICpuNetwork") is not null)
            .WithTrackingName(RuntimeStep);

        context.RegisterSourceOutput(plans.Combine(hasRuntime), static (spc, input) => Emitter.Emit(spc, input.Left, input.Right));
    }
}
