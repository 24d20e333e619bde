using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

public sealed class NvrtcTargetTests
{
    static readonly int[] Nvrtc12 = [50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87, 89, 90];
    static readonly CudaVersion Version = new(12, 4);

    [Fact]
    public void A_gpu_nvrtc_knows_gets_cubin_for_its_own_architecture()
    {
        var target = NvrtcTarget.Choose(new ComputeCapability(9, 0), Nvrtc12, Version);

        Assert.Equal(new NvrtcTarget("sm_90", KernelImageKind.Cubin), target);
        Assert.Equal("--gpu-architecture=sm_90", target.Option);
    }

    [Fact]
    public void A_gpu_newer_than_nvrtc_gets_ptx_for_the_newest_architecture_below_it()
    {
        Assert.Equal(new NvrtcTarget("compute_90", KernelImageKind.Ptx), NvrtcTarget.Choose(new(12, 0), Nvrtc12, Version));
        int[] nvrtc117 = [35, 37, 50, 52, 53, 60, 61, 62, 70, 72, 75, 80, 86, 87]; // Before Ada (8.9) and Hopper (9.0).
        Assert.Equal(new NvrtcTarget("compute_87", KernelImageKind.Ptx), NvrtcTarget.Choose(new(8, 9), nvrtc117, new(11, 7)));
    }

    [Fact]
    public void Without_a_supported_list_the_gpus_own_architecture_is_tried()
    {
        Assert.Equal(new NvrtcTarget("sm_75", KernelImageKind.Cubin), NvrtcTarget.Choose(new(7, 5), null, Version));
    }

    [Fact]
    public void A_gpu_older_than_everything_nvrtc_supports_is_unavailable_with_a_remedy()
    {
        var e = Assert.Throws<CudaUnavailableException>(() => NvrtcTarget.Choose(new(6, 1), [75, 80, 86, 89, 90, 100, 120], new(13, 0)));

        Assert.Equal(
            "No CUDA GPU is available: NVRTC 13.0 cannot compile for this GPU's compute capability 6.1 (it targets sm_75 and newer). " +
            "Use --device cpu, or set NETDSL_NVRTC to an older NVRTC.",
            e.Message);
    }

    [Fact]
    public void Compile_rejects_an_architecture_option_before_loading_nvrtc()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Nvrtc.Compile("", "k.cu", [], ["-std=c++17", "--gpu-architecture=sm_80"], "Net", new ComputeCapability(9, 0)));

        Assert.StartsWith("Leave out '--gpu-architecture=sm_80'", e.Message);
    }

    [Theory]
    [InlineData(12040, 12, 4)]
    [InlineData(11080, 11, 8)]
    [InlineData(13000, 13, 0)]
    [InlineData(12090, 12, 9)]
    public void The_driver_version_decodes_as_cuda_h_encodes_it(int encoded, int major, int minor)
    {
        Assert.Equal(new CudaVersion(major, minor), CudaVersion.FromDriverEncoding(encoded));
    }

    [Fact]
    public void Versions_order_by_major_then_minor()
    {
        Assert.True(new CudaVersion(11, 8) < new CudaVersion(12, 0));
        Assert.True(new CudaVersion(12, 10) > new CudaVersion(12, 9));
        Assert.True(new CudaVersion(11, 4) >= CudaDevice.MinimumDriver);
        Assert.Equal("12.4", new CudaVersion(12, 4).ToString());
    }

    [Theory]
    [InlineData(9, 0, 90, "sm_90")]
    [InlineData(8, 6, 86, "sm_86")]
    [InlineData(12, 0, 120, "sm_120")]
    public void A_compute_capability_numbers_its_architecture(int major, int minor, int number, string architecture)
    {
        var capability = new ComputeCapability(major, minor);

        Assert.Equal(number, capability.Number);
        Assert.Equal(architecture, capability.RealArchitecture);
        Assert.Equal(capability, ComputeCapability.FromNumber(number));
    }
}
