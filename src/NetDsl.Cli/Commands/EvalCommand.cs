using System.CommandLine;
using NetDsl.Networks;
using NetDsl.Runtime.Training;
using Spectre.Console;

namespace NetDsl.Cli.Commands;

/// <summary>
/// <c>netdsl eval NET --weights FILE [--device cuda]</c>: top-1 and top-5 accuracy on the Fashion-MNIST test set, or
/// pixel accuracy and mean IoU on the held-out synthetic shapes for a segmentation network.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var network = CommonOptions.NetworkArgument();
        var dataOption = CommonOptions.DataOption();
        var weights = new Option<string>("--weights") { Description = "A checkpoint from train, or PyTorch weights as safetensors.", Required = true };
        var device = new Option<string>("--device") { Description = "cpu, or cuda to evaluate with the network's generated GPU program.", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var command = new Command("eval", "Evaluate trained weights on the Fashion-MNIST test set (held-out synthetic shapes for segmentation).") { network, dataOption, weights, device };
        command.SetAction(result => CommonOptions.Guard(() =>
        {
            var net = Zoo.Create(result.GetValue(network)!);
            var parameters = new float[net.Description.ParameterCount];
            // Evaluation never runs auxiliary heads, so weights saved without them (torchvision's googlenet(aux_logits=False)) do.
            var file = TrainingCheckpoint.LoadParameters(result.GetValue(weights)!, net.Description, parameters, MissingAuxiliaryHeads.Keep);
            if (TrainingCheckpoint.AuxiliaryHeadsMissingFrom(file, net.Description) is { Count: > 0 } absent)
                AnsiConsole.MarkupLine($"[dim]No weights for the auxiliary heads {string.Join(", ", absent)}: evaluation does not use them.[/]");
            var data = TrainingData.For(net, result.GetValue(dataOption), trainSamples: null);
            using var gpu = result.GetValue(device) == "cuda" ? GpuSession.Open(net) : null;
            ITrainer evaluator = gpu is null
                ? new Trainer(net, parameters, new Sgd(0), batchSize: 256)
                : new GpuTrainer(net, gpu.Backend, parameters, new Sgd(0), batchSize: 256);
            using var disposeEvaluator = evaluator as IDisposable;
            var r = evaluator.Evaluate(data.Test);
            if (data.Segmentation)
            {
                var metrics = SegmentationMetrics.Measure(net, parameters, data.Test);
                AnsiConsole.MarkupLine($"{net.Description.Name} on {r.Samples:N0} held-out images: mean IoU [bold]{metrics.MeanIoU:P2}[/] "
                    + $"({TrainCommand.PerClass(metrics)}), pixel accuracy {r.Top1Accuracy:P2}, loss {r.MeanLoss:0.0000}");
                return 0;
            }
            AnsiConsole.MarkupLine($"{net.Description.Name} on {r.Samples:N0} test images: top-1 [bold]{r.Top1Accuracy:P2}[/], top-5 {r.Top5Accuracy:P2}, loss {r.MeanLoss:0.0000}");
            return 0;
        }));
        return command;
    }
}
