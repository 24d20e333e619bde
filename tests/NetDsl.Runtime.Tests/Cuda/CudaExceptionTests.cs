using NetDsl.Runtime.Cuda;

namespace NetDsl.Runtime.Tests.Cuda;

public sealed class CudaExceptionTests
{
    static CUresult Fails(CUresult result) => result;

    [Fact]
    public void The_message_names_the_call_the_result_and_the_drivers_description()
    {
        string message = CudaException.Format(
            "CUDA_ERROR_OUT_OF_MEMORY", CUresult.CUDA_ERROR_OUT_OF_MEMORY, "out of memory", "cuMemAlloc_v2(out p, bytes)");

        Assert.Equal("cuMemAlloc_v2(out p, bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory", message);
    }

    [Fact]
    public void Without_a_description_the_message_keeps_the_name_and_number()
    {
        Assert.Equal("cuInit(0) failed: CUDA_ERROR_NO_DEVICE (100)",
            CudaException.Format("CUDA_ERROR_NO_DEVICE", CUresult.CUDA_ERROR_NO_DEVICE, null, "cuInit(0)"));
    }

    [Fact]
    public void Details_follow_on_their_own_lines()
    {
        Assert.Equal("cuModuleLoadDataEx(LeNet5) failed: CUDA_ERROR_INVALID_PTX (218): a PTX JIT compilation failed\nJIT log:\nline 3: bad",
            CudaException.Format("CUDA_ERROR_INVALID_PTX", CUresult.CUDA_ERROR_INVALID_PTX, "a PTX JIT compilation failed",
                "cuModuleLoadDataEx(LeNet5)", "JIT log:\nline 3: bad\n"));
    }

    [Fact]
    public void Check_passes_success_through()
    {
        CudaException.Check(Fails(CUresult.CUDA_SUCCESS));
    }

    [Fact]
    public void Check_reports_the_failing_expression_as_written()
    {
        var e = Assert.Throws<CudaException>(() => CudaException.Check(Fails(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS)));

        Assert.Equal(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS, e.Result);
        Assert.Equal("CUDA_ERROR_ILLEGAL_ADDRESS", e.ErrorName);
        Assert.Equal("Fails(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS)", e.Call);
        Assert.StartsWith("Fails(CUresult.CUDA_ERROR_ILLEGAL_ADDRESS) failed: CUDA_ERROR_ILLEGAL_ADDRESS (700)", e.Message);
    }

    [Fact]
    public void A_code_newer_than_these_bindings_keeps_its_number()
    {
        var e = new CudaException((CUresult)12345, "cuSomething()");

        Assert.Equal("CUresult 12345", e.ErrorName);
        Assert.StartsWith("cuSomething() failed: CUresult 12345 (12345)", e.Message);
    }

    [Fact]
    public void Nvrtc_check_reports_the_expression_and_result_name()
    {
        var e = Assert.Throws<NvrtcException>(() => NvrtcException.Check(nvrtcResult.NVRTC_ERROR_INVALID_OPTION));

        Assert.Equal(nvrtcResult.NVRTC_ERROR_INVALID_OPTION, e.Result);
        Assert.Equal("nvrtcResult.NVRTC_ERROR_INVALID_OPTION failed: NVRTC_ERROR_INVALID_OPTION (5)", e.Message);
    }

    [Fact]
    public void A_compile_error_carries_the_log_the_network_and_the_source()
    {
        const string Log = "conv1_forward.cu(12): error: identifier \"x\" is undefined\n1 error detected in the compilation of \"conv1_forward.cu\".\n";

        var e = new NvrtcCompileException("LeNet5", "conv1_forward.cu", Log, ["-std=c++17", "--gpu-architecture=sm_90"]);

        Assert.Equal(nvrtcResult.NVRTC_ERROR_COMPILATION, e.Result);
        Assert.Equal("LeNet5", e.NetworkName);
        Assert.Equal("conv1_forward.cu", e.SourceName);
        Assert.Equal(Log, e.Log);
        Assert.Equal(["-std=c++17", "--gpu-architecture=sm_90"], e.Options);
        Assert.Equal(
            "NVRTC could not compile conv1_forward.cu of network LeNet5 (options: -std=c++17 --gpu-architecture=sm_90):\n" + Log.TrimEnd(),
            e.Message);
        Assert.IsAssignableFrom<NvrtcException>(e);
    }

    [Fact]
    public void A_compile_error_without_a_log_says_so()
    {
        var e = new NvrtcCompileException("LeNet5", "dense_backward.cu", "", []);

        Assert.EndsWith(":\n(NVRTC left no log)", e.Message);
    }

    [Fact]
    public void The_unavailable_message_ends_with_the_cpu_fallback_and_a_remedy()
    {
        Assert.Equal("No CUDA GPU is available: the reason. Use --device cpu, or the remedy.",
            CudaUnavailableException.NoGpu("the reason", "the remedy"));
    }
}
