using NetDsl.Runtime.Checkpoints;
using NetDsl.Runtime.Tests.Data;
using NetDsl.Runtime.Tests.Networks;
using NetDsl.Runtime.Training;

namespace NetDsl.Runtime.Tests.Training;

/// <summary>Checkpoints through safetensors files: a resumed run equals an uninterrupted one; bad files are refused whole.</summary>
public class TrainingCheckpointTests
{
    private static readonly Shape Image = new(1, 2, 2);

    private static Trainer Make(IOptimizer? optimizer = null) =>
        new(new LinearClassifier(Image, 3, dropout: 0.25), Initialized(), optimizer ?? new Sgd(0.05, 0.9, 1e-3), batchSize: 10, seed: 9,
            schedule: new CosineAnnealing(0.05, 12), workers: 2);

    private static float[] Initialized()
    {
        var parameters = new float[15];
        new LinearClassifier(Image, 3).InitializeParameters<float>(parameters, 3);
        return parameters;
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    public void Resuming_from_a_file_equals_uninterrupted_training(string optimizer)
    {
        using var dir = new TempDirectory();
        var data = InMemoryBatchSource.Blobs(40);
        IOptimizer Optimizer() => optimizer == "adam" ? new Adam(0.01, weightDecay: 1e-3) : new Sgd(0.05, 0.9, 1e-3);

        var uninterrupted = Make(Optimizer());
        for (int e = 0; e < 3; e++) uninterrupted.TrainEpoch(data);

        var first = Make(Optimizer());
        first.TrainEpoch(data);
        string path = dir.File("run.safetensors");
        TrainingCheckpoint.Save(path, first);
        var resumed = Make(Optimizer());
        TrainingCheckpoint.Resume(path, resumed);
        resumed.TrainEpoch(data);
        resumed.TrainEpoch(data);

        Assert.Equal(uninterrupted.Parameters, resumed.Parameters);
        Assert.Equal(3, resumed.Epoch);
    }

    [Fact]
    public void Parameters_are_stored_under_their_names_and_shapes()
    {
        using var dir = new TempDirectory();
        var trainer = Make();
        trainer.TrainEpoch(InMemoryBatchSource.Blobs(20));   // momentum exists from the first step on
        string path = dir.File("run.safetensors");
        TrainingCheckpoint.Save(path, trainer);

        var file = SafeTensors.Read(path);
        foreach (var p in trainer.Network.Description.Parameters)
        {
            Assert.Equal(p.Dims, file[p.Name].Shape);
            Assert.Equal(trainer.Parameters.AsSpan(p.Offset, p.Length).ToArray(), file[p.Name].Data);
        }
        Assert.Equal("sgd", file.Metadata["optimizer"]);
        Assert.Contains(file.Tensors, t => t.Name == "optimizer.momentum_buffer");
    }

    [Fact]
    public void A_file_missing_a_parameter_or_with_a_wrong_shape_is_refused_and_nothing_is_loaded()
    {
        using var dir = new TempDirectory();
        var description = new LinearClassifier(Image, 3).Description;
        var names = description.Parameters.Select(p => p.Name).ToArray();
        string path = dir.File("partial.safetensors");
        SafeTensors.Write(path, [new TensorEntry(names[0], [1, 2], new float[2])]);
        var parameters = Enumerable.Repeat(7f, 15).ToArray();

        var error = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.LoadParameters(path, description, parameters));

        Assert.Contains($"'{names[0]}' has shape [1, 2], expected [{string.Join(", ", description.Parameters[0].Dims)}]", error.Message);
        Assert.Contains($"'{names[1]}' is missing", error.Message);
        Assert.All(parameters, p => Assert.Equal(7f, p));
    }

    [Fact]
    public void Weights_without_the_auxiliary_heads_are_refused_unless_the_heads_may_be_kept()
    {
        using var dir = new TempDirectory();
        var network = new AuxiliaryHeads().Description;
        var saved = Enumerable.Range(0, network.ParameterCount).Select(i => 0.01f * i).ToArray();
        var auxiliary = network.ParametersOf("Aux1").Concat(network.ParametersOf("Aux2")).Select(p => p.Name).ToHashSet();
        string path = dir.File("main-only.safetensors");
        SafeTensors.Write(path, network.Parameters.Where(p => !auxiliary.Contains(p.Name))
            .Select(p => new TensorEntry(p.Name, p.Dims, saved.AsSpan(p.Offset, p.Length).ToArray())));
        var parameters = Enumerable.Repeat(7f, network.ParameterCount).ToArray();

        var error = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.LoadParameters(path, network, parameters));
        Assert.All(auxiliary, name => Assert.Contains($"'{name}' is missing", error.Message));
        Assert.Contains("no tensor of the auxiliary heads Aux1, Aux2", error.Message);
        Assert.Contains("MissingAuxiliaryHeads.Keep", error.Message);
        Assert.All(parameters, p => Assert.Equal(7f, p));

        var file = TrainingCheckpoint.LoadParameters(path, network, parameters, MissingAuxiliaryHeads.Keep);
        Assert.Equal(["Aux1", "Aux2"], TrainingCheckpoint.AuxiliaryHeadsMissingFrom(file, network));
        foreach (var p in network.Parameters)
            Assert.Equal(auxiliary.Contains(p.Name) ? Enumerable.Repeat(7f, p.Length) : saved.AsSpan(p.Offset, p.Length).ToArray(),
                parameters.AsSpan(p.Offset, p.Length).ToArray());
    }

    [Fact]
    public void An_auxiliary_head_missing_only_some_tensors_is_refused_even_when_heads_may_be_kept()
    {
        using var dir = new TempDirectory();
        var network = new AuxiliaryHeads().Description;
        string lost = network.ParametersOf("Aux2").First().Name;
        string path = dir.File("partial.safetensors");
        SafeTensors.Write(path, network.Parameters.Where(p => p.Name != lost).Select(p => new TensorEntry(p.Name, p.Dims, new float[p.Length])));

        var error = Assert.Throws<InvalidDataException>(() =>
            TrainingCheckpoint.LoadParameters(path, network, new float[network.ParameterCount], MissingAuxiliaryHeads.Keep));
        Assert.EndsWith($"does not hold AuxiliaryHeads's parameters: '{lost}' is missing.", error.Message);
        Assert.Empty(TrainingCheckpoint.AuxiliaryHeadsMissingFrom(SafeTensors.Read(path), network));
    }

    [Fact]
    public void Resuming_with_another_optimizer_is_refused_with_the_reason()
    {
        using var dir = new TempDirectory();
        string path = dir.File("run.safetensors");
        TrainingCheckpoint.Save(path, Make(new Adam()));

        var error = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Resume(path, Make()));
        Assert.Contains("was trained with adam", error.Message);
    }

    [Fact]
    public void Weights_only_files_load_as_parameters_but_do_not_resume()
    {
        using var dir = new TempDirectory();
        var trainer = Make();
        string path = dir.File("weights.safetensors");
        TrainingCheckpoint.SaveParameters(path, trainer.Network.Description, trainer.Parameters);

        var loaded = new float[15];
        TrainingCheckpoint.LoadParameters(path, trainer.Network.Description, loaded);
        Assert.Equal(trainer.Parameters, loaded);
        var error = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Resume(path, Make()));
        Assert.Contains("is not a NetDsl training checkpoint", error.Message);
    }
}
