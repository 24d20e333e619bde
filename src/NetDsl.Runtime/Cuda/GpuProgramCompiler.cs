using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// The one place a network's GPU program becomes NVRTC input: its translation units, compiled with the options and
/// headers below. <see cref="CudaKernelBackend"/> compiles the units for its GPU through the kernel cache;
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

    /// <summary>The program's NVRTC translation units; for now one, the whole source.</summary>
    /// <param name="extraOptions">NVRTC options after <see cref="Options"/>, e.g. --maxrregcount=128 to try a register cap.</param>
    public static IReadOnlyList<KernelSource> Units(CudaProgram program, string networkName, IReadOnlyList<string>? extraOptions = null) =>
        [new KernelSource(program.Source, networkName + ".cu", Headers, [.. Options, .. extraOptions ?? []], networkName)];

    /// <summary>
    /// Compiles every unit to CUBIN for <paramref name="device"/> in parallel, bypassing the kernel cache, and gathers
    /// ptxas' figures per kernel with the program's launch shapes. Throws <see cref="NvrtcCompileException"/> (the first
    /// failing unit's) when the source does not compile, <see cref="CudaUnavailableException"/> without NVRTC.
    /// </summary>
    public static CompiledGpuProgram Compile(
        CudaProgram program, string networkName, ComputeCapability device, IReadOnlyList<string>? extraOptions = null)
    {
        var clock = Stopwatch.StartNew();
        var compiling = Units(program, networkName, extraOptions).Select(unit => Task.Run(() => CompileUnit(unit, device))).ToArray();
        try
        {
            Task.WaitAll(compiling);
        }
        catch (AggregateException)
        {
            ExceptionDispatchInfo.Throw(compiling.First(task => task.IsFaulted).Exception!.InnerException!);
        }
        var units = compiling.Select(task => task.Result).ToArray();
        var (kernels, functions) = KernelStatisticsBuilder.Build(program, networkName, device, units);
        return new CompiledGpuProgram(networkName, device, units, kernels, functions, clock.Elapsed);
    }

    static CompiledGpuUnit CompileUnit(KernelSource unit, ComputeCapability device)
    {
        var clock = Stopwatch.StartNew();
        var image = Nvrtc.Compile(unit.Source, unit.Name, unit.Headers, unit.Options, unit.NetworkName, device, withPtx: true);
        if (image.Kind != KernelImageKind.Cubin)
            throw new CudaUnavailableException(
                $"NVRTC {Nvrtc.Version} compiles only PTX ({image.Target}) for {device.RealArchitecture}, so ptxas reports nothing " +
                $"on {unit.NetworkName}'s kernels: use an NVRTC that knows {device.RealArchitecture} (scripts/get-nvrtc.sh).");
        return new CompiledGpuUnit(unit, image, image.Ptx!, clock.Elapsed);
    }
}
