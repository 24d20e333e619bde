namespace NetDsl.Runtime.Cuda;

public enum KernelImageKind
{
    /// <summary>Machine code for one architecture (sm_XY); loads without a JIT step.</summary>
    Cubin,

    /// <summary>NUL-terminated PTX for a virtual architecture (compute_XY); the driver JIT-compiles it on load.</summary>
    Ptx,
}

/// <summary>A compiled module, ready for <see cref="CudaDevice.LoadModule"/>.</summary>
/// <param name="Target">The architecture it was compiled for, e.g. sm_90 or compute_86.</param>
/// <param name="CompileLog">NVRTC's log: warnings, and ptxas' report per function under --ptxas-options=-v; not kept by <see cref="CudaKernelCache"/>.</param>
public sealed record KernelImage(KernelImageKind Kind, string Target, byte[] Bytes, string CompileLog = "")
{
    /// <summary>The PTX NVRTC generated, when <see cref="Nvrtc"/> was asked for it (withPtx); not kept by <see cref="CudaKernelCache"/>.</summary>
    public string? Ptx { get; init; }
}
