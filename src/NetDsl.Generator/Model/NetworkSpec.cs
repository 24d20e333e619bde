namespace NetDsl.Generator.Model;

/// <summary>
/// One layer attribute as written, before any shape is known: its kind (a <see cref="Layers.Layer"/>'s name, or
/// <see cref="UseKind"/> for a block instance) and its typed arguments.
/// </summary>
internal sealed record LayerSpec(string Stage, int Index, string Kind, string? Name, LocationInfo? Location, Layers.LayerArgs Args)
{
    public const string UseKind = "Use";

    public bool IsUse => Kind == UseKind;

    public Layers.Layer Layer => Layers.Layer.Named(Kind);
}

/// <summary>[Use&lt;Block&gt;(arguments)]: a block class, its arguments, the first copy's stride and the number of copies.</summary>
internal sealed record UseArgs(string? Block, EquatableArray<int> Arguments, int Stride, int Repeat) : Layers.LayerArgs;

/// <summary>
/// A stage property: its name, accessibility (the implementation repeats it), input and layers. An auxiliary head
/// has its loss weight (<see cref="AuxiliaryWeight"/>); other stages have none.
/// </summary>
internal sealed record StageSpec(
    string Name, string Accessibility, int FirstLayer, int LayerCount, string? From, bool IsProjection,
    LocationInfo? Location, LocationInfo? FromLocation, double? AuxiliaryWeight = null)
{
    public bool IsAuxiliary => AuxiliaryWeight is not null;
}

/// <summary>The stages and layers of a network or block class, in declaration order.</summary>
internal sealed record BodySpec(EquatableArray<StageSpec> Stages, EquatableArray<LayerSpec> Layers);

/// <summary>A [Block] class: its parameter names and body.</summary>
internal sealed record BlockSpec(string FullName, string Name, EquatableArray<string> Parameters, BodySpec Body,
    EquatableArray<DiagnosticInfo> Diagnostics, bool Incomplete, LocationInfo? Location);

/// <summary>
/// Everything the generator read from one [Network] class. Holds no symbols or syntax, so it caches. Blocks from
/// referenced assemblies are read here; blocks declared in source arrive through their own pipeline step.
/// </summary>
/// <param name="Head">The [Network] Head's enum member name (a <see cref="Heads.Head"/>'s name), or its number when it names none.</param>
/// <param name="IgnoreLabelSet">Whether [Network] sets IgnoreLabel itself, which heads other than the per-pixel one ignore.</param>
internal sealed record NetworkSpec(
    string? Namespace, string ClassName, EquatableArray<int> Input, string Head, int IgnoreLabel, bool IgnoreLabelSet, LocationInfo? Location,
    BodySpec Body, EquatableArray<BlockSpec> ReferencedBlocks,
    EquatableArray<DiagnosticInfo> Diagnostics, bool Incomplete)
{
    public string FullName => Namespace is null ? ClassName : Namespace + "." + ClassName;
    public EquatableArray<StageSpec> Stages => Body.Stages;
    public EquatableArray<LayerSpec> Layers => Body.Layers;
}
