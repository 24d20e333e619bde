namespace NetDsl.Runtime.Training;

/// <summary>
/// Running sums over a pass, in sample order so results do not depend on how a batch was split. The mean loss is per
/// output (or labeled pixel) the losses summed over, as the gradient is; accuracy is over the outputs that have a class.
/// </summary>
internal struct BatchTotals
{
    private double _lossSum;
    private long _counted, _ranked, _top1, _top5;
    public long Samples { get; private set; }
    public readonly double MeanLoss => _lossSum / _counted;
    /// <summary>Top-1 accuracy (pixel accuracy for label maps); NaN for value targets, which have no classes.</summary>
    public readonly double Top1 => _ranked == 0 ? double.NaN : (double)_top1 / _ranked;
    public readonly double Top5 => _ranked == 0 ? double.NaN : (double)_top5 / _ranked;

    public void Add(ReadOnlySpan<float> losses, ReadOnlySpan<SampleScore> scores)
    {
        for (int i = 0; i < losses.Length; i++)
        {
            _lossSum += losses[i];
            (_counted, _ranked, _top1, _top5) = (_counted + scores[i].Counted, _ranked + scores[i].Ranked, _top1 + scores[i].Top1, _top5 + scores[i].Top5);
        }
        Samples += losses.Length;
    }
}
