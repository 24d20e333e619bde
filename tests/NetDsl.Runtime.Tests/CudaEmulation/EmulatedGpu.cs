namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// Tests that run whole generated programs under emulation share this collection, so they never run at once: a
/// network's emulated module is one loaded library per source, and its TF32 rounding switch is that library's.
/// </summary>
[CollectionDefinition(Collection)]
public sealed class EmulatedGpu
{
    public const string Collection = "Emulated GPU programs";
}
