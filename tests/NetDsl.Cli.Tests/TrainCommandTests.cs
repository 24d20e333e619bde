using System.Text.RegularExpressions;

namespace NetDsl.Cli.Tests;

/// <summary>
/// <c>netdsl train</c> and <c>eval</c> on a segmentation network end to end: its data (synthetic shapes) is chosen
/// by its label-map targets, each epoch reports the held-out mean IoU, and the checkpoint evaluates to the same score.
/// A few dozen images keep it to seconds; how well the network learns is SegmentationTrainingTests' concern.
/// </summary>
[Collection(nameof(NetdslCollection))]
public sealed class TrainCommandTests : IDisposable
{
    readonly string _out = Directory.CreateTempSubdirectory("netdsl-train-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void A_segmentation_network_trains_on_synthetic_shapes_and_reports_mean_IoU()
    {
        string checkpoint = Path.Combine(_out, "shapes.safetensors");
        var result = Processes.Netdsl(["train", "shapesunet", "--epochs", "2", "--train-samples", "48", "--workers", "2", "--out", checkpoint]);

        Assert.True(result.ExitCode == 0, result.ToString());
        string text = OneLine(result.Output);   // Spectre wraps long lines at 132 columns
        Assert.StartsWith("Training ShapesUNet (94,628 parameters) on synthetic shapes (48 train / 1,000 held-out 32×32 images, generated): "
            + "adam lr 0.003 (cosine), batch 8, 2 worker(s), seed 1.", text);
        var epochs = Regex.Matches(text, @"epoch (\d)/2 loss \d+\.\d{4} train [\d.]+ % held-out loss \d+\.\d{4} pixels [\d.]+ % mIoU ([\d.]+) %");
        Assert.Equal(["1", "2"], epochs.Select(m => m.Groups[1].Value));
        var final = Regex.Match(text, @"Held-out mean IoU: ([\d.]+) % \(IoU background [\d.]+ %, circle [\d.]+ %, square [\d.]+ %, triangle [\d.]+ %\), "
            + @"pixel accuracy [\d.]+ %, loss [\d.]+ after 2 epochs; checkpoint ");
        Assert.True(final.Success, text);
        Assert.Equal(final.Groups[1].Value, epochs[^1].Groups[2].Value);
        Assert.True(File.Exists(checkpoint));

        var eval = Processes.Netdsl(["eval", "shapesunet", "--weights", checkpoint]);
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.StartsWith($"ShapesUNet on 1,000 held-out images: mean IoU {final.Groups[1].Value} % (IoU background ", OneLine(eval.Output));
    }

    static string OneLine(string output) => Regex.Replace(output, @"\s+", " ").Trim();

    [Theory]
    [InlineData("--augment", "--augment shifts and flips images, not their label maps; ShapesUNet trains on synthetic shapes.")]
    [InlineData("--data=/tmp", "--data is Fashion-MNIST's folder; ShapesUNet trains on synthetic shapes, generated as it goes.")]
    public void Options_that_do_not_fit_synthetic_shapes_are_refused(string option, string message)
    {
        var result = Processes.Netdsl(["train", "shapesunet", option, "--out", Path.Combine(_out, "unused.safetensors")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal($"error: {message}", OneLine(result.Output));
    }

    [Fact]
    public void Train_samples_is_refused_for_a_Fashion_MNIST_network()
    {
        var result = Processes.Netdsl(["train", "lenet5", "--train-samples", "100"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --train-samples sizes generated data; LeNet5 trains on Fashion-MNIST, which has 60,000 images.", OneLine(result.Output));
    }
}
