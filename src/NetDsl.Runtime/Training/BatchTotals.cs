namespace NetDsl.Runtime.Training;

/// <summary>Running sums over a pass, in sample order so results do not depend on how a batch was split.</summary>
internal struct BatchTotals
{
    private double _lossSum;
    private long _top1, _top5;
    public long Samples { get; private set; }
    public readonly double MeanLoss => _lossSum / Samples;
    public readonly double Top1 => (double)_top1 / Samples;
    public readonly double Top5 => (double)_top5 / Samples;

    /// <param name="ranks">Per sample, how many classes rank above the true label.</param>
    public void Add(ReadOnlySpan<float> losses, ReadOnlySpan<int> ranks)
    {
        for (int i = 0; i < losses.Length; i++)
        {
            _lossSum += losses[i];
            if (ranks[i] < 1) _top1++;
            if (ranks[i] < 5) _top5++;
        }
        Samples += losses.Length;
    }
}
