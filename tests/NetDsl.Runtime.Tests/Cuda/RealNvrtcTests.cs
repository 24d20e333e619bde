using NetDsl.Networks;
using NetDsl.Runtime.Cuda;
using NetDsl.Runtime.Tests.Networks;

namespace NetDsl.Runtime.Tests.Cuda;

/// <summary>
/// Every GPU program NetDsl generates (the zoo's and the test networks') compiles with the real NVRTC for sm_80 and
/// sm_90, no GPU needed, and stays within <see cref="KernelBudgets"/>: an NVRTC or ptxas error, a spill anywhere, or an
/// sm_90 kernel under the occupancy floor fails. CI runs scripts/get-nvrtc.sh first; without NVRTC these fail (the
/// error names the script) rather than skip. The two architectures are two classes, so xUnit runs them side by side.
/// </summary>
[Trait("Needs", "NVRTC")]
public sealed class RealNvrtcSm80Tests
{
    public static TheoryData<string> Networks => new(GeneratedPrograms.Names);

    [Theory]
    [MemberData(nameof(Networks))]
    public void Compiles_within_budget(string network) => GeneratedPrograms.AssertCompilesWithinBudget(network, new(8, 0));
}

/// <inheritdoc cref="RealNvrtcSm80Tests"/>
[Trait("Needs", "NVRTC")]
public sealed class RealNvrtcSm90Tests
{
    public static TheoryData<string> Networks => new(GeneratedPrograms.Names);

    [Theory]
    [MemberData(nameof(Networks))]
    public void Compiles_within_budget(string network) => GeneratedPrograms.AssertCompilesWithinBudget(network, new(9, 0));
}

/// <summary>Every generated program: the zoo by name, then each network declared in this test assembly by type name.</summary>
internal static class GeneratedPrograms
{
    static readonly IReadOnlyDictionary<string, Func<CudaProgram>> Programs = Zoo.Names
        .Select(name => (name, program: (Func<CudaProgram>)(() => ((IGpuNetwork)Zoo.Create(name)).GpuProgram)))
        .Concat(typeof(EveryLayer).Assembly.GetTypes()
            .Where(type => typeof(IGpuNetwork).IsAssignableFrom(type) && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) is not null)
            .Select(type => (name: type.Name, program: (Func<CudaProgram>)(() => ((IGpuNetwork)Activator.CreateInstance(type)!).GpuProgram))))
        .ToDictionary(p => p.name, p => p.program);

    public static IEnumerable<string> Names => Programs.Keys.Order(StringComparer.Ordinal);

    public static void AssertCompilesWithinBudget(string network, ComputeCapability architecture)
    {
        var compiled = GpuProgramCompiler.Compile(Programs[network](), network, architecture);
        var violations = KernelBudgets.For(architecture).Check(compiled);
        Assert.True(violations.Count == 0, string.Join("\n", violations.Select(v => v.Message)));
        Assert.NotEmpty(compiled.Kernels);
    }
}
