namespace NetDsl.Runtime.Cuda;

/// <summary>A GPU's compute capability, e.g. 9.0 for an H100.</summary>
public readonly record struct ComputeCapability(int Major, int Minor)
{
    /// <summary>NVRTC's number for it: 10 × major + minor (90 for 9.0, 120 for 12.0).</summary>
    public int Number => 10 * Major + Minor;

    /// <summary>The real architecture's name, e.g. sm_90.</summary>
    public string RealArchitecture => $"sm_{Number}";

    public static ComputeCapability FromNumber(int number) => new(number / 10, number % 10);

    public override string ToString() => $"{Major}.{Minor}";
}
