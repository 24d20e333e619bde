using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetDsl.Generator.Checking;
using NetDsl.Generator.Emitting;
using NetDsl.Generator.Model;
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
    public const string BlockStep = "ParseBlock";
    public const string EmitStep = "Emit";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Blocks declared in this compilation: editing one re-checks the networks, through the combined list.
        var blocks = context.SyntaxProvider
            .ForAttributeWithMetadataName("NetDsl.BlockAttribute",
                static (node, _) => node is ClassDeclarationSyntax,
                BlockParser.Parse)
            .WithTrackingName(BlockStep);
        var allBlocks = blocks.Collect().Select(static (list, _) => list.ToEquatableArray());

        var plans = context.SyntaxProvider
            .ForAttributeWithMetadataName("NetDsl.NetworkAttribute",
                static (node, _) => node is ClassDeclarationSyntax,
                NetworkParser.Parse)
            .WithTrackingName(ParseStep)
            .Combine(allBlocks)
            .Select(static (input, _) => ShapeChecker.Check(input.Left, input.Right))
            .WithTrackingName(CheckStep);

        // Shrunk to one bool so compilation-wide changes do not invalidate the plans.
        var hasRuntime = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName("NetDsl.Runtime.ICpuNetwork") is not null)
            .WithTrackingName(RuntimeStep);

        context.RegisterSourceOutput(plans.Combine(hasRuntime).WithTrackingName(EmitStep), static (spc, input) => Emitter.Emit(spc, input.Left, input.Right));
        context.RegisterSourceOutput(blocks, static (spc, block) => Emitter.Emit(spc, block));

        // Diagnostics need the syntax trees (for #pragma and .editorconfig), so only this cheap step sees the compilation.
        var diagnostics = plans.Combine(hasRuntime).Select(static (input, _) => Emitter.DiagnosticsOf(input.Left, input.Right))
            .Collect().Combine(blocks.Select(static (block, _) => block.Diagnostics).Collect())
            .Select(static (all, _) => all.Left.Concat(all.Right).SelectMany(d => d).ToEquatableArray());
        context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider),
            static (spc, input) => Emitter.Report(spc, input.Left, input.Right));
    }
}
