using NetDsl.Runtime.Cuda;

namespace NetDsl.Cli.Kernels;

/// <summary>
/// <c>--out</c>: per network its CUDA source with the headers beside it (so <c>nvcc -c NAME.cu</c> compiles it
/// standalone), and once compiled its PTX, CUBIN and NVRTC log (ptxas' report), and the kernel table as tab-separated
/// values, for tools (bench/kernels-vs-driver.py checks it against the driver on a GPU; its unit column names the CUBIN).
/// </summary>
internal static class UnitFiles
{
    public static void WriteSource(string directory, KernelSource unit)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, unit.Name), unit.Source);
        foreach (var (name, source) in unit.Headers) File.WriteAllText(Path.Combine(directory, name), source);
    }

    public static void WriteCompiled(string directory, CompiledGpuProgram program)
    {
        var unit = program.Unit;
        File.WriteAllText(PathOf(directory, unit.Source, ".ptx"), unit.Ptx);
        File.WriteAllBytes(PathOf(directory, unit.Source, ".cubin"), unit.Image.Bytes);
        WriteLog(directory, unit.Source, unit.Log);
        string[] header = ["kernel", "unit", "threads", "registers", "stack_frame", "spill_stores", "spill_loads", "static_shared",
            "dynamic_shared", "blocks_per_sm", "active_warps", "max_warps"];
        var rows = program.Kernels.Select(k => string.Join('\t', k.Name, Path.GetFileNameWithoutExtension(unit.Source.Name),
            k.ThreadsPerBlock, k.Registers, k.StackFrameBytes, k.SpillStoreBytes, k.SpillLoadBytes, k.StaticSharedBytes, k.DynamicSharedBytes,
            k.Occupancy.BlocksPerMultiprocessor, k.Occupancy.ActiveWarps, k.Occupancy.MaxWarps));
        File.WriteAllLines(Path.Combine(directory, program.NetworkName + ".kernels.tsv"), [string.Join('\t', header), .. rows]);
    }

    public static void WriteLog(string directory, KernelSource unit, string log) => File.WriteAllText(PathOf(directory, unit, ".log"), log + "\n");

    static string PathOf(string directory, KernelSource unit, string extension) =>
        Path.Combine(directory, Path.GetFileNameWithoutExtension(unit.Name) + extension);
}
