namespace NetDsl.Generator.Model;

/// <summary>Layer kinds; names match NetDsl.LayerKind so emitted code can use them directly.</summary>
internal enum LayerKind { Conv, MaxPool, AvgPool, Dense, Dropout, Relu, Tanh, Sigmoid }

/// <summary>
/// One layer attribute as written, before any shape is known. Fields a kind doesn't use are zero.
/// Size is the conv's output channels or the dense layer's units.
/// </summary>
internal sealed record LayerSpec(
    string Stage, int Index, LayerKind Kind, int Size, int Kernel, int Stride, int Padding, double Probability,
    LocationInfo? Location);

/// <summary>A stage property: its name and accessibility (the implementation must repeat it) and its layers.</summary>
internal sealed record StageSpec(string Name, string Accessibility, int FirstLayer, int LayerCount, LocationInfo? Location);

/// <summary>Everything the generator read from one [Network] class. Holds no symbols or syntax, so it caches.</summary>
internal sealed record NetworkSpec(
    string? Namespace, string ClassName, EquatableArray<int> Input, int Head, LocationInfo? Location,
    EquatableArray<StageSpec> Stages, EquatableArray<LayerSpec> Layers,
    EquatableArray<DiagnosticInfo> Diagnostics, bool Incomplete)
{
    public string FullName => Namespace is null ? ClassName : Namespace + "." + ClassName;
}
