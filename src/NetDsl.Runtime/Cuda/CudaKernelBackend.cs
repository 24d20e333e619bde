using System.Reflection;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// Runs a generated program on a GPU: compiles its source with NVRTC for the device (through the on-disk
/// <see cref="CudaKernelCache"/>), loads the module and launches kernels in order on one stream.
/// </summary>
public sealed class CudaKernelBackend : IKernelBackend
{
    private readonly CudaDevice _device;
    private readonly CudaStream _stream;
    private readonly CudaModule _module;
    private readonly Dictionary<string, CudaKernel> _kernels = new(StringComparer.Ordinal);

    public CudaKernelBackend(CudaDevice device, CudaProgram program, string networkName, CudaKernelCache? cache = null)
    {
        _device = device;
        var source = new KernelSource(program.Source, networkName + ".cu", Headers.Value, ["--std=c++17", "--use_fast_math"], networkName);
        _module = (cache ?? new CudaKernelCache()).LoadModule(device, source);
        _stream = device.CreateStream();
    }

    /// <summary>netdsl_abi.cuh and netdsl_kernels.cuh, embedded in this assembly.</summary>
    public static readonly Lazy<IReadOnlyList<(string Name, string Source)>> Headers = new(() =>
        CudaProgram.Headers.Select(name =>
        {
            using var stream = typeof(CudaKernelBackend).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"The runtime assembly lacks its embedded CUDA header {name}.");
            return (name, new StreamReader(stream).ReadToEnd());
        }).ToArray());

    public IKernelBuffer Allocate(long bytes)
    {
        var buffer = _device.Allocate(Math.Max(bytes, 4));
        buffer.Clear();
        return new Buffer(buffer);
    }

    public (uint Grid, uint Block) Shape(long work) => ((uint)Math.Clamp((work + 255) / 256, 1, 65_535), 256);

    public void Launch(string kernel, uint grid, uint block, uint sharedBytes, in NetDslArgs args)
    {
        if (!_kernels.TryGetValue(kernel, out var function)) _kernels[kernel] = function = _module.GetKernel(kernel);
        function.Launch(_stream, new Dim3(grid), new Dim3(block), in args, sharedBytes);
    }

    public void Synchronize() => _stream.Synchronize();

    public void Dispose()
    {
        _stream.Dispose();
        _module.Dispose();
    }

    private sealed class Buffer(DeviceBuffer buffer) : IKernelBuffer
    {
        public CUdeviceptr Pointer => buffer.Pointer;
        public void Upload<T>(ReadOnlySpan<T> source, long index = 0) where T : unmanaged => buffer.CopyFrom(source, index);
        public void Download<T>(Span<T> destination, long index = 0) where T : unmanaged => buffer.CopyTo(destination, index);
        public void Clear() => buffer.Clear();
        public void Dispose() => buffer.Dispose();
    }
}
