namespace NetDsl.Runtime.Cuda;

/// <summary>A CUDA release, as the driver and NVRTC report it.</summary>
public readonly record struct CudaVersion(int Major, int Minor) : IComparable<CudaVersion>
{
    /// <summary>cuDriverGetVersion's encoding: 1000 × major + 10 × minor (12040 is 12.4).</summary>
    public static CudaVersion FromDriverEncoding(int version) => new(version / 1000, version % 1000 / 10);

    public int CompareTo(CudaVersion other) => (Major, Minor).CompareTo((other.Major, other.Minor));

    public static bool operator <(CudaVersion left, CudaVersion right) => left.CompareTo(right) < 0;
    public static bool operator >(CudaVersion left, CudaVersion right) => left.CompareTo(right) > 0;
    public static bool operator <=(CudaVersion left, CudaVersion right) => left.CompareTo(right) <= 0;
    public static bool operator >=(CudaVersion left, CudaVersion right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Major}.{Minor}";
}
