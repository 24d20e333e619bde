using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

/// <summary>
/// Opening a GPU where the driver cannot be loaded. The loader is pinned to candidates that cannot load, so these run
/// the same on machines with and without a GPU.
/// </summary>
public sealed class CudaDeviceUnavailableTests
{
    const string Expected =
        "No CUDA GPU is available: libcuda.so.1 could not be loaded (tried libcuda.so.1, libcuda.so). " +
        "Use --device cpu, or install the NVIDIA driver.";

    /// <summary>The real candidate list for a Linux machine, through a loader that finds nothing.</summary>
    static CudaDevice.DriverLoader NoDriver(LibrarySearchEnvironment env, List<string>? asked = null) => (out string reason) =>
        CudaLibraries.TryLoad(CudaLibraries.DriverCandidates(env), CudaLibraries.DriverSubject(env),
            FakeEnvironment.NothingLoads(asked ?? []), out _, out _, out reason);

    [Fact]
    public void TryOpen_returns_false_naming_what_was_tried_and_the_cpu_fallback()
    {
        var asked = new List<string>();

        bool opened = CudaDevice.TryOpen(NoDriver(FakeEnvironment.Linux(), asked), 0, out var device, out string reason);

        Assert.False(opened);
        Assert.Null(device);
        Assert.Equal(Expected, reason);
        Assert.Equal(["libcuda.so.1", "libcuda.so"], asked);
    }

    [Fact]
    public void TryOpen_names_a_missing_override()
    {
        var env = FakeEnvironment.Linux(new() { ["NETDSL_CUDA_DRIVER"] = "/nonexistent/libcuda.so.1" });

        Assert.False(CudaDevice.TryOpen(NoDriver(env), 0, out _, out string reason));

        Assert.Equal(
            "No CUDA GPU is available: NETDSL_CUDA_DRIVER=/nonexistent/libcuda.so.1 could not be loaded " +
            "(tried /nonexistent/libcuda.so.1: file does not exist). Use --device cpu, or install the NVIDIA driver.",
            reason);
    }

    [Fact]
    public void Open_throws_CudaUnavailableException_with_the_same_message()
    {
        var e = Assert.Throws<CudaUnavailableException>(() => CudaDevice.Open(NoDriver(FakeEnvironment.Linux()), 0));

        Assert.Equal(Expected, e.Message);
    }

    [Fact]
    public void The_public_TryOpen_never_throws_and_either_opens_or_explains()
    {
        // Whatever this machine has: a GPU opens with its properties filled in, anything else is explained.
        if (CudaDevice.TryOpen(out var device, out string reason))
        {
            using (device)
            {
                Assert.Equal("", reason);
                Assert.NotEmpty(device.Name);
                Assert.True(device.ComputeCapability.Major >= 3);
                Assert.True(device.TotalMemoryBytes > 0);
            }
        }
        else
        {
            Assert.Null(device);
            Assert.StartsWith("No CUDA GPU is available: ", reason);
            Assert.EndsWith(".", reason);
            Assert.Contains("Use --device cpu", reason);
        }
    }
}
