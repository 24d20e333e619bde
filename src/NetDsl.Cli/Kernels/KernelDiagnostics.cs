using NetDsl.Runtime.Cuda;

namespace NetDsl.Cli.Kernels;

/// <summary>
/// The ids of <c>netdsl kernels --format msbuild</c> errors, as the build shows them. Stable: never renumber, only add;
/// docs/diagnostics.md has a section per id.
/// </summary>
internal static class KernelDiagnostics
{
    /// <summary>NVRTC or ptxas rejected the network's GPU program.</summary>
    public const string DoesNotCompile = "NDK001";

    /// <summary>A kernel or device function spills registers to local memory.</summary>
    public const string Spills = "NDK002";

    /// <summary>A kernel's theoretical occupancy is below the floor.</summary>
    public const string LowOccupancy = "NDK003";

    /// <summary>NVRTC is missing, or cannot compile for the architecture.</summary>
    public const string NoCompiler = "NDK004";

    /// <summary>The assembly or one of its networks could not be loaded.</summary>
    public const string BadAssembly = "NDK005";

    public static string For(KernelBudget budget) => budget == KernelBudget.Spills ? Spills : LowOccupancy;
}
