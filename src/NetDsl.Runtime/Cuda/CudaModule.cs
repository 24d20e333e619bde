using static NetDsl.Runtime.Cuda.CudaApi;

namespace NetDsl.Runtime.Cuda;

/// <summary>A loaded CUBIN or PTX image and the kernels in it.</summary>
public sealed unsafe class CudaModule : CudaResource
{
    const int JitLogBytes = 16 << 10;

    readonly CUmodule _handle;

    internal CudaModule(CudaDevice device, KernelImage image, string name) : base(device)
    {
        Name = name;
        Image = image;
        // PTX is read up to its NUL; NVRTC's includes it, but an image from elsewhere may not.
        byte[] bytes = image.Kind == KernelImageKind.Ptx && (image.Bytes.Length == 0 || image.Bytes[^1] != 0)
            ? [.. image.Bytes, 0]
            : image.Bytes;
        byte[] jitLog = new byte[JitLogBytes];
        var options = stackalloc CUjit_option[] { CUjit_option.CU_JIT_ERROR_LOG_BUFFER, CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES };
        var values = stackalloc void*[2];
        CUresult result;
        fixed (byte* data = bytes)
        fixed (byte* log = jitLog)
        {
            values[0] = log;
            values[1] = (void*)(nint)JitLogBytes; // An unsigned int passed in the pointer itself, as cuda.h specifies.
            result = cuModuleLoadDataEx(out _handle, data, 2, options, values);
        }
        if (result != CUresult.CUDA_SUCCESS)
            throw new CudaException(result, $"cuModuleLoadDataEx({name})", LoadFailureDetails(result, image, device, Utf8.Terminated(jitLog)));
    }

    /// <summary>The name given at load, used in errors.</summary>
    public string Name { get; }

    public KernelImage Image { get; }

    public CUmodule Handle
    {
        get
        {
            ThrowIfDisposed();
            return _handle;
        }
    }

    /// <summary>The kernel named <paramref name="name"/> (its extern "C" name), or an error naming it and this module.</summary>
    public CudaKernel GetKernel(string name)
    {
        var result = cuModuleGetFunction(out var function, Handle, name);
        if (result == CUresult.CUDA_ERROR_NOT_FOUND)
            throw new CudaException(result, $"cuModuleGetFunction({name})",
                $"Module {Name} has no kernel named {name}. Kernels are found by their extern \"C\" name; a kernel declared without extern \"C\" has a mangled one.");
        if (result != CUresult.CUDA_SUCCESS) throw new CudaException(result, $"cuModuleGetFunction({name}) in module {Name}");
        return new CudaKernel(this, function, name);
    }

    private protected override void Release() => _ = cuModuleUnload(_handle);

    static string LoadFailureDetails(CUresult result, KernelImage image, CudaDevice device, string jitLog)
    {
        string context = $"The image is {image.Kind} for {image.Target}; the GPU is {device.ComputeCapability.RealArchitecture} with a driver for CUDA {device.DriverVersion}.";
        if (result is CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION or CUresult.CUDA_ERROR_INVALID_PTX)
            context += $" PTX from an NVRTC newer than the driver is rejected: update the driver or set {CudaLibraries.NvrtcVariable} to an NVRTC no newer than CUDA {device.DriverVersion}.";
        return jitLog.Length == 0 ? context : $"{context}\nJIT log:\n{jitLog}";
    }
}
