using NetDsl.Runtime.Data;

namespace NetDsl.Runtime.Training;

/// <summary>
/// The confusion matrix of per-pixel class predictions against label maps, and the scores read from it: each class's
/// intersection over union, their mean over the classes present, and pixel accuracy. Pixels labeled
/// <see cref="IgnoreLabel"/> are skipped, as PyTorch's <c>ignore_index</c> and the VOC benchmark skip them.
/// </summary>
public sealed class SegmentationMetrics
{
    private readonly long[] _counts;

    /// <param name="classes">Labels and predictions lie in [0, classes).</param>
    /// <param name="ignoreLabel">Pixels with this label are not counted.</param>
    public SegmentationMetrics(int classes, int ignoreLabel = TargetSpec.DefaultIgnoreLabel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        if ((uint)ignoreLabel < (uint)classes)
            throw new ArgumentOutOfRangeException(nameof(ignoreLabel), ignoreLabel, $"The ignore label must not be one of the {classes} class indices.");
        Classes = classes;
        IgnoreLabel = ignoreLabel;
        _counts = new long[classes * classes];
    }

    /// <summary>Metrics for the label maps a network trains against (<see cref="TargetKind.ClassMap"/>).</summary>
    public static SegmentationMetrics For(TargetSpec targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Kind != TargetKind.ClassMap)
            throw new ArgumentException($"Segmentation metrics need per-pixel label maps, not {targets}.", nameof(targets));
        return new SegmentationMetrics(targets.Classes, targets.IgnoreLabel);
    }

    public int Classes { get; }
    public int IgnoreLabel { get; }

    /// <summary>Labeled pixels counted so far.</summary>
    public long Pixels { get; private set; }

    /// <summary>Pixels of class <paramref name="truth"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int truth, int predicted] => _counts[truth * Classes + predicted];

    /// <summary>Counts predicted class maps against label maps of the same length.</summary>
    public void Add(ReadOnlySpan<int> predicted, ReadOnlySpan<int> labels)
    {
        if (predicted.Length != labels.Length)
            throw new ArgumentException($"{predicted.Length} predictions for {labels.Length} labels; they must be the same length.");
        for (int p = 0; p < labels.Length; p++)
        {
            if (labels[p] == IgnoreLabel) continue;
            CheckClass(labels[p], "label");
            CheckClass(predicted[p], "prediction");
            _counts[labels[p] * Classes + predicted[p]]++;
            Pixels++;
        }
    }

    /// <summary>
    /// Counts the argmax over classes of <paramref name="logits"/>, (N, Classes, H, W) back to back, against (N, H, W)
    /// <paramref name="labels"/>; ties go to the lower class, as PyTorch's argmax does.
    /// </summary>
    public void AddLogits(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int pixelsPerSample)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pixelsPerSample, 1);
        if (labels.Length % pixelsPerSample != 0 || logits.Length != labels.Length * Classes)
            throw new ArgumentException(
                $"{labels.Length} labels are not whole maps of {pixelsPerSample} pixels with {Classes} logits each ({labels.Length * Classes}); got {logits.Length} logits.");
        int samples = labels.Length / pixelsPerSample;
        Span<int> predicted = pixelsPerSample <= 4096 ? stackalloc int[pixelsPerSample] : new int[pixelsPerSample];
        for (int n = 0; n < samples; n++)
        {
            var z = logits.Slice(n * Classes * pixelsPerSample, Classes * pixelsPerSample);
            for (int p = 0; p < pixelsPerSample; p++)
            {
                int best = 0;
                for (int c = 1; c < Classes; c++)
                    if (z[c * pixelsPerSample + p] > z[best * pixelsPerSample + p]) best = c;
                predicted[p] = best;
            }
            Add(predicted, labels.Slice(n * pixelsPerSample, pixelsPerSample));
        }
    }

    /// <summary>
    /// Intersection over union of class <paramref name="c"/>: pixels labeled and predicted c over pixels labeled or
    /// predicted c. NaN when neither happened, so the class does not count in <see cref="MeanIoU"/>.
    /// </summary>
    public double IoU(int c)
    {
        CheckClass(c, "class");
        long labeled = 0, predicted = 0;
        for (int k = 0; k < Classes; k++)
        {
            labeled += this[c, k];
            predicted += this[k, c];
        }
        long union = labeled + predicted - this[c, c];
        return union == 0 ? double.NaN : (double)this[c, c] / union;
    }

    /// <summary>The mean of <see cref="IoU"/> over the classes labeled or predicted at least once; NaN before any pixel.</summary>
    public double MeanIoU
    {
        get
        {
            double sum = 0;
            int present = 0;
            for (int c = 0; c < Classes; c++)
            {
                double iou = IoU(c);
                if (double.IsNaN(iou)) continue;
                sum += iou;
                present++;
            }
            return present == 0 ? double.NaN : sum / present;
        }
    }

    /// <summary>The share of labeled pixels predicted right; NaN before any pixel.</summary>
    public double PixelAccuracy
    {
        get
        {
            long right = 0;
            for (int c = 0; c < Classes; c++) right += this[c, c];
            return Pixels == 0 ? double.NaN : (double)right / Pixels;
        }
    }

    /// <summary>
    /// Runs <paramref name="network"/> with <paramref name="parameters"/> over every sample of <paramref name="data"/>
    /// (inference: no dropout, BatchNorm's running statistics) and counts its predictions. A GPU trainer's parameters
    /// can be read into a buffer (<see cref="ITrainer.ReadParameters"/>) and measured here.
    /// </summary>
    public static SegmentationMetrics Measure(ICpuNetwork network, float[] parameters, IBatchSource data, int batchSize = 256, int? workers = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var targets = network.Layout.Targets;
        var metrics = For(targets);
        if (parameters.Length != network.Description.ParameterCount)
            throw new ArgumentException($"Network '{network.Description.Name}' has {network.Description.ParameterCount} parameters, but the buffer holds {parameters.Length}.",
                nameof(parameters));
        EpochLoop.CheckFits(network.Description, data);

        var pass = new ParallelPass(network, parameters, Math.Min(batchSize, Math.Max(data.Count, 1)), workers ?? Environment.ProcessorCount);
        using var ws = pass.Workspace;   // its worker threads end with the measurement
        var indices = new int[ws.Capacity];
        for (int start = 0; start < data.Count; start += ws.Capacity)
        {
            int count = Math.Min(ws.Capacity, data.Count - start);
            for (int i = 0; i < count; i++) indices[i] = start + i;
            BatchTargets.Fill(data, targets, indices.AsSpan(0, count), ws.Input(0, count), ws.LabelsOf(0, count), ws.TargetsOf(0, count));
            ws.BatchSize = count;
            ws.Training = false;
            ws.HasLabels = false;
            pass.Run(count, backward: false);
            metrics.AddLogits(ws.Logits(0, count), ws.LabelsOf(0, count), targets.Shape.Height * targets.Shape.Width);
        }
        return metrics;
    }

    private void CheckClass(int value, string what)
    {
        if ((uint)value >= (uint)Classes)
            throw new ArgumentOutOfRangeException(what, value, $"A {what} must lie in [0, {Classes}) or be the ignore label {IgnoreLabel}.");
    }
}
