using NetDsl.Testing;
using NetDsl.Networks;
using NetDsl.Runtime.Tests.Networks;
using NetDsl.Runtime.Training;
using NetDsl.Testing.CudaEmulation;

namespace NetDsl.Runtime.Tests.CudaEmulation;

/// <summary>
/// The GPU trainer (forward, backward and the SGD kernel on the device) run through the g++ emulation backend, against
/// the CPU program with PyTorch-exact <see cref="Sgd"/> on the same batches.
/// </summary>
public class GpuTrainerTests
{
    public static TheoryData<string> Networks => new() { "LeNet5", "GraphNet" };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Three_sgd_steps_on_the_emulated_gpu_match_the_cpu(string name)
    {
        const int batch = 4, steps = 3;
        (ICpuNetwork net, CudaProgram program) = name == "LeNet5" ? ((ICpuNetwork)new LeNet5(), LeNet5.CudaProgram) : (new GraphNet(), GraphNet.CudaProgram);
        var parameters = new float[net.Description.ParameterCount];
        net.InitializeParameters<float>(parameters, 3);
        var random = new Random(9);
        var batches = Enumerable.Range(0, steps).Select(_ => (
            Inputs: Enumerable.Range(0, batch * net.Layout.InputSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(),
            Labels: Enumerable.Range(0, batch).Select(_ => random.Next(net.Layout.Classes)).ToArray())).ToList();

        var cpu = (float[])parameters.Clone();
        var cpuLosses = CpuSteps(net, cpu, batches);

        using var backend = new EmulatedKernelBackend(program);
        using var gpu = new GpuTrainer(net, program, backend, parameters, batch, learningRate: 0.05, momentum: 0.9, weightDecay: 5e-4);
        var gpuLosses = batches.Select((b, step) => gpu.Step(b.Inputs, b.Labels, seed: (ulong)step)).ToList();
        var trained = new float[parameters.Length];
        gpu.DownloadParameters(trained);

        for (int s = 0; s < steps; s++) Assert.Equal(cpuLosses[s], gpuLosses[s], 1e-4);
        NumericAssert.CloseToLargest(cpu, trained, 1e-4, $"{name} parameters (trainable, then running statistics)", "CPU", "emulated GPU");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Epochs_on_the_emulated_gpu_match_the_cpu_trainer(string name)
    {
        (ICpuNetwork net, CudaProgram program) = name == "LeNet5" ? ((ICpuNetwork)new LeNet5(), LeNet5.CudaProgram) : (new GraphNet(), GraphNet.CudaProgram);
        var data = RandomImages(10, net.Description.Input, net.Description.Classes, seed: 4);
        var parameters = new float[net.Description.ParameterCount];
        net.InitializeParameters<float>(parameters, 1);
        ILearningRateSchedule Schedule() => new CosineAnnealing(0.05, 6);

        var cpu = new Trainer(net, (float[])parameters.Clone(), new Sgd(0.05, 0.9, 5e-4), batchSize: 4, seed: 7, Schedule(), workers: 1);
        using var backend = new EmulatedKernelBackend(program);
        using var gpu = new GpuTrainer(net, program, backend, parameters, capacity: 4, learningRate: 0.05);
        for (int epoch = 0; epoch < 2; epoch++)
            Assert.Equal(cpu.TrainEpoch(data).MeanLoss, gpu.TrainEpoch(data, seed: 7, Schedule()).MeanLoss, 1e-4);

        var trained = new float[parameters.Length];
        gpu.DownloadParameters(trained);
        NumericAssert.CloseToLargest(cpu.Parameters, trained, 1e-4, $"{name} parameters", "CPU", "emulated GPU");
        var (c, g) = (cpu.Evaluate(data), gpu.Evaluate(data));
        Assert.Equal((c.Top1Accuracy, c.Top5Accuracy), (g.Top1Accuracy, g.Top5Accuracy));
        Assert.Equal(c.MeanLoss, g.MeanLoss, 1e-4);
    }

    /// <summary>Uniform random images with random labels.</summary>
    private static NetDsl.Runtime.Data.ArrayBatchSource RandomImages(int count, Shape shape, int classes, int seed)
    {
        var random = new Random(seed);
        return new(shape, classes, Enumerable.Range(0, count * shape.Size).Select(_ => (float)random.NextDouble()).ToArray(),
            Enumerable.Range(0, count).Select(_ => random.Next(classes)).ToArray());
    }

    /// <summary>The CPU reference: the generated CPU program on one worker, then PyTorch-exact SGD.</summary>
    private static List<double> CpuSteps(ICpuNetwork net, float[] p, List<(float[] Inputs, int[] Labels)> batches)
    {
        int batch = batches[0].Labels.Length, trainable = net.Description.TrainableParameterCount;
        using var ws = new Workspace<float>(net.Layout, p.Length, batch) { Training = true, HasLabels = true, BatchSize = batch };
        var sgd = new Sgd(0.05, momentum: 0.9, weightDecay: 5e-4);
        var losses = new List<double>();
        for (int step = 0; step < batches.Count; step++)
        {
            batches[step].Inputs.CopyTo(ws.Input(0, batch));
            batches[step].Labels.CopyTo(ws.Labels, 0);
            ws.StepSeed = (ulong)step;
            ws.ClearParameterGradients();
            ws.Run(batch, (w, n0, n1) =>
            {
                net.Forward<float>(p, ws, w, n0, n1);
                net.Backward<float>(p, ws, w, n0, n1);
            });
            losses.Add(ws.Losses.Take(batch).Average(l => (double)l));
            sgd.Step(p.AsSpan(0, trainable), ws.ReduceParameterGradients().AsSpan(0, trainable));
        }
        return losses;
    }
}
