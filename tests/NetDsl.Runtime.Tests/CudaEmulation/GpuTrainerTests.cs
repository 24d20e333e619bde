using NetDsl.Testing;
using NetDsl.Networks;
using NetDsl.Runtime.Data;
using NetDsl.Runtime.Tests.Networks;
using NetDsl.Runtime.Tests.Training;
using NetDsl.Runtime.Training;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The GPU trainer (forward, backward and the optimizer kernel on the device, graphs and pipelined loading) run through
/// the g++ emulation backend, against the CPU trainer with its PyTorch-exact optimizers on the same batches.
/// </summary>
public class GpuTrainerTests
{
    public static TheoryData<string> Networks => new() { "LeNet5", "GraphNet" };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Sgd_epochs_on_the_emulated_gpu_match_the_cpu_trainer(string name)
    {
        var net = Create(name);
        var data = RandomImages(10, net, seed: 4);
        var parameters = Initial(net);
        ILearningRateSchedule Schedule() => new CosineAnnealing(0.05, 6);

        var cpu = new Trainer(net, (float[])parameters.Clone(), new Sgd(0.05, 0.9, 5e-4), batchSize: 4, seed: 7, Schedule(), workers: 1);
        using var backend = new EmulatedKernelBackend(((IGpuNetwork)net).GpuProgram);
        using var gpu = new GpuTrainer(net, backend, parameters, new Sgd(0.05, 0.9, 5e-4), batchSize: 4, seed: 7, Schedule());
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var (c, g) = (cpu.TrainEpoch(data), gpu.TrainEpoch(data));
            Assert.Equal(c.MeanLoss, g.MeanLoss, 1e-4);
            Assert.Equal(c.Accuracy, g.Accuracy);
        }

        NumericAssert.CloseToLargest(cpu.Parameters, Parameters(gpu), 1e-4, $"{name} parameters", "CPU", "emulated GPU");
        var (ce, ge) = (cpu.Evaluate(data), gpu.Evaluate(data));
        Assert.Equal((ce.Top1Accuracy, ce.Top5Accuracy), (ge.Top1Accuracy, ge.Top5Accuracy));
        Assert.Equal(ce.MeanLoss, ge.MeanLoss, 1e-4);
    }

    /// <summary>
    /// Heads other than a class per sample: float targets (copied to the device per sample), label maps with ignored
    /// pixels and an entirely unlabeled sample, and a per-pixel auxiliary head, whose losses and the maps' labeled-pixel
    /// counts share the HeadLosses region. 10 samples in batches of 4 replay graphs, then launch a short batch.
    /// </summary>
    [Theory]
    [InlineData("MultiLabelHead")]
    [InlineData("PixelHead")]
    [InlineData("PixelAuxiliaryHead")]
    public void Head_epochs_on_the_emulated_gpu_match_the_cpu_trainer(string name)
    {
        var (create, program) = EmulatedNetworks.ByName[name];
        var net = create();
        var data = HeadData.Random(net, 10, seed: 4);
        var parameters = Initial(net);

        var cpu = new Trainer(net, (float[])parameters.Clone(), new Sgd(0.05, 0.9), batchSize: 4, seed: 7, workers: 1);
        using var backend = new EmulatedKernelBackend(program);
        using var gpu = new GpuTrainer(net, backend, parameters, new Sgd(0.05, 0.9), batchSize: 4, seed: 7);
        var (c, g) = (cpu.TrainEpoch(data), gpu.TrainEpoch(data));
        Assert.Equal(c.MeanLoss, g.MeanLoss, 1e-4);
        Assert.Equal(c.Accuracy, g.Accuracy);

        NumericAssert.CloseToLargest(cpu.Parameters, Parameters(gpu), 1e-4, $"{name} parameters", "CPU", "emulated GPU");
        var (ce, ge) = (cpu.Evaluate(data), gpu.Evaluate(data));
        Assert.Equal((ce.Top1Accuracy, ce.Top5Accuracy), (ge.Top1Accuracy, ge.Top5Accuracy));
        Assert.Equal(ce.MeanLoss, ge.MeanLoss, 1e-4);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Adam_epochs_on_the_emulated_gpu_match_the_cpu_trainer(bool decoupled)
    {
        var net = new LeNet5();
        var data = RandomImages(8, net, seed: 2);
        var parameters = Initial(net);
        Adam Make() => new(1e-3, weightDecay: 1e-2, decoupledWeightDecay: decoupled);

        var cpu = new Trainer(net, (float[])parameters.Clone(), Make(), batchSize: 4, seed: 5, workers: 1);
        using var backend = new EmulatedKernelBackend(LeNet5.CudaProgram);
        using var gpu = new GpuTrainer(net, backend, parameters, Make(), batchSize: 4, seed: 5);
        Assert.Equal(cpu.TrainEpoch(data).MeanLoss, gpu.TrainEpoch(data).MeanLoss, 1e-4);

        NumericAssert.CloseToLargest(cpu.Parameters, Parameters(gpu), 1e-4, "LeNet5 parameters after Adam", "CPU", "emulated GPU");
        var (c, g) = (cpu.ExportState().Optimizer, gpu.ExportState().Optimizer);
        Assert.Equal((c.Optimizer, c.Steps), (g.Optimizer, g.Steps));
        foreach (var (bufferName, buffer) in c.Buffers)
            NumericAssert.CloseToLargest(buffer, g.Buffers[bufferName], 1e-3, bufferName, "CPU", "emulated GPU");
    }

    /// <summary>
    /// Replayed graphs must see every step's own learning rate and dropout seed: EveryLayer drops out, the schedule moves
    /// the rate each step, and 12 samples in batches of 4 replay each slot's graph three times an epoch.
    /// </summary>
    [Fact]
    public void Graph_replays_train_bit_for_bit_like_eager_launches()
    {
        var net = new EveryLayer();
        var data = RandomImages(12, net, seed: 8);
        var (graphs, graphLosses) = Train(net, data, epochs: 2, captureGraphs: true, overlapLoading: false);
        var (eager, eagerLosses) = Train(net, data, epochs: 2, captureGraphs: false, overlapLoading: false);
        Assert.Equal(eagerLosses, graphLosses);
        Assert.Equal(eager, graphs);
    }

    /// <summary>A batch source slower than the GPU step, so the loader thread overlaps it for real.</summary>
    [Fact]
    public void Overlapped_loading_trains_bit_for_bit_like_filling_in_turn()
    {
        var net = new EveryLayer();
        var data = new SlowSource(RandomImages(14, net, seed: 9));
        var (overlapped, overlappedLosses) = Train(net, data, epochs: 2, captureGraphs: true, overlapLoading: true);
        var (inTurn, inTurnLosses) = Train(net, data, epochs: 2, captureGraphs: true, overlapLoading: false);
        Assert.Equal(inTurnLosses, overlappedLosses);
        Assert.Equal(inTurn, overlapped);
    }

    /// <summary>A cancellation lets the launched batches finish and the next call continue the epoch where it stopped.</summary>
    [Fact]
    public void A_cancelled_epoch_continues_exactly_where_it_stopped()
    {
        var net = new EveryLayer();
        var data = RandomImages(16, net, seed: 5);
        var (uninterrupted, _) = Train(net, data, epochs: 1, captureGraphs: true, overlapLoading: true);

        using var backend = new EmulatedKernelBackend(EveryLayer.CudaProgram);
        using var gpu = new GpuTrainer(net, backend, Initial(net), new Sgd(0.1, 0.9, 5e-4), batchSize: 4, seed: 3, new CosineAnnealing(0.1, 8));
        using var cancel = new CancellationTokenSource();
        var cancelling = new CancelOnFill(data, cancel, fills: 3);   // trips while batch 2 loads and batch 1 runs
        Assert.ThrowsAny<OperationCanceledException>(() => gpu.TrainEpoch(cancelling, ct: cancel.Token));
        Assert.Equal((0, 2, 2L), (gpu.Epoch, gpu.BatchInEpoch, gpu.Step));
        gpu.TrainEpoch(data);
        Assert.Equal(uninterrupted, Parameters(gpu));
    }

    /// <summary>Adam's state and the running statistics of GraphNet's BatchNorm travel through the checkpoint.</summary>
    [Fact]
    public void A_gpu_checkpoint_resumes_on_the_gpu_exactly_like_an_uninterrupted_run()
    {
        var net = new GraphNet();
        var data = RandomImages(8, net, seed: 3);
        var parameters = Initial(net);
        using var backend = new EmulatedKernelBackend(GraphNet.CudaProgram);
        GpuTrainer Make(float[] p) => new(net, backend, p, new Adam(1e-3), batchSize: 4, seed: 11, new CosineAnnealing(1e-3, 4));

        using var uninterrupted = Make(parameters);
        uninterrupted.TrainEpoch(data);
        uninterrupted.TrainEpoch(data);

        string path = Path.Combine(Path.GetTempPath(), $"netdsl-gpu-resume-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var first = Make(parameters))
            {
                first.TrainEpoch(data);
                TrainingCheckpoint.Save(path, first);
            }
            using var resumed = Make(new float[parameters.Length]);
            TrainingCheckpoint.Resume(path, resumed);
            Assert.Equal((1, 2L), (resumed.Epoch, resumed.Step));
            resumed.TrainEpoch(data);
            Assert.Equal(Parameters(uninterrupted), Parameters(resumed));
            Assert.Equal(uninterrupted.ExportState().Optimizer.Buffers["exp_avg_sq"], resumed.ExportState().Optimizer.Buffers["exp_avg_sq"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_cpu_checkpoint_resumes_on_the_gpu_and_a_gpu_checkpoint_on_the_cpu()
    {
        var net = new LeNet5();
        var data = RandomImages(8, net, seed: 6);
        var parameters = Initial(net);
        Sgd Sgd() => new(0.05, 0.9, 5e-4);
        var reference = new Trainer(net, (float[])parameters.Clone(), Sgd(), batchSize: 4, seed: 2, workers: 1);
        for (int epoch = 0; epoch < 3; epoch++) reference.TrainEpoch(data);

        string path = Path.Combine(Path.GetTempPath(), $"netdsl-cross-resume-{Guid.NewGuid():N}.safetensors");
        using var backend = new EmulatedKernelBackend(LeNet5.CudaProgram);
        try
        {
            var cpu = new Trainer(net, (float[])parameters.Clone(), Sgd(), batchSize: 4, seed: 2, workers: 1);
            cpu.TrainEpoch(data);
            TrainingCheckpoint.Save(path, cpu);
            using (var gpu = new GpuTrainer(net, backend, new float[parameters.Length], Sgd(), batchSize: 4))
            {
                TrainingCheckpoint.Resume(path, gpu);
                gpu.TrainEpoch(data);
                TrainingCheckpoint.Save(path, gpu);
            }
            var back = new Trainer(net, new float[parameters.Length], Sgd(), batchSize: 4, workers: 1);
            TrainingCheckpoint.Resume(path, back);
            Assert.Equal(2, back.Epoch);
            back.TrainEpoch(data);
            NumericAssert.CloseToLargest(reference.Parameters, back.Parameters, 1e-4, "CPU → GPU → CPU parameters", "CPU only", "resumed");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (float[] Parameters, List<double> Losses) Train(ICpuNetwork net, IBatchSource data, int epochs, bool captureGraphs, bool overlapLoading)
    {
        using var backend = new EmulatedKernelBackend(((IGpuNetwork)net).GpuProgram);
        using var gpu = new GpuTrainer(net, backend, Initial(net), new Sgd(0.1, 0.9, 5e-4), batchSize: 4, seed: 3, new CosineAnnealing(0.1, 8))
        {
            CaptureGraphs = captureGraphs, OverlapLoading = overlapLoading,
        };
        var losses = Enumerable.Range(0, epochs).Select(_ => gpu.TrainEpoch(data).MeanLoss).ToList();
        return (Parameters(gpu), losses);
    }

    private static ICpuNetwork Create(string name) => name == "LeNet5" ? new LeNet5() : new GraphNet();

    private static float[] Initial(ICpuNetwork net)
    {
        var parameters = new float[net.Description.ParameterCount];
        net.InitializeParameters<float>(parameters, 1);
        return parameters;
    }

    private static float[] Parameters(GpuTrainer gpu)
    {
        var parameters = new float[gpu.Network.Description.ParameterCount];
        gpu.ReadParameters(parameters);
        return parameters;
    }

    /// <summary>Uniform random images with random labels.</summary>
    private static ArrayBatchSource RandomImages(int count, ICpuNetwork net, int seed)
    {
        var (shape, classes) = (net.Description.Input, net.Description.Classes);
        var random = new Random(seed);
        return new(shape, classes, Enumerable.Range(0, count * shape.Size).Select(_ => (float)random.NextDouble()).ToArray(),
            Enumerable.Range(0, count).Select(_ => random.Next(classes)).ToArray());
    }

    private sealed class CancelOnFill(IBatchSource source, CancellationTokenSource cancel, int fills) : IBatchSource
    {
        private int _fills;
        public int Count => source.Count;
        public Shape SampleShape => source.SampleShape;
        public int Classes => source.Classes;

        public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels)
        {
            source.Fill(indices, inputs, labels);
            if (Interlocked.Increment(ref _fills) == fills) cancel.Cancel();
        }
    }

    private sealed class SlowSource(IBatchSource source) : IBatchSource
    {
        public int Count => source.Count;
        public Shape SampleShape => source.SampleShape;
        public int Classes => source.Classes;

        public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels)
        {
            // Write the batch slowly, a sample at a time, so a slot reused too early would be caught half written.
            for (int i = 0; i < indices.Length; i++)
            {
                Thread.Sleep(2);
                source.Fill(indices.Slice(i, 1), inputs.Slice(i * SampleShape.Size, SampleShape.Size), labels.Slice(i, 1));
            }
        }
    }
}
