using NetDsl.Runtime;
using NetDsl.Runtime.Data;

namespace NetDsl.Cli.Commands;

/// <summary>
/// The data a zoo network trains and is tested on, chosen by what it predicts: class labels of 1×28×28 images come
/// from Fashion-MNIST, 4-class label maps from <see cref="SyntheticShapes"/> generated at the network's input size.
/// Each kind has the training settings that suit it, which the command line's options override.
/// </summary>
internal sealed record TrainingData(string Name, string Origin, IBatchSource Train, IBatchSource Test, TrainingDefaults Defaults)
{
    public const int DefaultShapes = 10_000, HeldOutShapes = 1_000;
    // The held-out shapes are another seed's, so no training image is among them, whatever --train-samples says.
    private const ulong TrainSeed = 1, HeldOutSeed = 2;

    public static readonly TrainingDefaults FashionMnistDefaults = new(Epochs: 10, Batch: 64, LearningRate: 0.05, Optimizer: "sgd", WeightDecay: 5e-4);
    // Measured on shapesunet with 3,000 shapes for 3 epochs: SGD at the Fashion-MNIST settings is near 33 % mean IoU,
    // Adam 50 % at batch 32, 73 % at batch 16 and 83 % at batch 8 (74 % to 86 % over 5 seeds).
    public static readonly TrainingDefaults ShapesDefaults = new(Epochs: 4, Batch: 8, LearningRate: 0.003, Optimizer: "adam", WeightDecay: 0);

    /// <summary>Whether the targets are per-pixel label maps, scored by mean IoU.</summary>
    public bool Segmentation => Train.Targets.Kind == TargetKind.ClassMap;

    /// <param name="directory">Fashion-MNIST's folder (--data); refused for generated data.</param>
    /// <param name="trainSamples">How many shapes to generate for training (--train-samples); refused for Fashion-MNIST.</param>
    public static TrainingData For(ICpuNetwork network, string? directory, int? trainSamples)
    {
        var d = network.Description;
        if (d.Targets.Kind != TargetKind.ClassMap)
        {
            if (trainSamples is not null)
                throw new ArgumentException($"--train-samples sizes generated data; {d.Name} trains on Fashion-MNIST, which has 60,000 images.");
            var fashion = FashionMnist.Load(directory);
            return new TrainingData("Fashion-MNIST", $"{fashion.Train.Count:N0} train / {fashion.Test.Count:N0} test images from {fashion.Directory}",
                fashion.Train, fashion.Test, FashionMnistDefaults);
        }

        if (d.Targets.Classes != SyntheticShapes.ClassCount || d.Input.Channels != 3 || d.Input.Height != d.Input.Width
            || d.Targets.Shape.Height != d.Input.Height || d.Targets.Shape.Width != d.Input.Width)
            throw new ArgumentException($"{d.Name} takes {d.Input} with {d.Targets}; the synthetic shapes it could train on are square 3-channel "
                + $"images with label maps of their size and {SyntheticShapes.ClassCount} classes ({string.Join(", ", SyntheticShapes.ClassNames)}).");
        if (directory is not null)
            throw new ArgumentException($"--data is Fashion-MNIST's folder; {d.Name} trains on synthetic shapes, generated as it goes.");
        int count = trainSamples ?? DefaultShapes;
        if (count < 1) throw new ArgumentException($"--train-samples must be at least 1, not {count}.");
        int size = d.Input.Height, ignore = d.Targets.IgnoreLabel;
        var train = new SyntheticShapes(count, TrainSeed, size, ignoreLabel: ignore);
        var test = new SyntheticShapes(HeldOutShapes, HeldOutSeed, size, ignoreLabel: ignore);
        return new TrainingData("synthetic shapes", $"{count:N0} train / {HeldOutShapes:N0} held-out {size}×{size} images, generated", train, test, ShapesDefaults);
    }
}

/// <summary>Training settings for a kind of data, used where the command line gives none.</summary>
internal sealed record TrainingDefaults(int Epochs, int Batch, double LearningRate, string Optimizer, double WeightDecay);
