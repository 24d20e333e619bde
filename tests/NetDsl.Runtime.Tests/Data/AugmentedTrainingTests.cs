using NetDsl.Runtime.Data;
using NetDsl.Runtime.Tests.Training;
using NetDsl.Runtime.Training;

namespace NetDsl.Runtime.Tests.Data;

/// <summary>The recipe in <see cref="AugmentedBatchSource"/>'s docs, run through the real trainer.</summary>
public sealed class AugmentedTrainingTests
{
    private const int Epochs = 3;
    private static readonly Shape Image = new(1, 2, 2);

    private static Trainer MakeTrainer()
    {
        var network = new LinearClassifier(Image, 3);
        var parameters = new float[network.Description.ParameterCount];
        network.InitializeParameters<float>(parameters, 3);
        return new Trainer(network, parameters, new Sgd(0.1, momentum: 0.9), batchSize: 10, seed: 7, workers: 2);
    }

    private static AugmentedBatchSource Augmented(InMemoryBatchSource data) =>
        Augmentation.CropAndFlip(data, padValue: 0, padding: 1, flipProbability: 0.5, seed: 7);

    /// <summary>Trains up to <see cref="Epochs"/>, setting the augmentation's epoch from the trainer's unless told not to.</summary>
    private static void TrainToEnd(Trainer trainer, AugmentedBatchSource data, bool followTrainerEpoch = true, CancellationToken ct = default)
    {
        while (trainer.Epoch < Epochs)
        {
            if (followTrainerEpoch) data.Epoch = trainer.Epoch;
            trainer.TrainEpoch(data, ct: ct);
        }
    }

    [Fact]
    public void A_run_resumed_mid_epoch_sees_the_same_augmentations_as_an_uninterrupted_one()
    {
        var uninterrupted = MakeTrainer();
        TrainToEnd(uninterrupted, Augmented(InMemoryBatchSource.Blobs(40)));

        // Interrupted in the second epoch after 2 of its 4 batches, then resumed by a fresh trainer over a fresh source.
        var interruptedData = InMemoryBatchSource.Blobs(40);
        using var stop = new CancellationTokenSource();
        interruptedData.OnFill = fills => { if (fills == 6) stop.Cancel(); };
        var interrupted = MakeTrainer();
        Assert.Throws<OperationCanceledException>(() => TrainToEnd(interrupted, Augmented(interruptedData), ct: stop.Token));
        Assert.Equal((1, 2), (interrupted.Epoch, interrupted.BatchInEpoch));
        var resumed = MakeTrainer();
        interrupted.Parameters.CopyTo(resumed.Parameters);
        resumed.ImportState(interrupted.ExportState());
        TrainToEnd(resumed, Augmented(InMemoryBatchSource.Blobs(40)));

        Assert.Equal(uninterrupted.Parameters, resumed.Parameters);

        // The comparison is sensitive to the augmentations: repeating epoch 0's every epoch trains differently.
        var stale = MakeTrainer();
        TrainToEnd(stale, Augmented(InMemoryBatchSource.Blobs(40)), followTrainerEpoch: false);
        Assert.NotEqual(uninterrupted.Parameters, stale.Parameters);
    }
}
