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
/// <param name="CompileLog">NVRTC's warnings, if any; not kept by <see cref="CudaKernelCache"/>.</param>
public sealed record KernelImage(KernelImageKind Kind, string Target, byte[] Bytes, string CompileLog = "");
