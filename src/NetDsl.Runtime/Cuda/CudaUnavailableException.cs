namespace NetDsl.Runtime.Cuda;

/// <summary>
/// No usable CUDA GPU, driver or NVRTC. The message says what is missing and what to do, e.g. "No CUDA GPU is available:
/// libcuda.so.1 could not be loaded (tried libcuda.so.1, libcuda.so). Use --device cpu, or install the NVIDIA driver."
/// </summary>
public sealed class CudaUnavailableException : Exception
{
    public CudaUnavailableException(string message) : base(message)
    {
    }

    /// <summary>The sentence both <see cref="CudaDevice.TryOpen"/> and <see cref="CudaDevice.Open"/> report.</summary>
    internal static string NoGpu(string problem, string remedy) =>
        $"No CUDA GPU is available: {problem}. Use --device cpu, or {remedy}.";
}
