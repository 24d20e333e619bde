namespace NetDsl.Runtime.Cuda;

/// <summary>A program's NVRTC translation unit, compiled.</summary>
/// <param name="Source">What was compiled: the source, its name, headers and options.</param>
/// <param name="Image">The CUBIN.</param>
/// <param name="Ptx">The PTX ptxas assembled the CUBIN from.</param>
/// <param name="Elapsed">How long NVRTC took.</param>
public sealed record CompiledGpuUnit(KernelSource Source, KernelImage Image, string Ptx, TimeSpan Elapsed)
{
    /// <summary>NVRTC's log, with ptxas' report on every function.</summary>
    public string Log => Image.CompileLog;
}

/// <summary>
/// A network's GPU program compiled for one architecture by <see cref="GpuProgramCompiler"/>: its unit, and what
/// ptxas reported on each kernel and device function.
/// </summary>
/// <param name="Kernels">In launch order (forward, backward), then the kernels the launch lists leave out, by name.</param>
/// <param name="WallTime">The whole compile, reading ptxas' report included.</param>
public sealed record CompiledGpuProgram(
    string NetworkName, ComputeCapability Device, CompiledGpuUnit Unit,
    IReadOnlyList<KernelStatistics> Kernels, IReadOnlyList<DeviceFunctionStatistics> Functions, TimeSpan WallTime)
{
    public int MaxRegisters => Kernels.Count == 0 ? 0 : Kernels.Max(k => k.Registers);

    /// <summary>Spill stores and loads over every kernel and device function: a spill anywhere is a spill.</summary>
    public long SpillBytes => Kernels.Sum(k => (long)k.SpillBytes) + Functions.Sum(f => (long)f.SpillBytes);
}
