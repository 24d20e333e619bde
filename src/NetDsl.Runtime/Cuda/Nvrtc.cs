using static NetDsl.Runtime.Cuda.NvrtcApi;

namespace NetDsl.Runtime.Cuda;

/// <summary>Compiles CUDA C++ at run time with NVRTC, for the GPU the kernels will run on.</summary>
public static unsafe class Nvrtc
{
    static readonly Lazy<(CudaVersion Version, int[]? Architectures)> Info = new(QueryInfo);

    /// <summary>NVRTC's version; loads NVRTC, throwing <see cref="CudaUnavailableException"/> when it is missing.</summary>
    public static CudaVersion Version => LoadedInfo().Version;

    /// <summary>The real architectures NVRTC compiles for (75, 80, 90, ...); null when it is too old to say.</summary>
    public static IReadOnlyList<int>? SupportedArchitectures => LoadedInfo().Architectures;

    /// <summary>
    /// Compiles for the device of the calling thread's current context (a <see cref="CudaDevice"/> opened, or made
    /// current, on this thread). Returns CUBIN for its sm_XY, or PTX where NVRTC predates the GPU.
    /// </summary>
    /// <param name="name">The source's name, used in NVRTC's diagnostics, e.g. "conv1_forward.cu".</param>
    /// <param name="headers">What each <c>#include "Name"</c> resolves to.</param>
    /// <param name="options">NVRTC options without the architecture, which is chosen here.</param>
    /// <param name="networkName">The network the kernel belongs to, for the error when it does not compile.</param>
    public static KernelImage Compile(
        string source, string name, IReadOnlyList<(string Name, string Source)> headers, string[] options, string networkName) =>
        Compile(source, name, headers, options, networkName, CurrentDevice());

    /// <summary>Compiles for a GPU of compute capability <paramref name="device"/>; no GPU or driver is needed.</summary>
    /// <param name="withPtx">Also keep the PTX that a CUBIN was assembled from, in <see cref="KernelImage.Ptx"/>.</param>
    public static KernelImage Compile(
        string source, string name, IReadOnlyList<(string Name, string Source)> headers, IReadOnlyList<string> options,
        string networkName, ComputeCapability device, bool withPtx = false)
    {
        if (options.FirstOrDefault(IsArchitectureOption) is { } architecture)
            throw new ArgumentException($"Leave out '{architecture}': the architecture comes from the device.", nameof(options));
        var target = NvrtcTarget.Choose(device, SupportedArchitectures, Version);
        string[] allOptions = [.. options, target.Option];

        NvrtcException.Check(nvrtcCreateProgram(out var program, source, name, headers.Count,
            headers.Select(h => h.Source).ToArray(), headers.Select(h => h.Name).ToArray()));
        try
        {
            var result = nvrtcCompileProgram(program, allOptions.Length, allOptions);
            string log = Log(program);
            if (result == nvrtcResult.NVRTC_ERROR_COMPILATION)
                throw new NvrtcCompileException(networkName, name, log, allOptions);
            if (result != nvrtcResult.NVRTC_SUCCESS)
                throw new NvrtcException(result,
                    $"nvrtcCompileProgram({name} of network {networkName}) failed: {NvrtcException.Name(result)} ({(int)result}); options: {string.Join(' ', allOptions)}\n{log}".TrimEnd());
            byte[] image = target.Kind == KernelImageKind.Cubin ? Cubin(program) : Ptx(program);
            // nvrtcGetPTX still answers after a real-architecture compile: the CUBIN is assembled from that PTX.
            string? ptx = !withPtx ? null : Utf8.Terminated(target.Kind == KernelImageKind.Ptx ? image : Ptx(program));
            return new KernelImage(target.Kind, target.Architecture, image, log) { Ptx = ptx };
        }
        finally
        {
            _ = nvrtcDestroyProgram(ref program);
        }
    }

    static bool IsArchitectureOption(string option) =>
        option.StartsWith("--gpu-architecture", StringComparison.Ordinal) || option.StartsWith("-arch", StringComparison.Ordinal);

    static string Log(nvrtcProgram program)
    {
        NvrtcException.Check(nvrtcGetProgramLogSize(program, out nuint size));
        if (size <= 1) return "";
        byte[] log = new byte[(int)size];
        fixed (byte* p = log) NvrtcException.Check(nvrtcGetProgramLog(program, p));
        return Utf8.Terminated(log).TrimEnd();
    }

    static byte[] Cubin(nvrtcProgram program)
    {
        NvrtcException.Check(nvrtcGetCUBINSize(program, out nuint size));
        byte[] cubin = new byte[(int)size];
        fixed (byte* p = cubin) NvrtcException.Check(nvrtcGetCUBIN(program, p));
        return cubin;
    }

    static byte[] Ptx(nvrtcProgram program)
    {
        NvrtcException.Check(nvrtcGetPTXSize(program, out nuint size));
        byte[] ptx = new byte[(int)size]; // Includes the NUL that cuModuleLoadData needs.
        fixed (byte* p = ptx) NvrtcException.Check(nvrtcGetPTX(program, p));
        return ptx;
    }

    static ComputeCapability CurrentDevice()
    {
        if (!CudaLibraries.TryLoadDriver(out string reason))
            throw new CudaUnavailableException(CudaUnavailableException.NoGpu(reason, "install the NVIDIA driver"));
        var result = CudaApi.cuCtxGetDevice(out var device);
        if (result != CUresult.CUDA_SUCCESS)
            throw new CudaException(result, "cuCtxGetDevice",
                "Nvrtc.Compile without a compute capability compiles for the current context's GPU: open a CudaDevice on this thread (or call its MakeCurrent) first.");
        CudaException.Check(CudaApi.cuDeviceGetAttribute(out int major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device));
        CudaException.Check(CudaApi.cuDeviceGetAttribute(out int minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device));
        return new(major, minor);
    }

    static (CudaVersion Version, int[]? Architectures) LoadedInfo()
    {
        if (!CudaLibraries.TryLoadNvrtc(out string reason))
            throw new CudaUnavailableException(
                $"NVRTC, the CUDA compiler NetDsl's GPU kernels need, is not available: {reason}. Use --device cpu, or run " +
                $"scripts/get-nvrtc.sh (no GPU needed), or install NVRTC (the CUDA toolkit, or pip install nvidia-cuda-nvrtc), " +
                $"or set {CudaLibraries.NvrtcVariable} to its path.");
        return Info.Value;
    }

    static (CudaVersion, int[]?) QueryInfo()
    {
        NvrtcException.Check(nvrtcVersion(out int major, out int minor));
        try
        {
            NvrtcException.Check(nvrtcGetNumSupportedArchs(out int count));
            int[] architectures = new int[count];
            fixed (int* p = architectures) NvrtcException.Check(nvrtcGetSupportedArchs(p));
            return (new(major, minor), architectures);
        }
        catch (EntryPointNotFoundException)
        {
            return (new(major, minor), null); // Before 11.2.
        }
    }
}
