namespace NetDsl.Runtime.Training;

/// <summary>
/// Runs the network over the first samples of one workspace, split into contiguous, even ranges, one per worker,
/// and scores each sample's outputs against its targets.
/// </summary>
internal sealed class ParallelPass
{
    private readonly ICpuNetwork _network;
    private readonly float[] _parameters;
    private readonly Action<int, int, int> _runWorker;
    private bool _backward;

    public ParallelPass(ICpuNetwork network, float[] parameters, int capacity, int workers)
    {
        _network = network;
        _parameters = parameters;
        _runWorker = RunWorker;
        Workspace = new Workspace<float>(network.Layout, parameters.Length, capacity, workers);
        Scores = new SampleScore[capacity];
    }

    public Workspace<float> Workspace { get; }

    /// <summary>Per sample, what its loss counted and how its true classes ranked. Set when the workspace has labels.</summary>
    public SampleScore[] Scores { get; }

    /// <summary>Forward (and backward) over samples [0, count); a batch smaller than the worker count leaves some ranges empty.</summary>
    public void Run(int count, bool backward)
    {
        _backward = backward;
        Workspace.Run(count, _runWorker);
    }

    private void RunWorker(int worker, int n0, int n1)
    {
        _network.Forward<float>(_parameters, Workspace, worker, n0, n1);
        if (Workspace.HasLabels) Score(n0, n1);
        if (_backward) _network.Backward<float>(_parameters, Workspace, worker, n0, n1);
    }

    private void Score(int n0, int n1) =>
        BatchTargets.Score(Workspace.Layout.Targets, Workspace.Layout.OutputSize, Workspace.Logits(n0, n1), Workspace.LabelsOf(n0, n1), Scores.AsSpan(n0, n1 - n0));
}
