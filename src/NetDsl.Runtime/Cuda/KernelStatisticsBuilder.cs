namespace NetDsl.Runtime.Cuda;

/// <summary>Joins ptxas' report on each compiled unit with the program's launches into per-kernel statistics.</summary>
internal static class KernelStatisticsBuilder
{
    public static (KernelStatistics[] Kernels, DeviceFunctionStatistics[] Functions) Build(
        CudaProgram program, string networkName, ComputeCapability device, IReadOnlyList<CompiledGpuUnit> units)
    {
        var launched = program.Forward.Concat(program.Backward).ToArray();
        var order = launched.Select(l => l.Kernel).Distinct(StringComparer.Ordinal).Select((name, i) => (name, i))
            .ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        // A header's kernels and functions are in every unit that includes it: the first unit's report stands for all.
        var reported = units.SelectMany((unit, index) => PtxasReport.Parse(unit.Log).Select(function => (Function: function, Unit: index)))
            .DistinctBy(x => (x.Function.Name, x.Function.IsKernel)).ToArray();

        var kernels = reported.Where(x => x.Function.IsKernel).Select(x =>
        {
            var f = x.Function;
            var launches = launched.Where(l => l.Kernel == f.Name).ToArray();
            // Grid-stride kernels (block 0) and kernels outside the launch lists (the optimizer's) get the backend's block.
            int threads = launches.Select(l => l.Block).DefaultIfEmpty(0).Max() is > 0 and var block ? block : CudaLaunch.GridStrideThreads;
            int dynamicShared = launches.Select(l => l.SharedBytes).DefaultIfEmpty(0).Max();
            var occupancy = Occupancy.Theoretical(device, threads, f.Registers, f.StaticSharedBytes + dynamicShared);
            return new KernelStatistics(f.Name, x.Unit, f.Registers, f.StackFrameBytes, f.SpillStoreBytes, f.SpillLoadBytes,
                f.StaticSharedBytes, dynamicShared, threads, occupancy);
        }).OrderBy(k => order.GetValueOrDefault(k.Name, int.MaxValue)).ThenBy(k => k.Name, StringComparer.Ordinal).ToArray();

        if (order.Keys.FirstOrDefault(name => kernels.All(k => k.Name != name)) is { } missing)
            throw new InvalidOperationException(
                $"{networkName}'s launch plan names kernel {missing}, but ptxas reported no such kernel for {device.RealArchitecture}.");
        var functions = reported.Where(x => !x.Function.IsKernel).Select(x => new DeviceFunctionStatistics(
            x.Function.Name, x.Unit, x.Function.StackFrameBytes, x.Function.SpillStoreBytes, x.Function.SpillLoadBytes)).ToArray();
        return (kernels, functions);
    }
}
