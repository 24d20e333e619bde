using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using NetDsl.Runtime;
using NetDsl.Runtime.Cuda;

namespace NetDsl.Testing.CudaEmulation;

/// <summary>
/// Runs a <see cref="CudaProgram"/> on the CPU: its source compiled with g++ against the emulation header, buffers in
/// native host memory (which plays device memory). Like a CUDA stream, launches, copies and clears run in order on a
/// thread of their own after the call returns, so the host must wait on events before it reads or reuses what they
/// touch; a capture records them as a list that a graph replays. Few blocks per launch: emulated blocks run one
/// after another.
/// </summary>
public sealed unsafe class EmulatedKernelBackend : IKernelBackend
{
    private readonly EmulatedCudaModule _module;
    private readonly BlockingCollection<Action> _queue = new();
    private readonly Thread _stream;
    private List<Action>? _capture;
    private ExceptionDispatchInfo? _failure;   // the first failure on the stream, reported by the next wait

    public EmulatedKernelBackend(CudaProgram program)
    {
        _module = EmulatedCudaModule.Compile(program.Source, CudaEmulationSource.KernelsDirectory);
        _stream = new Thread(RunStream) { IsBackground = true, Name = "emulated CUDA stream" };
        _stream.Start();
    }

    /// <summary>Every kernel launched so far with its dynamic shared memory, in order (replays included).</summary>
    public ConcurrentQueue<(string Kernel, uint SharedBytes)> Launches { get; } = new();

    public IKernelBuffer Allocate(long bytes) => new Buffer(this, Math.Max(bytes, 4));

    public IHostBuffer AllocateHost(long bytes) => new HostBuffer(Math.Max(bytes, 4));

    public (uint Grid, uint Block) Shape(long work) => ((uint)Math.Clamp((work + 63) / 64, 1, 4), 64);

    public void Launch(string kernel, uint grid, uint block, uint sharedBytes, in NetDslArgs args)
    {
        var copy = args;   // a launch takes its arguments by value, as cuLaunchKernel does
        Enqueue(() =>
        {
            Launches.Enqueue((kernel, sharedBytes));
            _module.Launch(kernel, (grid, 1, 1), (block, 1, 1), in copy, sharedBytes);
        });
    }

    public void CopyToDevice(CUdeviceptr destination, nint source, long bytes) =>
        Enqueue(() => NativeMemory.Copy((void*)source, (void*)destination.Value, (nuint)bytes));

    public void CopyToHost(nint destination, CUdeviceptr source, long bytes) =>
        Enqueue(() => NativeMemory.Copy((void*)source.Value, (void*)destination, (nuint)bytes));

    public void Clear(CUdeviceptr destination, long bytes) => Enqueue(() => NativeMemory.Clear((void*)destination.Value, (nuint)bytes));

    public IKernelEvent CreateEvent() => new Event(this);

    public void BeginCapture()
    {
        if (_capture is not null) throw new InvalidOperationException("The stream is already capturing.");
        _capture = [];
    }

    public IKernelGraph EndCapture()
    {
        var recorded = _capture ?? throw new InvalidOperationException("The stream is not capturing.");
        _capture = null;
        return new Graph(this, [.. recorded]);
    }

    public void Synchronize()
    {
        using var passed = new ManualResetEventSlim();
        _queue.Add(passed.Set);
        passed.Wait();
        ThrowFailure();
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _stream.Join();
        _module.Dispose();
    }

    private void Enqueue(Action work)
    {
        if (_capture is not null) _capture.Add(work);
        else _queue.Add(work);
    }

    private void RunStream()
    {
        foreach (var work in _queue.GetConsumingEnumerable())
        {
            try
            {
                // After a failure, like a CUDA context after a fault, the stream runs only its markers.
                if (_failure is null || work.Target is ManualResetEventSlim) work();
            }
            catch (Exception e)
            {
                _failure ??= ExceptionDispatchInfo.Capture(e);
            }
        }
    }

    private void ThrowFailure()
    {
        var failure = Interlocked.Exchange(ref _failure, null);
        failure?.Throw();
    }

    private sealed class Buffer(EmulatedKernelBackend backend, long bytes) : IKernelBuffer
    {
        private readonly byte* _memory = (byte*)NativeMemory.AllocZeroed((nuint)bytes);

        public CUdeviceptr Pointer => new((ulong)_memory);

        // Synchronous copies wait for the stream first, as cuMemcpy does for a blocking stream.
        public void Upload<T>(ReadOnlySpan<T> source, long index = 0) where T : unmanaged
        {
            backend.Synchronize();
            source.CopyTo(Span<T>(index, source.Length));
        }

        public void Download<T>(Span<T> destination, long index = 0) where T : unmanaged
        {
            backend.Synchronize();
            Span<T>(index, destination.Length).CopyTo(destination);
        }

        public void Clear()
        {
            backend.Synchronize();
            NativeMemory.Clear(_memory, (nuint)bytes);
        }

        public void Dispose() => NativeMemory.Free(_memory);

        private Span<T> Span<T>(long index, int count) where T : unmanaged
        {
            if (index < 0 || (index + count) * sizeof(T) > bytes) throw new ArgumentOutOfRangeException(nameof(index));
            return new Span<T>(_memory + index * sizeof(T), count);
        }
    }

    private sealed class HostBuffer(long bytes) : IHostBuffer
    {
        public nint Pointer { get; } = (nint)NativeMemory.AllocZeroed((nuint)bytes);
        public long Bytes => bytes;
        public void Dispose() => NativeMemory.Free((void*)Pointer);
    }

    private sealed class Event(EmulatedKernelBackend backend) : IKernelEvent
    {
        private ManualResetEventSlim? _mark;

        public void Record()
        {
            var mark = new ManualResetEventSlim();
            backend._queue.Add(mark.Set);
            _mark = mark;
        }

        public void Wait()
        {
            _mark?.Wait();
            backend.ThrowFailure();
        }

        public void Dispose() { }
    }

    private sealed class Graph(EmulatedKernelBackend backend, Action[] work) : IKernelGraph
    {
        public void Launch()
        {
            foreach (var w in work) backend.Enqueue(w);
        }

        public void Dispose() { }
    }
}
