using System.Diagnostics;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// The one place a network's GPU program becomes NVRTC input, compiled with the options and headers below.
/// <see cref="CudaKernelBackend"/> compiles it for its GPU through the kernel cache;
/// <see cref="Compile"/> compiles them cold for any architecture, without a GPU, and reads ptxas' report on every kernel.
/// </summary>
public static class GpuProgramCompiler
{
    /// <summary>
    /// C++17 for the headers, fast math as the kernels are written for, and ptxas' per-function report (registers,
    /// spills, shared memory) in the log, which <see cref="PtxasReport"/> reads.
    /// </summary>
    public static readonly IReadOnlyList<string> Options = ["--std=c++17", "--use_fast_math", "--ptxas-options=-v"];

    /// <summary>The headers a program includes (<see cref="CudaProgram.Headers"/>), embedded in the runtime assembly.</summary>
    public static IReadOnlyList<(string Name, string Source)> Headers => EmbeddedHeaders.Value;

    static readonly Lazy<IReadOnlyList<(string Name, string Source)>> EmbeddedHeaders = new(() =>
        CudaProgram.Headers.Select(name =>
        {
            using var stream = typeof(GpuProgramCompiler).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"The runtime assembly lacks its embedded CUDA header {name}.");
            return (name, new StreamReader(stream).ReadToEnd());
        }).ToArray());

    /// <summary>The program as NVRTC input: one translation unit, the whole source.</summary>
    /// <param name="extraOptions">NVRTC options after <see cref="Options"/>, e.g. --maxrregcount=128 to try a register cap.</param>
    public static KernelSource Source(CudaProgram program, string networkName, IReadOnlyList<string>? extraOptions = null) =>
        new(program.Source, networkName + ".cu", Headers, [.. Options, .. extraOptions ?? []], networkName);

    /// <summary>
    /// Compiles the program to CUBIN for <paramref name="device"/>, bypassing the kernel cache, and gathers ptxas' figures
    /// per kernel with the program's launch shapes. Throws <see cref="NvrtcCompileException"/> when the source does not
    /// compile, <see cref="CudaUnavailableException"/> without NVRTC.
    /// </summary>
    public static CompiledGpuProgram Compile(
        CudaProgram program, string networkName, ComputeCapability device, IReadOnlyList<string>? extraOptions = null)
    {
        var clock = Stopwatch.StartNew();
        var source = Source(program, networkName, extraOptions);
        var image = Nvrtc.Compile(source.Source, source.Name, source.Headers, source.Options, networkName, device, withPtx: true);
        if (image.Kind != KernelImageKind.Cubin)
            throw new CudaUnavailableException(
                $"NVRTC {Nvrtc.Version} compiles only PTX ({image.Target}) for {device.RealArchitecture}, so ptxas reports nothing " +
                $"on {networkName}'s kernels: use an NVRTC that knows {device.RealArchitecture} (scripts/get-nvrtc.sh).");
        var unit = new CompiledGpuUnit(source, image, image.Ptx!, clock.Elapsed);
        var (kernels, functions) = KernelStatisticsBuilder.Build(program, networkName, device, unit);
        return new CompiledGpuProgram(networkName, device, unit, kernels, functions, clock.Elapsed);
    }
}
