namespace NetDsl.Runtime.Cuda;

/// <summary>Joins ptxas' report on the compiled unit with the program's launches into per-kernel statistics.</summary>
internal static class KernelStatisticsBuilder
{
    public static (KernelStatistics[] Kernels, DeviceFunctionStatistics[] Functions) Build(
        CudaProgram program, string networkName, ComputeCapability device, CompiledGpuUnit unit)
    {
        var launched = program.Forward.Concat(program.Backward).ToArray();
        var order = launched.Select(l => l.Kernel).Distinct(StringComparer.Ordinal).Select((name, i) => (name, i))
            .ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        var reported = PtxasReport.Parse(unit.Log);

        var kernels = reported.Where(f => f.IsKernel).Select(f =>
        {
            var launches = launched.Where(l => l.Kernel == f.Name).ToArray();
            // Grid-stride kernels (block 0) and kernels outside the launch lists (the optimizer's) get the backend's block.
            int threads = launches.Select(l => l.Block).DefaultIfEmpty(0).Max() is > 0 and var block ? block : CudaLaunch.GridStrideThreads;
            int dynamicShared = launches.Select(l => l.SharedBytes).DefaultIfEmpty(0).Max();
            var occupancy = Occupancy.Theoretical(device, threads, f.Registers, f.StaticSharedBytes + dynamicShared);
            return new KernelStatistics(f.Name, f.Registers, f.StackFrameBytes, f.SpillStoreBytes, f.SpillLoadBytes,
                f.StaticSharedBytes, dynamicShared, threads, occupancy);
        }).OrderBy(k => order.GetValueOrDefault(k.Name, int.MaxValue)).ThenBy(k => k.Name, StringComparer.Ordinal).ToArray();

        if (order.Keys.FirstOrDefault(name => kernels.All(k => k.Name != name)) is { } missing)
            throw new InvalidOperationException(
                $"{networkName}'s launch plan names kernel {missing}, but ptxas reported no such kernel for {device.RealArchitecture}.");
        var functions = reported.Where(f => !f.IsKernel).Select(f => new DeviceFunctionStatistics(
            f.Name, f.StackFrameBytes, f.SpillStoreBytes, f.SpillLoadBytes)).ToArray();
        return (kernels, functions);
    }
}
