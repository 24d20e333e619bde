using System.CommandLine;
using System.Reflection;
using NetDsl.Cli.Kernels;
using NetDsl.Networks;
using NetDsl.Runtime;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Cli.Commands;

/// <summary>
/// <c>netdsl kernels NET</c>: compiles a network's whole GPU program with NVRTC for an architecture, cold (no kernel
/// cache) and without a GPU, and reports ptxas' figures per kernel, the theoretical occupancy and the
/// <see cref="KernelBudgets"/>. <c>--assembly</c> does it for every network of a built assembly: what a build with
/// <c>NetDslCompileKernels</c> runs, with <c>--format msbuild</c>.
/// </summary>
internal static class KernelsCommand
{
    private sealed record Settings(string? Network, string? Assembly, string Arch, string? Output, string Format, double? MinOccupancy, string[] NvrtcOptions);

    public static Command Create()
    {
        var network = new Argument<string?>("network")
        {
            Description = $"The network to compile: {string.Join(", ", Zoo.Names)}.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var assembly = new Option<string?>("--assembly") { Description = "Compile every network of this built assembly instead of a zoo network." };
        var arch = new Option<string>("--arch") { Description = "The GPU architecture to compile for.", DefaultValueFactory = _ => "sm_90" };
        arch.AcceptOnlyFromAmong("sm_80", "sm_90");
        var output = new Option<string?>("--out") { Description = "Folder for the CUDA source (with its headers), PTX, CUBIN and log." };
        var format = new Option<string>("--format") { Description = "table, or msbuild for canonical error lines.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "msbuild");
        var minOccupancy = new Option<double?>("--min-occupancy")
        {
            Description = $"Theoretical occupancy every kernel must reach, in percent (default: {KernelBudgets.Sm90OccupancyFloor * 100} on sm_90, none on sm_80).",
        };
        var nvrtcOptions = new Option<string[]>("--nvrtc-option")
        {
            Description = "An extra NVRTC option, repeatable: --nvrtc-option=--maxrregcount=128.",
            DefaultValueFactory = _ => [],
        };
        var command = new Command("kernels", "Compile a network's GPU program with NVRTC (no GPU needed) and report registers, spills, shared memory and occupancy per kernel.")
        {
            network, assembly, arch, output, format, minOccupancy, nvrtcOptions,
        };
        command.SetAction(result =>
        {
            var settings = new Settings(result.GetValue(network), result.GetValue(assembly), result.GetValue(arch)!, result.GetValue(output),
                result.GetValue(format)!, result.GetValue(minOccupancy), result.GetValue(nvrtcOptions)!);
            return settings.Format == "msbuild" ? GuardForMsBuild(settings) : CommonOptions.Guard(() => Run(settings, new TableReport()));
        });
        return command;
    }

    private static int Run(Settings s, KernelsReport report)
    {
        if ((s.Network is null) == (s.Assembly is null)) throw new ArgumentException("Name a zoo network or pass --assembly PATH (one of the two).");
        var device = ComputeCapability.FromNumber(int.Parse(s.Arch["sm_".Length..]));
        var budgets = KernelBudgets.For(device);
        if (s.MinOccupancy is { } percent) budgets = budgets with { MinimumOccupancy = percent / 100 };
        var targets = s.Assembly is { } path ? NetworkAssembly.Load(path) : [ZooTarget(s.Network!)];
        if (targets.Count == 0) report.Note($"netdsl kernels: no networks in {s.Assembly}.");

        int failed = 0;
        foreach (var target in targets)
        {
            var source = GpuProgramCompiler.Source(target.Program, target.NetworkName, s.NvrtcOptions);
            if (s.Output is not null) UnitFiles.WriteSource(s.Output, source);
            try
            {
                var program = GpuProgramCompiler.Compile(target.Program, target.NetworkName, device, s.NvrtcOptions);
                if (s.Output is not null) UnitFiles.WriteCompiled(s.Output, program);
                var violations = budgets.Check(program);
                report.Compiled(target, program, budgets, violations);
                failed += violations.Count > 0 ? 1 : 0;
            }
            catch (NvrtcCompileException e)
            {
                if (s.Output is not null) UnitFiles.WriteLog(s.Output, source, e.Log);
                report.DidNotCompile(target, device, e);
                failed++;
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static KernelsTarget ZooTarget(string name)
    {
        var network = Zoo.Create(name);
        return KernelsTarget.From((IGpuNetwork)network, Zoo.Names.First(known => string.Equals(known, name, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>In a build every failure must be a canonical error line, or MSBuild reports only an exit code.</summary>
    private static int GuardForMsBuild(Settings settings)
    {
        var report = new MsBuildReport();
        try
        {
            return Run(settings, report);
        }
        catch (Exception e) when (e is CudaUnavailableException or NvrtcException)   // no NVRTC, or one that cannot work
        {
            report.Failed(KernelDiagnostics.NoCompiler, e.Message);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or ArgumentException or TargetInvocationException or MissingMethodException)
        {
            report.Failed(KernelDiagnostics.BadAssembly, (e as TargetInvocationException)?.InnerException?.Message ?? e.Message);
        }
        return 2;
    }
}
