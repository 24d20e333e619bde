using static NetDsl.Runtime.Cuda.CudaApi;

namespace NetDsl.Runtime.Cuda;

/// <summary>
/// A sequence of launches and copies captured once from a stream and replayed with one call, which saves the per-launch
/// CPU cost of a training step's many small kernels. The replay reuses the captured arguments and addresses.
/// </summary>
public sealed class CudaGraph : CudaResource
{
    readonly CUgraphExec _handle;

    CudaGraph(CudaDevice device, CUgraphExec handle) : base(device)
    {
        _handle = handle;
    }

    /// <summary>
    /// Runs <paramref name="record"/> with <paramref name="stream"/> in capture mode (its work is recorded, not run) and
    /// instantiates the result. Thread-local mode forbids unsafe calls (synchronous copies, allocation) on this thread
    /// only, so other threads' CUDA work is unaffected.
    /// </summary>
    public static CudaGraph Capture(
        CudaStream stream, Action<CudaStream> record,
        CUstreamCaptureMode mode = CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL)
    {
        BeginCapture(stream, mode);
        try
        {
            record(stream);
        }
        catch
        {
            AbandonCapture(stream);
            throw;
        }
        return EndCapture(stream);
    }

    /// <summary>Puts <paramref name="stream"/> in capture mode: its work is recorded until <see cref="EndCapture"/>.</summary>
    public static void BeginCapture(CudaStream stream, CUstreamCaptureMode mode = CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL) =>
        CudaException.Check(cuStreamBeginCapture_v2(stream.Handle, mode));

    /// <summary>Ends the capture and instantiates what it recorded; an invalidated capture (an unsafe call) fails here.</summary>
    public static CudaGraph EndCapture(CudaStream stream)
    {
        CudaException.Check(cuStreamEndCapture(stream.Handle, out var graph));
        try
        {
            CudaException.Check(cuGraphInstantiateWithFlags(out var executable, graph, CUgraphInstantiate_flags.None));
            return new CudaGraph(stream.Device, executable);
        }
        finally
        {
            _ = cuGraphDestroy(graph); // The executable graph no longer needs its template.
        }
    }

    /// <summary>Leaves the stream usable after a failed recording: a stream left in capture mode rejects everything.</summary>
    public static void AbandonCapture(CudaStream stream)
    {
        if (cuStreamEndCapture(stream.Handle, out var partial) == CUresult.CUDA_SUCCESS) _ = cuGraphDestroy(partial);
    }

    public CUgraphExec Handle
    {
        get
        {
            ThrowIfDisposed();
            return _handle;
        }
    }

    public void Launch(CudaStream stream) => CudaException.Check(cuGraphLaunch(Handle, stream.Handle));

    private protected override void Release() => _ = cuGraphExecDestroy(_handle);
}
