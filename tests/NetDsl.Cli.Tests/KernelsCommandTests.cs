using System.Text.RegularExpressions;

namespace NetDsl.Cli.Tests;

/// <summary>
/// <c>netdsl kernels</c> end to end with the real NVRTC (LeNet-5 compiles in about a second). Without NVRTC these fail,
/// naming scripts/get-nvrtc.sh, rather than skip: CI runs that script first.
/// </summary>
[Collection(nameof(NetdslCollection))]
[Trait("Needs", "NVRTC")]
public sealed class KernelsCommandTests : IDisposable
{
    readonly string _out = Directory.CreateTempSubdirectory("netdsl-kernels-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void Lenet5_prints_a_row_per_kernel_ends_with_the_summary_and_writes_each_unit()
    {
        var result = Processes.Netdsl(["kernels", "LeNet5", "--arch", "sm_80", "--out", _out]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^lenet5 sm_80: 6 kernels, max registers \d+, spill bytes 0, compile \d+\.\d s$", result.Lines[^1]);
        Assert.Contains(result.Lines, line => Regex.IsMatch(line, @"^\s*network_forward\s+256\s+\d+\s+0\s+0\s+15,680\s+[\d.]+ %\s+registers\s+[\d.]+ s\s*$"));
        Assert.DoesNotContain('\u001b', result.Output);   // no colour codes into a pipe
        string[] files = ["LeNet5.cu", "LeNet5.ptx", "LeNet5.cubin", "LeNet5.log", "LeNet5.kernels.tsv",
            "netdsl_abi.cuh", "netdsl_kernels.cuh", "netdsl_fused.cuh", "netdsl_tensorcore.cuh"];
        Assert.Equal(files.Order(), Directory.GetFiles(_out).Select(Path.GetFileName).Order());
        Assert.Equal(7, File.ReadAllLines(Path.Combine(_out, "LeNet5.kernels.tsv")).Length);
        Assert.Contains("Compiling entry function 'network_backward' for 'sm_80'", File.ReadAllText(Path.Combine(_out, "LeNet5.log")));
    }

    [Fact]
    public void An_nvrtc_error_is_an_msbuild_error_at_the_network_declaration()
    {
        var result = Processes.Netdsl(["kernels", "lenet5", "--arch", "sm_80", "--format", "msbuild", "--nvrtc-option=--define-macro=NetDslArgs=int"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        var errors = result.Lines.Where(line => line.Contains(": error ")).ToArray();
        Assert.InRange(errors.Length, 1, 11);
        Assert.All(errors, line => Assert.Matches(@"LeNet5\.cs\(\d+,\d+\): error NDK001: LeNet5's GPU program does not compile for sm_80: .+", line));
    }

    [Fact]
    public void A_budget_set_above_what_lenet5_reaches_is_reported_per_kernel()
    {
        var result = Processes.Netdsl(["kernels", "lenet5", "--arch", "sm_80", "--min-occupancy", "100"]);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains(result.Lines, line => line.StartsWith("over budget: LeNet5: kernel network_forward reaches a theoretical occupancy of ", StringComparison.Ordinal));
        Assert.StartsWith("lenet5 sm_80: 6 kernels", result.Lines[^1]);
    }

    /// <summary>
    /// Both NVRTCs scripts/get-nvrtc.sh fetches, each named by its full path (no LD_LIBRARY_PATH): the builtins library
    /// beside it must be loaded first, or every compile fails with NVRTC_ERROR_BUILTIN_OPERATION_FAILURE.
    /// </summary>
    [Theory]
    [InlineData("11.8", "libnvrtc.so.11.2")]
    [InlineData("12.4", "libnvrtc.so.12")]
    public void Each_fetched_nvrtc_named_by_its_path_compiles_resnet50_without_spilling(string version, string library)
    {
        string path = Path.Combine(Processes.RepositoryRoot, ".nvrtc", version, library);
        Assert.True(File.Exists(path), $"{path} is missing: run scripts/get-nvrtc.sh all");

        var result = Processes.Netdsl(["kernels", "resnet50", "--arch", "sm_90"], new Dictionary<string, string> { ["NETDSL_NVRTC"] = path });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^resnet50 sm_90: \d+ kernels, max registers \d+, spill bytes 0, compile \d+\.\d s$", result.Lines[^1]);
    }

    [Fact]
    public void Without_nvrtc_one_line_names_the_script_that_gets_it()
    {
        var missing = new Dictionary<string, string> { ["NETDSL_NVRTC"] = Path.Combine(_out, "libnvrtc.so.12") };

        var table = Processes.Netdsl(["kernels", "lenet5"], missing);
        var msbuild = Processes.Netdsl(["kernels", "lenet5", "--format", "msbuild"], missing);

        Assert.Equal(2, table.ExitCode);
        Assert.Matches("^error: NVRTC, .*scripts/get-nvrtc.sh", Assert.Single(table.Lines));
        Assert.Equal(2, msbuild.ExitCode);
        Assert.Matches("^netdsl: error NDK004: NVRTC, .*scripts/get-nvrtc.sh", Assert.Single(msbuild.Lines));
    }

    [Fact]
    public void Naming_neither_a_network_nor_an_assembly_is_a_usage_error()
    {
        var result = Processes.Netdsl(["kernels"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: Name a zoo network or pass --assembly PATH (one of the two).", Assert.Single(result.Lines));
    }
}

/// <summary>The command and the builds share the CLI's output folder: one at a time.</summary>
[CollectionDefinition(nameof(NetdslCollection))]
public sealed class NetdslCollection;
