using System.CommandLine;
using NetDsl.Networks;
using NetDsl.Runtime;
using NetDsl.Runtime.Data;
using NetDsl.Runtime.Training;

namespace NetDsl.Cli.Commands;

/// <summary>
/// <c>netdsl bench NET</c>: images/s of full training steps (forward, backward, SGD) on real Fashion-MNIST batches,
/// in the same terms as bench/pytorch_lenet5.py so bench/lenet5-vs-pytorch.sh can print the ratio. Networks with
/// other input shapes (the 224×224 zoo) train on synthetic images, as bench/pytorch_gpu.py's peers do.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var network = CommonOptions.NetworkArgument();
        var data = CommonOptions.DataOption();
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 300 };
        var warmup = new Option<int>("--warmup") { DefaultValueFactory = _ => 20 };
        var workers = new Option<int?>("--workers") { Description = "Threads per batch (default: all cores)." };
        var device = new Option<string>("--device") { Description = "cpu, or cuda for the network's generated GPU program.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var command = new Command("bench", "Measure training throughput (images/s).") { network, data, batch, steps, warmup, workers, device };
        command.SetAction(result => CommonOptions.Guard(() =>
        {
            var net = Zoo.Create(result.GetValue(network)!);
            int b = result.GetValue(batch), n = result.GetValue(steps), w = result.GetValue(warmup);
            var input = net.Description.Input;
            bool fashion = input == new Shape(1, 28, 28) && net.Description.Classes == 10;
            IBatchSource train = fashion ? FashionMnist.Load(result.GetValue(data)).Train
                : new SyntheticImages(input, net.Description.Classes, (w + n) * b);
            var parameters = new float[net.Description.ParameterCount];
            net.InitializeParameters<float>(parameters, 1);
            if (result.GetValue(device) == "cuda")
            {
                using var gpu = GpuSession.Open(net);
                using var gpuTrainer = new GpuTrainer(net, gpu.Backend, parameters, new Sgd(0.01, 0.9, 5e-4), b, seed: 1);
                gpuTrainer.TrainEpoch(new FirstSamples(train, w * b));
                var gpuTimed = gpuTrainer.TrainEpoch(new FirstSamples(train, n * b));
                Console.WriteLine($"netdsl {net.Description.Name} device={gpu.Description.Replace(' ', '_')} batch={b} steps={n} images_per_s={gpuTimed.SamplesPerSecond:0.0}");
                return 0;
            }
            var trainer = new Trainer(net, parameters, new Sgd(0.01, 0.9, 5e-4), b, workers: result.GetValue(workers));
            trainer.TrainEpoch(new FirstSamples(train, w * b));
            var timed = trainer.TrainEpoch(new FirstSamples(train, n * b));
            Console.WriteLine($"netdsl {net.Description.Name} workers={trainer.Workers} batch={b} steps={n} images_per_s={timed.SamplesPerSecond:0.0}");
            return 0;
        }));
        return command;
    }

    /// <summary>The first <c>count</c> samples of a data set, so an "epoch" is exactly the steps being timed.</summary>
    private sealed class FirstSamples(IBatchSource source, int count) : IBatchSource
    {
        public int Count { get; } = Math.Min(count, source.Count);
        public Shape SampleShape => source.SampleShape;
        public int Classes => source.Classes;
        public void Fill(ReadOnlySpan<int> indices, Span<float> inputs, Span<int> labels) => source.Fill(indices, inputs, labels);
    }
}
