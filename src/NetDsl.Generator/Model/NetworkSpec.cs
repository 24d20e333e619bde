namespace NetDsl.Generator.Model;

/// <summary>Layer kinds; names match NetDsl.LayerKind so emitted code can use them directly. Use is a block instance.</summary>
internal enum LayerKind { Conv, MaxPool, AvgPool, Dense, Dropout, Relu, Tanh, Sigmoid, BatchNorm, Lrn, GlobalAvgPool, GlobalMaxPool, Concat, Add, Use }

/// <summary>
/// One layer attribute as written, before any shape is known. Fields a kind does not use are zero or null.
/// Size is the conv's output channels, the dense layer's units or the LRN window; SizeExpression replaces it inside
/// blocks. Real holds Dropout's p or BatchNorm's epsilon; Real2 BatchNorm's momentum or LRN's alpha; Real3/Real4 LRN's beta and k.
/// </summary>
internal sealed record LayerSpec(
    string Stage, int Index, LayerKind Kind, string? Name, LocationInfo? Location,
    int Size = 0, string? SizeExpression = null, int Kernel = 0, int Stride = 0, int Padding = 0,
    bool CeilMode = false, bool Strided = false, bool Bias = true,
    double Real = 0, double Real2 = 0, double Real3 = 0, double Real4 = 0,
    EquatableArray<string> Inputs = default, string? Block = null, EquatableArray<int> Arguments = default, int Repeat = 1);

/// <summary>A stage property: its name, accessibility (the implementation repeats it), input and layers.</summary>
internal sealed record StageSpec(
    string Name, string Accessibility, int FirstLayer, int LayerCount, string? From, bool IsProjection,
    LocationInfo? Location, LocationInfo? FromLocation);

/// <summary>The stages and layers of a network or block class, in declaration order.</summary>
internal sealed record BodySpec(EquatableArray<StageSpec> Stages, EquatableArray<LayerSpec> Layers);

/// <summary>A [Block] class: its parameter names and body.</summary>
internal sealed record BlockSpec(string FullName, string Name, EquatableArray<string> Parameters, BodySpec Body,
    EquatableArray<DiagnosticInfo> Diagnostics, bool Incomplete, LocationInfo? Location);

/// <summary>
/// Everything the generator read from one [Network] class. Holds no symbols or syntax, so it caches. Blocks from
/// referenced assemblies are read here; blocks declared in source arrive through their own pipeline step.
/// </summary>
internal sealed record NetworkSpec(
    string? Namespace, string ClassName, EquatableArray<int> Input, int Head, LocationInfo? Location,
    BodySpec Body, EquatableArray<BlockSpec> ReferencedBlocks,
    EquatableArray<DiagnosticInfo> Diagnostics, bool Incomplete)
{
    public string FullName => Namespace is null ? ClassName : Namespace + "." + ClassName;
    public EquatableArray<StageSpec> Stages => Body.Stages;
    public EquatableArray<LayerSpec> Layers => Body.Layers;
}
