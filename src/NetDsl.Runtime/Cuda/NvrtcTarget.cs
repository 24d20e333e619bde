namespace NetDsl.Runtime.Cuda;

/// <summary>What NVRTC compiles for: machine code for the GPU's own architecture when NVRTC knows it, else PTX.</summary>
/// <param name="Architecture">sm_XY (CUBIN) or compute_XY (PTX).</param>
public readonly record struct NvrtcTarget(string Architecture, KernelImageKind Kind)
{
    public string Option => $"--gpu-architecture={Architecture}";

    /// <summary>
    /// CUBIN for <paramref name="device"/>'s sm_XY when NVRTC supports it (or cannot say, before 11.2); otherwise PTX for
    /// the newest virtual architecture not above it, which the driver JIT-compiles for the GPU (a GPU newer than NVRTC).
    /// A GPU older than everything NVRTC supports cannot be targeted.
    /// </summary>
    public static NvrtcTarget Choose(ComputeCapability device, IReadOnlyList<int>? supported, CudaVersion nvrtcVersion)
    {
        if (supported is null || supported.Contains(device.Number))
            return new(device.RealArchitecture, KernelImageKind.Cubin);
        int? older = supported.Where(number => number < device.Number).Select(number => (int?)number).Max();
        if (older is { } virtualNumber)
            return new($"compute_{virtualNumber}", KernelImageKind.Ptx);
        throw new CudaUnavailableException(CudaUnavailableException.NoGpu(
            $"NVRTC {nvrtcVersion} cannot compile for this GPU's compute capability {device} (it targets sm_{supported.Min()} and newer)",
            $"set {CudaLibraries.NvrtcVariable} to an older NVRTC"));
    }
}
