namespace NetDsl.Runtime.Training;

/// <summary>
/// Runs the network over the first samples of one workspace, split into contiguous, even ranges, one per worker,
/// and ranks each sample's true label among its logits for top-k accuracy.
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
        LabelRanks = new int[capacity];
    }

    public Workspace<float> Workspace { get; }

    /// <summary>Per sample, how many classes rank above the true label (0: top-1 correct). Set when the workspace has labels.</summary>
    public int[] LabelRanks { get; }

    /// <summary>Forward (and backward) over samples [0, count); a batch smaller than the worker count leaves some ranges empty.</summary>
    public void Run(int count, bool backward)
    {
        _backward = backward;
        Workspace.Run(count, _runWorker);
    }

    private void RunWorker(int worker, int n0, int n1)
    {
        _network.Forward<float>(_parameters, Workspace, worker, n0, n1);
        if (Workspace.HasLabels) RankLabels(n0, n1);
        if (_backward) _network.Backward<float>(_parameters, Workspace, worker, n0, n1);
    }

    private void RankLabels(int n0, int n1)
    {
        var logits = Workspace.Logits(n0, n1);
        int classes = Workspace.Layout.Classes;
        for (int n = n0; n < n1; n++)
            LabelRanks[n] = RankOf(logits.Slice((n - n0) * classes, classes), Workspace.Labels[n]);
    }

    /// <summary>
    /// The position of <paramref name="label"/> when the logits are sorted in descending order, ties broken by class
    /// index as argmax does. A NaN logit for the label ranks last. The label must be a valid class.
    /// </summary>
    internal static int RankOf(ReadOnlySpan<float> logits, int label)
    {
        float target = logits[label];
        if (float.IsNaN(target)) return logits.Length;
        int rank = 0;
        for (int c = 0; c < logits.Length; c++)
            if (logits[c] > target || (logits[c] == target && c < label)) rank++;
        return rank;
    }
}
