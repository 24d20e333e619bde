using static NetDsl.Runtime.Cuda.CudaApi;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// Runs a generated program on a GPU: compiles it (<see cref="GpuProgramCompiler.Source"/>) with NVRTC for the device
/// (through the on-disk <see cref="CudaKernelCache"/>), loads the module and enqueues launches, copies and clears in
/// order on one stream, which the driver's stream capture records into CUDA graphs.
/// </summary>
public sealed class CudaKernelBackend : IKernelBackend
{
    private readonly CudaDevice _device;
    private readonly CudaStream _stream;
    private readonly CudaModule _module;
    private readonly Dictionary<string, CudaKernel> _kernels = new(StringComparer.Ordinal);
    private readonly SharedMemoryOptIn _sharedMemory;

    public CudaKernelBackend(CudaDevice device, CudaProgram program, string networkName, CudaKernelCache? cache = null)
    {
        _device = device;
        _module = (cache ?? new CudaKernelCache()).LoadModule(device, GpuProgramCompiler.Source(program, networkName));
        _stream = device.CreateStream();
        _sharedMemory = new SharedMemoryOptIn((kernel, bytes) => CudaException.Check(
            cuFuncSetAttribute(Kernel(kernel).Handle, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes)));
    }

    public IKernelBuffer Allocate(long bytes)
    {
        var buffer = _device.Allocate(Math.Max(bytes, 4));
        buffer.Clear();
        return new Buffer(buffer);
    }

    public IHostBuffer AllocateHost(long bytes) => new HostBuffer(_device.AllocatePinned<byte>(checked((int)Math.Max(bytes, 4))));

    public (uint Grid, uint Block) Shape(long work) =>
        ((uint)Math.Clamp((work + CudaLaunch.GridStrideThreads - 1) / CudaLaunch.GridStrideThreads, 1, 65_535), CudaLaunch.GridStrideThreads);

    public void Launch(string kernel, uint grid, uint block, uint sharedBytes, in NetDslArgs args)
    {
        _sharedMemory.Before(kernel, sharedBytes);
        Kernel(kernel).Launch(_stream, new Dim3(grid), new Dim3(block), in args, sharedBytes);
    }

    public unsafe void CopyToDevice(CUdeviceptr destination, nint source, long bytes) =>
        CudaException.Check(cuMemcpyHtoDAsync_v2(destination, (void*)source, (nuint)bytes, _stream.Handle));

    public unsafe void CopyToHost(nint destination, CUdeviceptr source, long bytes) =>
        CudaException.Check(cuMemcpyDtoHAsync_v2((void*)destination, source, (nuint)bytes, _stream.Handle));

    public void Clear(CUdeviceptr destination, long bytes) =>
        CudaException.Check(cuMemsetD8Async(destination, 0, (nuint)bytes, _stream.Handle));

    public IKernelEvent CreateEvent() => new Event(_device.CreateEvent(timing: false), _stream);

    public void BeginCapture() => CudaGraph.BeginCapture(_stream);

    public IKernelGraph EndCapture() => new Graph(CudaGraph.EndCapture(_stream), _stream);

    public void Synchronize() => _stream.Synchronize();

    public void Dispose()
    {
        _stream.Dispose();
        _module.Dispose();
    }

    private CudaKernel Kernel(string name)
    {
        if (!_kernels.TryGetValue(name, out var kernel)) _kernels[name] = kernel = _module.GetKernel(name);
        return kernel;
    }

    private sealed class Buffer(DeviceBuffer buffer) : IKernelBuffer
    {
        public CUdeviceptr Pointer => buffer.Pointer;
        public void Upload<T>(ReadOnlySpan<T> source, long index = 0) where T : unmanaged => buffer.CopyFrom(source, index);
        public void Download<T>(Span<T> destination, long index = 0) where T : unmanaged => buffer.CopyTo(destination, index);
        public void Clear() => buffer.Clear();
        public void Dispose() => buffer.Dispose();
    }

    private sealed unsafe class HostBuffer(PinnedBuffer<byte> pinned) : IHostBuffer
    {
        public nint Pointer => (nint)pinned.Pointer;
        public long Bytes => pinned.Length;
        public void Dispose() => pinned.Dispose();
    }

    private sealed class Event(CudaEvent cudaEvent, CudaStream stream) : IKernelEvent
    {
        public void Record() => cudaEvent.Record(stream);
        public void Wait() => cudaEvent.Synchronize();
        public void Dispose() => cudaEvent.Dispose();
    }

    private sealed class Graph(CudaGraph graph, CudaStream stream) : IKernelGraph
    {
        public void Launch() => graph.Launch(stream);
        public void Dispose() => graph.Dispose();
    }
}
