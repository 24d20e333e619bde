using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace NetDsl.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. Ids are stable: never renumber, only add.
/// Messages name the layer as "Stage: Kind" and show the numbers behind the verdict.
/// </summary>
internal static class Catalog
{
    private const string Category = "NetDsl";
    // docs/diagnostics.md has a section per id; IDEs open the link from the diagnostic.
    private const string HelpRoot = "https://github.com/netdsl/netdsl/blob/main/docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor NetworkNotPartial = Error("NDSL0001",
        "Network class must be partial",
        "Network class '{0}' must be declared partial so the generator can add its forward and backward passes");

    public static readonly DiagnosticDescriptor NetworkNested = Error("NDSL0002",
        "Network class must be a top-level, non-generic class",
        "Network class '{0}' is {1}; declare networks as top-level, non-generic classes");

    public static readonly DiagnosticDescriptor MissingInput = Error("NDSL0003",
        "Network has no input shape",
        "Network '{0}' has no input shape: add Input = new[] {{ channels, height, width }} to [Network]");

    public static readonly DiagnosticDescriptor InvalidInput = Error("NDSL0004",
        "Invalid input shape",
        "Network '{0}': input shape {1} is invalid; expected three positive sizes (channels, height, width)");

    public static readonly DiagnosticDescriptor InvalidArgument = Error("NDSL0005",
        "Invalid layer argument",
        "{0}: {1} {2} is {3}, but must be {4}");

    public static readonly DiagnosticDescriptor KernelTooLarge = Error("NDSL0006",
        "Kernel larger than its padded input",
        "{0}: {1} kernel {2} does not fit the {3}×{4} input from {5} (padding {6}, padded size {7}×{8})");

    public static readonly DiagnosticDescriptor StrideLeavesRemainder = Warning("NDSL0007",
        "Windows leave input rows unread",
        "{0}: {1} kernel {2} stride {3} leaves part of the {4}×{5} input from {6} unread: its windows cover {7} of {8} rows/columns, so the last {9} are ignored");

    public static readonly DiagnosticDescriptor StageNotPartial = Error("NDSL0008",
        "Stage property must be a partial Stage property",
        "Stage '{0}' must be declared as 'public partial Stage {0} {{ get; }}' ({1})");

    public static readonly DiagnosticDescriptor NoLayers = Error("NDSL0009",
        "Network declares no layers",
        "Network '{0}' declares no layers: add partial Stage properties carrying layer attributes such as [Conv(6, Kernel = 5), Relu]");

    public static readonly DiagnosticDescriptor EmptyStage = Error("NDSL0010",
        "Stage has no layers",
        "Stage '{0}' has no layer attributes: add at least one, e.g. [Dense(10)]");

    public static readonly DiagnosticDescriptor TooFewClasses = Error("NDSL0011",
        "Output does not fit the head",
        "Network '{0}' ends in {1} with output {2}; its {3} head needs {4}");

    public static readonly DiagnosticDescriptor TooLarge = Error("NDSL0012",
        "Network too large",
        "Network '{0}' needs {1} {2} per sample, more than a 32-bit offset can address");

    public static readonly DiagnosticDescriptor MissingRuntime = Error("NDSL0013",
        "NetDsl.Runtime is not referenced",
        "Network '{0}' needs the NetDsl.Runtime assembly: add a reference to it so the generated CPU program can run");

    public static readonly DiagnosticDescriptor UnknownStage = Error("NDSL0014",
        "Reference to an unknown stage",
        "{0}: '{1}' is not a stage of {2}; its stages are {3}");

    public static readonly DiagnosticDescriptor Cycle = Error("NDSL0015",
        "Stages form a cycle",
        "Stages of {0} form a cycle: {1}");

    public static readonly DiagnosticDescriptor ConcatMismatch = Error("NDSL0016",
        "Concatenated inputs differ in size",
        "{0}: Concat needs inputs of equal height and width, but {1} is {2} and {3} is {4}");

    public static readonly DiagnosticDescriptor AddMismatch = Error("NDSL0017",
        "Added inputs differ in shape",
        "{0}: Add needs inputs of equal shape, but {1} is {2} and {3} is {4}");

    public static readonly DiagnosticDescriptor UnusedStage = Warning("NDSL0018",
        "Stage is never used",
        "Stage '{0}' of {1} is computed but nothing reads it");

    public static readonly DiagnosticDescriptor BlockArguments = Error("NDSL0019",
        "Wrong block arguments",
        "{0}: block {1} takes {2} argument(s) ({3}), but {4} were given");

    public static readonly DiagnosticDescriptor NotABlock = Error("NDSL0020",
        "Use of a class that is not a block",
        "{0}: {1} is not a [Block] class{2}");

    public static readonly DiagnosticDescriptor InvalidExpression = Error("NDSL0021",
        "Invalid channel expression",
        "{0}: channel expression '{1}' {2}");

    public static readonly DiagnosticDescriptor DuplicateName = Error("NDSL0022",
        "Two layers have the same name",
        "{0}: the layer name '{1}' is already used in {2}");

    public static readonly DiagnosticDescriptor AuxiliaryHeadShape = Error("NDSL0023",
        "Auxiliary head does not match the main output",
        "Auxiliary head '{0}' of network '{1}' {2}");

    public static readonly DiagnosticDescriptor AuxiliaryHeadInBlock = Error("NDSL0024",
        "Auxiliary head inside a block",
        "Block '{0}' marks stage '{1}' as an auxiliary head; only a network's stages can be heads");

    public static readonly DiagnosticDescriptor IgnoreLabelProblem = Warning("NDSL0025",
        "IgnoreLabel has no effect or hides a class",
        "Network '{0}': IgnoreLabel {1} {2}");

    public static readonly IReadOnlyList<DiagnosticDescriptor> All = new[]
    {
        NetworkNotPartial, NetworkNested, MissingInput, InvalidInput, InvalidArgument, KernelTooLarge,
        StrideLeavesRemainder, StageNotPartial, NoLayers, EmptyStage, TooFewClasses, TooLarge, MissingRuntime,
        UnknownStage, Cycle, ConcatMismatch, AddMismatch, UnusedStage, BlockArguments, NotABlock, InvalidExpression,
        DuplicateName, AuxiliaryHeadShape, AuxiliaryHeadInBlock, IgnoreLabelProblem,
    };

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor Find(string id) => ById[id];

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpRoot + id.ToLowerInvariant());

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpRoot + id.ToLowerInvariant());
}
