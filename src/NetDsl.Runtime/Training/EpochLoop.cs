using System.Diagnostics;
using NetDsl.Runtime.Data;

namespace NetDsl.Runtime.Training;

/// <summary>Runs batches [first, last) of a sample order, reporting each as it finishes, in order.</summary>
internal delegate void BatchRunner(IBatchSource data, int[] order, int first, int last, CancellationToken ct, BatchFinished finished);

/// <param name="scores">Per sample, what its loss counted and how its true classes ranked.</param>
internal delegate void BatchFinished(int batch, ReadOnlySpan<float> losses, ReadOnlySpan<SampleScore> scores);

/// <summary>
/// What an epoch and an evaluation are around the batches, shared by the CPU and GPU trainers: compatibility checks,
/// the shuffle that depends only on (seed, epoch), where a cancelled epoch resumes, running totals and progress
/// reports. Each trainer supplies only how it runs a range of batches.
/// </summary>
internal sealed class EpochLoop
{
    private static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(250);

    private int[] _order = [];

    /// <summary>Completed epochs.</summary>
    public int Epoch { get; set; }

    /// <summary>Batches of the current epoch finished; non-zero only after a cancelled epoch.</summary>
    public int BatchInEpoch { get; set; }

    public EpochResult Train(ITrainer trainer, ulong seed, IBatchSource data, BatchRunner run, IProgress<TrainingProgress>? progress,
        CancellationToken ct)
    {
        Check(trainer.Network.Description, data);
        int batches = Batches(data, trainer.BatchSize);
        if (BatchInEpoch > batches)
            throw new InvalidOperationException($"The trainer stopped after batch {BatchInEpoch} of epoch {Epoch}, but this data set has only {batches} batches.");
        if (_order.Length != data.Count) _order = new int[data.Count];
        new SplitMix64(SplitMix64.Hash(seed, Trainer.ShuffleStream, (ulong)Epoch)).Permutation(_order);

        var clock = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var totals = new BatchTotals();
        run(data, _order, BatchInEpoch, batches, ct, (batch, losses, ranks) =>
        {
            totals.Add(losses, ranks);
            BatchInEpoch = batch + 1;
            if (progress is not null && (BatchInEpoch == batches || clock.Elapsed - lastReport >= ReportInterval))
            {
                lastReport = clock.Elapsed;
                progress.Report(new TrainingProgress(Epoch, BatchInEpoch, batches, totals.Samples, totals.MeanLoss, totals.Top1,
                    trainer.Optimizer.LearningRate, totals.Samples / Math.Max(lastReport.TotalSeconds, 1e-9), lastReport));
            }
        });
        var result = new EpochResult(Epoch, totals.MeanLoss, totals.Top1, totals.Samples, clock.Elapsed);
        Epoch++;
        BatchInEpoch = 0;
        return result;
    }

    /// <summary>Loss and top-1/top-5 accuracy over the data in order, in batches of <paramref name="batchSize"/>.</summary>
    public static EvaluationResult Evaluate(NetworkDescription network, IBatchSource data, int batchSize, BatchRunner run)
    {
        Check(network, data);
        var inOrder = new int[data.Count];
        for (int i = 0; i < inOrder.Length; i++) inOrder[i] = i;
        var totals = new BatchTotals();
        run(data, inOrder, 0, Batches(data, batchSize), default, (_, losses, ranks) => totals.Add(losses, ranks));
        return new EvaluationResult(totals.MeanLoss, totals.Top1, totals.Top5, totals.Samples);
    }

    /// <summary>The sample indices of batch <paramref name="batch"/> of <paramref name="order"/>; the last may be short.</summary>
    public static ReadOnlySpan<int> Indices(int[] order, int batch, int batchSize) =>
        order.AsSpan(batch * batchSize, Math.Min(batchSize, order.Length - batch * batchSize));

    private static int Batches(IBatchSource data, int batchSize) => (int)((data.Count + (long)batchSize - 1) / batchSize);

    private static void Check(NetworkDescription description, IBatchSource data)
    {
        CheckFits(description, data);
        if (data.Count == 0) throw new ArgumentException("The data set is empty.", nameof(data));
    }

    /// <summary>Throws unless the data's samples and targets are the network's, naming both.</summary>
    public static void CheckFits(NetworkDescription description, IBatchSource data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.SampleShape != description.Input || !description.Targets.Accepts(data.Targets))
            throw new ArgumentException(
                $"The data has samples of shape {data.SampleShape} with {data.Targets}, but network '{description.Name}' " +
                $"takes {description.Input} with {description.Targets}.", nameof(data));
    }
}
