using System.Runtime.ExceptionServices;

namespace NetDsl.Runtime;

/// <summary>
/// Runs one body per worker on threads that are guaranteed to run at the same time (the caller is worker 0), so
/// generated code can meet at a barrier, as BatchNorm does to share batch statistics. The threads persist between
/// runs: a training step allocates nothing and pays no thread start-up.
/// </summary>
internal sealed class WorkerTeam : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly CountdownEvent _finished;
    private Barrier _barrier;
    private Action<int>? _body;
    private ExceptionDispatchInfo? _error;
    private volatile bool _disposed;

    public WorkerTeam(int workers)
    {
        Workers = workers;
        _barrier = new Barrier(workers);
        _finished = new CountdownEvent(workers - 1);
        _start = Enumerable.Range(0, workers).Select(_ => new SemaphoreSlim(0)).ToArray();
        _threads = Enumerable.Range(1, workers - 1).Select(w =>
        {
            var thread = new Thread(() => Loop(w)) { IsBackground = true, Name = $"NetDsl worker {w}" };
            thread.Start();
            return thread;
        }).ToArray();
    }

    public int Workers { get; }

    /// <summary>Runs <paramref name="body"/>(worker) for every worker concurrently; rethrows the first failure.</summary>
    public void Run(Action<int> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _body = body;
        _error = null;
        _finished.Reset();
        for (int w = 1; w < Workers; w++) _start[w].Release();
        RunOne(0);
        _finished.Wait();
        if (_error is { } error)
        {
            _barrier = new Barrier(Workers);   // a failed worker left the old one; start the next run clean
            error.Throw();
        }
    }

    /// <summary>Waits until every worker reaches this point.</summary>
    public void Synchronize() => _barrier.SignalAndWait();

    private void Loop(int worker)
    {
        while (true)
        {
            _start[worker].Wait();
            if (_disposed) return;
            RunOne(worker);
            _finished.Signal();
        }
    }

    private void RunOne(int worker)
    {
        try
        {
            _body!(worker);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
            _barrier.RemoveParticipant();   // so the others do not wait for this worker at a barrier
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int w = 1; w < Workers; w++) _start[w].Release();
    }
}
