using System.CommandLine;
using NetDsl.Networks;
using NetDsl.Runtime;
using NetDsl.Runtime.Data;
using NetDsl.Runtime.Training;
using Spectre.Console;

namespace NetDsl.Cli.Commands;

/// <summary>
/// <c>netdsl train NET</c>: trains on the network's data (<see cref="TrainingData"/>: Fashion-MNIST, or synthetic
/// shapes for segmentation) with a progress bar, evaluates on the test set after every epoch (mean IoU too for
/// segmentation), and checkpoints after every epoch (and on Ctrl+C), so nothing is lost and <c>--resume</c> continues exactly.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var network = CommonOptions.NetworkArgument();
        var data = CommonOptions.DataOption();
        var (fashion, shapes) = (TrainingData.FashionMnistDefaults, TrainingData.ShapesDefaults);
        string Defaults<T>(Func<TrainingDefaults, T> value) => $"(default: {value(fashion)} on Fashion-MNIST, {value(shapes)} on synthetic shapes)";
        var epochs = new Option<int?>("--epochs") { Description = $"Epochs to train, in total when resuming {Defaults(d => d.Epochs)}." };
        var batch = new Option<int?>("--batch") { Description = $"Mini-batch size {Defaults(d => d.Batch)}." };
        var lr = new Option<double?>("--lr") { Description = $"Peak learning rate; annealed to 0 with a cosine schedule {Defaults(d => d.LearningRate)}." };
        var momentum = new Option<double>("--momentum") { Description = "SGD momentum.", DefaultValueFactory = _ => 0.9 };
        var weightDecay = new Option<double?>("--weight-decay") { Description = $"L2 weight decay {Defaults(d => d.WeightDecay)}." };
        var optimizer = new Option<string?>("--optimizer") { Description = $"sgd or adam {Defaults(d => d.Optimizer)}." };
        optimizer.AcceptOnlyFromAmong("sgd", "adam");
        var trainSamples = new Option<int?>("--train-samples")
        {
            Description = $"Synthetic shapes only: images generated for training (default {TrainingData.DefaultShapes:N0}; {TrainingData.HeldOutShapes:N0} others are held out).",
        };
        var seed = new Option<ulong>("--seed") { Description = "Seeds initialization, shuffling and dropout.", DefaultValueFactory = _ => 1 };
        var workers = new Option<int?>("--workers") { Description = "Threads per batch (default: all cores)." };
        var output = new Option<string>("--out") { Description = "Checkpoint file, written after every epoch.", DefaultValueFactory = r => "" };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint written by train." };
        var device = new Option<string>("--device") { Description = "cpu, or cuda to train with the network's generated GPU program.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var augment = new Option<bool>("--augment") { Description = "Random 2-pixel shifts (crop with padding) and horizontal flips of training images." };

        var command = new Command("train", "Train a network on Fashion-MNIST, or a segmentation network on synthetic shapes.")
        {
            network, data, epochs, batch, lr, momentum, weightDecay, optimizer, trainSamples, seed, workers, output, resume, augment, device,
        };
        command.SetAction((result, ct) => Task.FromResult(CommonOptions.Guard(() =>
        {
            var net = Zoo.Create(result.GetValue(network)!);
            var training = TrainingData.For(net, result.GetValue(data), result.GetValue(trainSamples));
            var d = training.Defaults;
            var settings = new TrainSettings(result.GetValue(network)!, result.GetValue(epochs) ?? d.Epochs, result.GetValue(batch) ?? d.Batch,
                result.GetValue(lr) ?? d.LearningRate, result.GetValue(momentum), result.GetValue(weightDecay) ?? d.WeightDecay,
                result.GetValue(optimizer) ?? d.Optimizer, result.GetValue(seed), result.GetValue(workers), result.GetValue(output)!,
                result.GetValue(resume), result.GetValue(augment), result.GetValue(device)!);
            return Run(net, training, settings, ct);
        })));
        return command;
    }

    private sealed record TrainSettings(string Network, int Epochs, int Batch, double LearningRate, double Momentum,
        double WeightDecay, string Optimizer, ulong Seed, int? Workers, string Output, string? Resume, bool Augment, string Device);

    private static int Run(ICpuNetwork net, TrainingData data, TrainSettings s, CancellationToken ct)
    {
        if (s.Epochs < 1 || s.Batch < 1 || s.LearningRate <= 0)
            throw new ArgumentException("--epochs and --batch must be at least 1 and --lr positive.");
        if (s.Augment && data.Train is not LabeledImages)
            throw new ArgumentException($"--augment shifts and flips images, not their label maps; {net.Description.Name} trains on {data.Name}.");
        // Augmentation depends on (seed, epoch, sample) only, so a resumed run sees the same images.
        var augmented = s.Augment ? Augmentation.CropAndFlip((LabeledImages)data.Train, padding: 2, flipProbability: 0.5, s.Seed) : null;
        IBatchSource train = augmented ?? data.Train;
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
        AnsiConsole.MarkupLine($"Training [bold]{net.Description.Name}[/] ({net.Description.ParameterCount:N0} parameters) on {data.Name} "
            + $"({Markup.Escape(data.Origin)}): "
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
            string score = data.Segmentation
                ? $"held-out loss {test.MeanLoss:0.0000}  pixels {test.Top1Accuracy:P2}  mIoU [bold]{Segmentation(trainer, data).MeanIoU:P2}[/]"
                : $"test [bold]{test.Top1Accuracy:P2}[/] (top-5 {test.Top5Accuracy:P2})";
            AnsiConsole.MarkupLine($"epoch {epoch,2}/{s.Epochs}  loss {result.MeanLoss:0.0000}  train {result.Accuracy:P2}  "
                + $"{score}  {result.SamplesPerSecond:N0} images/s  {result.Elapsed.TotalSeconds:0.0} s");
        }

        test ??= trainer.Evaluate(data.Test);
        if (data.Segmentation)
        {
            var metrics = Segmentation(trainer, data);
            AnsiConsole.MarkupLine($"Held-out mean IoU: [bold]{metrics.MeanIoU:P2}[/] ({PerClass(metrics)}), pixel accuracy {test.Top1Accuracy:P2}, "
                + $"loss {test.MeanLoss:0.0000} after {trainer.Epoch} epochs; checkpoint {Markup.Escape(output)}");
        }
        else
            AnsiConsole.MarkupLine($"Test accuracy: [bold]{test.Top1Accuracy:P2}[/] (top-5 {test.Top5Accuracy:P2}, loss {test.MeanLoss:0.0000}) "
                + $"after {trainer.Epoch} epochs; checkpoint {Markup.Escape(output)}");
        return 0;
    }

    /// <summary>The confusion matrix on the held-out set, computed on the CPU from the trainer's current parameters (either device).</summary>
    private static SegmentationMetrics Segmentation(ITrainer trainer, TrainingData data)
    {
        var parameters = new float[trainer.Network.Description.ParameterCount];
        trainer.ReadParameters(parameters);
        return SegmentationMetrics.Measure(trainer.Network, parameters, data.Test);
    }

    /// <summary>"IoU background 99.1 %, circle 80.2 %, …", naming the shapes' classes.</summary>
    internal static string PerClass(SegmentationMetrics metrics) =>
        "IoU " + string.Join(", ", Enumerable.Range(0, metrics.Classes).Select(c =>
            $"{(c < SyntheticShapes.ClassNames.Length ? SyntheticShapes.ClassNames[c] : $"class {c}")} {metrics.IoU(c):P1}"));
}
