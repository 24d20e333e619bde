using NetDsl.Runtime;

namespace NetDsl.Cli.Kernels;

/// <summary>A network whose GPU program <c>netdsl kernels</c> compiles.</summary>
/// <param name="Name">As the summary line names it: the zoo name as typed, or the class name.</param>
/// <param name="NetworkName">The class name, which NVRTC's messages and the budgets use.</param>
internal sealed record KernelsTarget(string Name, string NetworkName, CudaProgram Program, SourceLocation Declaration)
{
    public static KernelsTarget From(IGpuNetwork network, string? name)
    {
        string className = network is ICpuNetwork cpu ? cpu.Description.Name : network.GetType().Name;
        return new KernelsTarget(name ?? className, className, network.GpuProgram, network.Declaration);
    }
}
