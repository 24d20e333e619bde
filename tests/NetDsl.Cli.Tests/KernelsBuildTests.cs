namespace NetDsl.Cli.Tests;

/// <summary>
/// <c>NetDslCompileKernels</c> in the build loop, on tests/KernelsBuildSample (one small network), with the real NVRTC:
/// a build that meets the budgets passes and prints each network's summary; one that does not fails with MSBuild errors
/// at the [Network] declaration. About 20 s when the repository is built.
/// </summary>
[Collection(nameof(NetdslCollection))]
[Trait("Needs", "NVRTC")]
public class KernelsBuildTests
{
    static readonly string Sample = Path.Combine(Processes.RepositoryRoot, "tests", "KernelsBuildSample", "KernelsBuildSample.csproj");
    static readonly string Stamp = Path.Combine(Processes.RepositoryRoot, "tests", "KernelsBuildSample", "obj", Processes.Configuration, "net10.0", "netdsl-kernels.stamp");

    [Fact]
    public void Kernels_compile_after_the_build_and_a_broken_budget_fails_it_at_the_declaration()
    {
        if (File.Exists(Stamp)) File.Delete(Stamp);   // compile again even if an earlier run passed (a fresh clone has no obj/)

        var passing = Processes.DotnetBuild(Sample, "-p:NetDslCompileKernels=sm_80");
        Assert.True(passing.ExitCode == 0, passing.ToString());
        Assert.Contains(passing.Lines, line => line.Trim().StartsWith("TinyNet sm_80: 6 kernels, max registers ", StringComparison.Ordinal));
        Assert.True(File.Exists(Stamp));

        // Twice: a check that failed is not skipped as up to date by the next build.
        string declaration = Path.Combine(Processes.RepositoryRoot, "tests", "KernelsBuildSample", "TinyNet.cs") + "(6,2): error NDK003: ";
        for (int build = 0; build < 2; build++)
        {
            var failing = Processes.DotnetBuild(Sample, "-p:NetDslCompileKernels=sm_80", "-p:NetDslKernelMinOccupancy=100");
            Assert.True(failing.ExitCode != 0, failing.ToString());
            Assert.Contains(failing.Lines, line => line.StartsWith(declaration + "TinyNet: kernel network_forward reaches a theoretical occupancy of ", StringComparison.Ordinal));
            Assert.DoesNotContain(failing.Lines, line => line.Contains("netdsl kernels failed", StringComparison.Ordinal));
        }
    }
}
