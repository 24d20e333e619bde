using NetDsl.Runtime.Training;

namespace NetDsl.Runtime.Tests.Training;

public class TrainerTests
{
    private static readonly Shape Image = new(1, 2, 2);

    private static Trainer MakeTrainer(int workers = 2, int batchSize = 10, ulong seed = 7, double dropout = 0,
        IOptimizer? optimizer = null, ILearningRateSchedule? schedule = null)
    {
        var network = new LinearClassifier(Image, 3, dropout);
        var parameters = new float[network.Description.ParameterCount];
        network.InitializeParameters<float>(parameters, 3);
        return new Trainer(network, parameters, optimizer ?? new Sgd(0.5, momentum: 0.9), batchSize, seed, schedule, workers);
    }

    [Fact]
    public void LearnsASeparableProblem()
    {
        var trainer = MakeTrainer();
        var data = InMemoryBatchSource.Blobs(96);
        var first = trainer.TrainEpoch(data);
        EpochResult last = first;
        for (int epoch = 1; epoch < 5; epoch++) last = trainer.TrainEpoch(data);

        Assert.Equal(96, last.Samples);
        Assert.Equal(4, last.Epoch);
        Assert.True(last.MeanLoss < first.MeanLoss / 4, $"loss {first.MeanLoss} -> {last.MeanLoss}");
        var evaluation = trainer.Evaluate(InMemoryBatchSource.Blobs(60, seed: 2));
        Assert.Equal(1.0, evaluation.Top1Accuracy);
        Assert.True(evaluation.MeanLoss < 0.1, $"loss {evaluation.MeanLoss}");
        Assert.Equal(5, trainer.Epoch);
        Assert.Equal(5 * 10, trainer.Step);
    }

    [Fact]
    public void EvaluationRanksHandMadeLogits()
    {
        // An identity layer over 7 inputs makes the inputs the logits. Dropout must be off in evaluation.
        var network = new LinearClassifier(new Shape(7, 1, 1), 7, dropout: 0.5);
        var parameters = new float[network.Description.ParameterCount];
        for (int c = 0; c < 7; c++) parameters[c * 7 + c] = 1;
        float[][] logits =
        [
            [0, 1, 2, 3, 4, 5, 6], // label 6: rank 0
            [0, 1, 2, 3, 4, 5, 6], // label 2: rank 4, top-5 only
            [0, 1, 2, 3, 4, 5, 6], // label 1: rank 5, neither
            [3, 3, 3, 3, 3, 3, 3], // label 0: ties go to the lower class, rank 0
            [3, 3, 3, 3, 3, 3, 3], // label 5: rank 5, neither
            [9, 0, 0, 0, 0, 0, 0], // label 0: rank 0
            [float.NaN, 0, 0, 0, 0, 0, 0], // label 0: NaN is never right
        ];
        int[] labels = [6, 2, 1, 0, 5, 0, 0];
        var data = new InMemoryBatchSource(new Shape(7, 1, 1), 7, logits.SelectMany(l => l).ToArray(), labels);
        var trainer = new Trainer(network, parameters, new Sgd(0.1), batchSize: 4, workers: 3);

        var result = trainer.Evaluate(data, batchSize: 3);

        Assert.Equal(7, result.Samples);
        Assert.Equal(3.0 / 7, result.Top1Accuracy, 12);
        Assert.Equal(4.0 / 7, result.Top5Accuracy, 12);
        var finite = logits.Take(6).Select((l, i) => Math.Log(l.Sum(v => Math.Exp(v))) - l[labels[i]]);
        Assert.True(double.IsNaN(result.MeanLoss));
        Assert.Equal(finite.Sum() / 6, trainer.Evaluate(Subset(data, 6), batchSize: 300).MeanLoss, 5);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)] // more workers than the batch has samples
    public void WorkerCountOnlyChangesRounding(int workers)
    {
        var data = InMemoryBatchSource.Blobs(23); // batches of 5, 5, 5, 5, 3
        var single = MakeTrainer(workers: 1, batchSize: 5, dropout: 0.25);
        var parallel = MakeTrainer(workers: workers, batchSize: 5, dropout: 0.25);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var a = single.TrainEpoch(data);
            var b = parallel.TrainEpoch(data);
            Assert.Equal(a.MeanLoss, b.MeanLoss, 5);
            Assert.Equal(a.Accuracy, b.Accuracy);
        }
        AssertClose(single.Parameters, parallel.Parameters, 1e-5f);
    }

    [Fact]
    public void SameSeedSameRun_OtherSeedOtherRun()
    {
        var data = InMemoryBatchSource.Blobs(50);
        float[] Train(ulong seed)
        {
            var trainer = MakeTrainer(seed: seed, dropout: 0.25);
            trainer.TrainEpoch(data);
            trainer.TrainEpoch(data);
            return trainer.Parameters;
        }
        Assert.Equal(Train(11), Train(11));
        Assert.NotEqual(Train(11), Train(12));
    }

    [Fact]
    public void EveryEpochVisitsEachSampleOnceInAFreshOrder()
    {
        var data = InMemoryBatchSource.Blobs(23);
        var trainer = MakeTrainer(batchSize: 5);
        trainer.TrainEpoch(data);
        var first = data.Fills.ToList();
        trainer.TrainEpoch(data);
        var second = data.Fills.Skip(first.Count).ToList();

        Assert.Equal([5, 5, 5, 5, 3], first.Select(f => f.Length));
        Assert.Equal(Enumerable.Range(0, 23), first.SelectMany(f => f).Order());
        Assert.Equal(Enumerable.Range(0, 23), second.SelectMany(f => f).Order());
        Assert.NotEqual(first.SelectMany(f => f), second.SelectMany(f => f));
    }

    [Fact]
    public void ResumingFromExportedStateEqualsUninterruptedTraining()
    {
        var data = InMemoryBatchSource.Blobs(40);
        ILearningRateSchedule Schedule() => new LinearWarmup(3, new CosineAnnealing(0.01, 9));
        Trainer Make() => MakeTrainer(batchSize: 10, dropout: 0.25, optimizer: new Adam(), schedule: Schedule());

        var uninterrupted = Make();
        for (int epoch = 0; epoch < 3; epoch++) uninterrupted.TrainEpoch(data);

        var before = Make();
        before.TrainEpoch(data);
        var state = before.ExportState();
        var resumed = Make();
        before.Parameters.CopyTo(resumed.Parameters);
        resumed.ImportState(state);
        resumed.TrainEpoch(data);
        resumed.TrainEpoch(data);

        Assert.Equal(uninterrupted.Parameters, resumed.Parameters);
        Assert.Equal(uninterrupted.ExportState().Step, resumed.ExportState().Step);
        Assert.Equal(3, resumed.Epoch);
    }

    [Fact]
    public void CancellationStopsAfterTheCurrentBatchAndTheEpochCanBeResumed()
    {
        var data = InMemoryBatchSource.Blobs(100);
        var uninterrupted = MakeTrainer(dropout: 0.25);
        uninterrupted.TrainEpoch(data);
        uninterrupted.TrainEpoch(data);

        using var cancel = new CancellationTokenSource();
        data.Fills.Clear();
        data.OnFill = fills => { if (fills == 4) cancel.Cancel(); };
        var interrupted = MakeTrainer(dropout: 0.25);
        Assert.ThrowsAny<OperationCanceledException>(() => interrupted.TrainEpoch(data, ct: cancel.Token));
        Assert.Equal(4, data.Fills.Count);
        Assert.Equal(4, interrupted.Step);
        Assert.Equal(0, interrupted.Epoch);
        data.OnFill = null;

        var resumed = MakeTrainer(dropout: 0.25);
        interrupted.Parameters.CopyTo(resumed.Parameters);
        resumed.ImportState(interrupted.ExportState());
        var rest = resumed.TrainEpoch(data);
        resumed.TrainEpoch(data);

        Assert.Equal(60, rest.Samples);
        Assert.Equal(uninterrupted.Parameters, resumed.Parameters);
    }

    [Fact]
    public void SplitsEachBatchEvenlyAcrossWorkersWithAFreshDropoutSeedPerStep()
    {
        var network = new RecordingNetwork(new LinearClassifier(Image, 3));
        var trainer = new Trainer(network, new float[15], new Sgd(0.1), batchSize: 5, seed: 1, workers: 3);
        var data = InMemoryBatchSource.Blobs(7); // batches of 5 and 2: the second has fewer samples than workers, so one range is empty

        var training = CallsPerBatch(network, data, () => trainer.TrainEpoch(data));
        (int, int, int)[][] ranges = [[(0, 0, 1), (1, 1, 3), (2, 3, 5)], [(0, 0, 0), (1, 0, 1), (2, 1, 2)]];
        for (int batch = 0; batch < 2; batch++)
        {
            var calls = training[batch];
            Assert.Equal(ranges[batch], calls.Where(c => !c.Backward).Select(c => (c.Worker, c.N0, c.N1)).Order());
            Assert.Equal(ranges[batch], calls.Where(c => c.Backward).Select(c => (c.Worker, c.N0, c.N1)).Order());
            Assert.All(calls, c => Assert.True(c.Training && c.HasLabels && c.BatchSize == ranges[batch][^1].Item3));
            Assert.Single(calls.Select(c => c.StepSeed).Distinct());
        }
        Assert.NotEqual(training[0][0].StepSeed, training[1][0].StepSeed);

        var evaluation = CallsPerBatch(network, data, () => trainer.Evaluate(data, batchSize: 5));
        Assert.Equal(ranges, evaluation.Select(calls => calls.Select(c => (c.Worker, c.N0, c.N1)).Order().ToArray()));
        Assert.All(evaluation.SelectMany(c => c), c => Assert.True(!c.Backward && !c.Training && c.HasLabels));
    }

    /// <summary>The network calls of each batch <paramref name="run"/> makes: a fill starts a batch.</summary>
    private static List<RecordingNetwork.Call[]> CallsPerBatch(RecordingNetwork network, InMemoryBatchSource data, Action run)
    {
        var batches = new List<RecordingNetwork.Call[]>();
        data.OnFill = fills =>
        {
            if (fills > 1) batches.Add(network.Calls);
            network.Clear();
        };
        data.Fills.Clear();
        run();
        batches.Add(network.Calls);
        data.OnFill = null;
        return batches;
    }

    [Fact]
    public void RejectsDataOfAnotherShapeOrClassCount()
    {
        var trainer = MakeTrainer();
        var wrongShape = new InMemoryBatchSource(new Shape(1, 3, 3), 3, new float[9], [0]);
        var error = Assert.Throws<ArgumentException>(() => trainer.TrainEpoch(wrongShape));
        Assert.Contains("(1,3,3)", error.Message);
        Assert.Contains("(1,2,2)", error.Message);

        var wrongClasses = new InMemoryBatchSource(Image, 10, new float[4], [0]);
        error = Assert.Throws<ArgumentException>(() => trainer.Evaluate(wrongClasses));
        Assert.Contains("class labels in [0, 10)", error.Message);
        Assert.Empty(wrongShape.Fills);
    }

    [Fact]
    public void RejectsLabelsOutsideTheClasses()
    {
        var trainer = MakeTrainer();
        var data = new InMemoryBatchSource(Image, 3, new float[8], [1, 3]);
        Assert.Throws<InvalidDataException>(() => trainer.TrainEpoch(data));
    }

    [Fact]
    public void RejectsAParameterBufferOfTheWrongSize()
    {
        var network = new LinearClassifier(Image, 3);
        Assert.Throws<ArgumentException>(() => new Trainer(network, new float[14], new Sgd(0.1), 4));
    }

    [Fact]
    public void ReportsProgressAndAppliesTheSchedule()
    {
        var data = InMemoryBatchSource.Blobs(30);
        var optimizer = new Sgd(1);
        var trainer = MakeTrainer(batchSize: 7, optimizer: optimizer, schedule: new CosineAnnealing(0.2, 10));
        var reports = new List<TrainingProgress>();
        trainer.TrainEpoch(data, new SynchronousProgress(reports.Add));

        var last = reports[^1];
        Assert.Equal((0, 5, 5, 30L), (last.Epoch, last.Batch, last.Batches, last.Samples));
        Assert.Equal(new CosineAnnealing(0.2, 10).At(4), last.LearningRate);
        Assert.Equal(last.LearningRate, optimizer.LearningRate);
        Assert.True(last.MeanLoss > 0 && last.SamplesPerSecond > 0);
    }

    [Fact]
    public void PredictReturnsTheLogits()
    {
        var trainer = MakeTrainer(batchSize: 2, workers: 2);
        var inputs = Enumerable.Range(0, 5 * 4).Select(i => (float)Math.Sin(i)).ToArray();
        var logits = new float[5 * 3];
        trainer.Predict(inputs, logits);

        var p = trainer.Parameters;
        for (int n = 0; n < 5; n++)
            for (int c = 0; c < 3; c++)
            {
                float expected = p[12 + c];
                for (int f = 0; f < 4; f++) expected += p[c * 4 + f] * inputs[n * 4 + f];
                Assert.Equal(expected, logits[n * 3 + c], 6);
            }
    }

    private static InMemoryBatchSource Subset(InMemoryBatchSource data, int count)
    {
        int size = data.SampleShape.Size;
        var inputs = new float[count * size];
        var labels = new int[count];
        data.Fill(Enumerable.Range(0, count).ToArray(), inputs, labels);
        return new InMemoryBatchSource(data.SampleShape, data.Classes, inputs, labels);
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"[{i}] {expected[i]} vs {actual[i]}");
    }

    /// <summary>Reports on the caller's thread, unlike <see cref="Progress{T}"/>.</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
