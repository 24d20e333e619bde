using System.CommandLine;
using NetDsl.Networks;
using NetDsl.Runtime;
using NetDsl.Runtime.Data;
using NetDsl.Runtime.Training;
using Spectre.Console;

namespace NetDsl.Cli.Commands;

/// <summary>
/// <c>netdsl train NET</c>: trains on Fashion-MNIST with a progress bar, evaluates on the test set after every epoch,
/// and checkpoints after every epoch (and on Ctrl+C), so nothing is lost and <c>--resume</c> continues exactly.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var network = CommonOptions.NetworkArgument();
        var data = CommonOptions.DataOption();
        var epochs = new Option<int>("--epochs") { Description = "Epochs to train (in total, when resuming).", DefaultValueFactory = _ => 10 };
        var batch = new Option<int>("--batch") { Description = "Mini-batch size.", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate; annealed to 0 with a cosine schedule.", DefaultValueFactory = _ => 0.05 };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay.", DefaultValueFactory = _ => 5e-4 };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd or adam.", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam");
        var seed = new Option<ulong>("--seed") { Description = "Seeds initialization, shuffling and dropout.", DefaultValueFactory = _ => 1 };
        var workers = new Option<int?>("--workers") { Description = "Threads per batch (default: all cores)." };
        var output = new Option<string>("--out") { Description = "Checkpoint file, written after every epoch.", DefaultValueFactory = r => "" };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint written by train." };
        var device = new Option<string>("--device") { Description = "cpu, or cuda to train with the network's generated GPU program.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var augment = new Option<bool>("--augment") { Description = "Random 2-pixel shifts (crop with padding) and horizontal flips of training images." };

        var command = new Command("train", "Train a network on Fashion-MNIST.")
        {
            network, data, epochs, batch, lr, momentum, weightDecay, optimizer, seed, workers, output, resume, augment, device,
        };
        command.SetAction((result, ct) => Task.FromResult(CommonOptions.Guard(() =>
        {
            var settings = new TrainSettings(result.GetValue(network)!, result.GetValue(data), result.GetValue(epochs), result.GetValue(batch),
                result.GetValue(lr), result.GetValue(momentum), result.GetValue(weightDecay), result.GetValue(optimizer)!, result.GetValue(seed),
                result.GetValue(workers), result.GetValue(output)!, result.GetValue(resume), result.GetValue(augment), result.GetValue(device)!);
            return Run(settings, ct);
        })));
        return command;
    }

    private sealed record TrainSettings(string Network, string? Data, int Epochs, int Batch, double LearningRate, double Momentum,
        double WeightDecay, string Optimizer, ulong Seed, int? Workers, string Output, string? Resume, bool Augment, string Device);

    private static int Run(TrainSettings s, CancellationToken ct)
    {
        if (s.Epochs < 1 || s.Batch < 1 || s.LearningRate <= 0)
            throw new ArgumentException("--epochs and --batch must be at least 1 and --lr positive.");
        var net = Zoo.Create(s.Network);
        var data = FashionMnist.Load(s.Data);
        // Augmentation depends on (seed, epoch, sample) only, so a resumed run sees the same images.
        var augmented = s.Augment ? Augmentation.CropAndFlip(data.Train, padding: 2, flipProbability: 0.5, s.Seed) : null;
        IBatchSource train = augmented ?? (IBatchSource)data.Train;
        string output = s.Output.Length > 0 ? s.Output : s.Network.ToLowerInvariant() + ".safetensors";

        var parameters = new float[net.Description.ParameterCount];
        net.InitializeParameters<float>(parameters, s.Seed);
        IOptimizer optimizer = s.Optimizer == "adam"
            ? new Adam(s.LearningRate, weightDecay: s.WeightDecay)
            : new Sgd(s.LearningRate, s.Momentum, s.WeightDecay);
        long batchesPerEpoch = (data.Train.Count + s.Batch - 1) / s.Batch;
        var schedule = new CosineAnnealing(s.LearningRate, s.Epochs * batchesPerEpoch);
        using var gpu = s.Device == "cuda" ? GpuSession.Open(net) : null;
        ITrainer trainer = gpu is null
            ? new Trainer(net, parameters, optimizer, s.Batch, s.Seed, schedule, s.Workers)
            : new GpuTrainer(net, gpu.Backend, parameters, optimizer, s.Batch, s.Seed, schedule);
        using var disposeTrainer = trainer as IDisposable;
        if (s.Resume is not null) TrainingCheckpoint.Resume(s.Resume, trainer);

        string where = trainer is Trainer cpu ? $"{cpu.Workers} worker(s)" : $"on {Markup.Escape(gpu!.Description)}";
        AnsiConsole.MarkupLine($"Training [bold]{net.Description.Name}[/] ({net.Description.ParameterCount:N0} parameters) on Fashion-MNIST "
            + $"({data.Train.Count:N0} train / {data.Test.Count:N0} test images from {Markup.Escape(data.Directory)}): "
            + $"{s.Optimizer} lr {s.LearningRate} (cosine), batch {s.Batch}, {where}, seed {s.Seed}{(s.Augment ? ", augmented" : "")}.");
        if (trainer.Epoch >= s.Epochs)
            AnsiConsole.MarkupLine($"The checkpoint has already trained {trainer.Epoch} epoch(s); raise --epochs to continue.");

        EvaluationResult? test = null;
        while (trainer.Epoch < s.Epochs)
        {
            int epoch = trainer.Epoch + 1;
            EpochResult result;
            if (augmented is not null) augmented.Epoch = trainer.Epoch;
            try
            {
                result = TrainingProgressBar.Run($"epoch {epoch}/{s.Epochs}", progress => trainer.TrainEpoch(train, progress, ct));
            }
            catch (OperationCanceledException)
            {
                TrainingCheckpoint.Save(output, trainer);
                AnsiConsole.MarkupLine($"[yellow]Interrupted in epoch {epoch} after batch {trainer.BatchInEpoch}.[/] Saved {Markup.Escape(output)}; "
                    + $"continue with: netdsl train {s.Network} --resume {Markup.Escape(output)} --epochs {s.Epochs}");
                return 130;
            }
            test = trainer.Evaluate(data.Test);
            TrainingCheckpoint.Save(output, trainer);
            AnsiConsole.MarkupLine($"epoch {epoch,2}/{s.Epochs}  loss {result.MeanLoss:0.0000}  train {result.Accuracy:P2}  "
                + $"test [bold]{test.Top1Accuracy:P2}[/] (top-5 {test.Top5Accuracy:P2})  {result.SamplesPerSecond:N0} images/s  {result.Elapsed.TotalSeconds:0.0} s");
        }

        test ??= trainer.Evaluate(data.Test);
        AnsiConsole.MarkupLine($"Test accuracy: [bold]{test.Top1Accuracy:P2}[/] (top-5 {test.Top5Accuracy:P2}, loss {test.MeanLoss:0.0000}) "
            + $"after {trainer.Epoch} epochs; checkpoint {Markup.Escape(output)}");
        return 0;
    }
}
