using System.Globalization;
using NetDsl.Runtime.Checkpoints;

namespace NetDsl.Runtime.Training;

/// <summary>
/// Checkpoints as safetensors: every parameter under its PyTorch name and shape (so the file loads into the
/// equivalent torch module), the optimizer's buffers as flat tensors named <c>optimizer.NAME</c>, and the trainer's
/// position and seed as metadata, so training resumes exactly where it stopped.
/// </summary>
public static class TrainingCheckpoint
{
    private const string OptimizerPrefix = "optimizer.";

    /// <summary>Writes atomically: a crash mid-save leaves the previous checkpoint intact. A GPU trainer's state is read back first.</summary>
    public static void Save(string path, ITrainer trainer)
    {
        var state = trainer.ExportState();
        var parameters = new float[trainer.Network.Description.ParameterCount];
        trainer.ReadParameters(parameters);
        var tensors = ParameterTensors(trainer.Network.Description, parameters)
            .Concat(state.Optimizer.Buffers.OrderBy(b => b.Key, StringComparer.Ordinal)
                .Select(b => new TensorEntry(OptimizerPrefix + b.Key, [b.Value.Length], b.Value)));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "netdsl.checkpoint.v1",
            ["network"] = trainer.Network.Description.Name,
            ["epoch"] = Invariant(state.Epoch),
            ["step"] = Invariant(state.Step),
            ["batch_in_epoch"] = Invariant(state.BatchInEpoch),
            ["batch_size"] = Invariant(trainer.BatchSize),
            ["seed"] = Invariant(state.Seed),
            ["optimizer"] = state.Optimizer.Optimizer,
            ["optimizer_steps"] = Invariant(state.Optimizer.Steps),
        };
        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>Only the parameters, under their PyTorch names: what inference and interop need.</summary>
    public static void SaveParameters(string path, NetworkDescription network, float[] parameters) =>
        SafeTensors.Write(path, ParameterTensors(network, parameters), new Dictionary<string, string> { ["network"] = network.Name });

    /// <summary>
    /// Fills <paramref name="parameters"/> from a checkpoint or a converted PyTorch state_dict. Every parameter must be
    /// present with its exact shape; anything missing or mis-shaped is listed, and the buffer is untouched on failure.
    /// With <see cref="MissingAuxiliaryHeads.Keep"/>, an auxiliary head none of whose tensors the file holds is passed
    /// over instead, its parameters left as they are (<see cref="AuxiliaryHeadsMissingFrom"/> names such heads).
    /// </summary>
    public static SafeTensorsFile LoadParameters(string path, NetworkDescription network, float[] parameters,
        MissingAuxiliaryHeads missingAuxiliaryHeads = MissingAuxiliaryHeads.Refuse)
    {
        var file = SafeTensors.Read(path);
        var absentHeads = AuxiliaryHeadsMissingFrom(file, network);
        var passedOver = missingAuxiliaryHeads == MissingAuxiliaryHeads.Keep
            ? absentHeads.SelectMany(network.ParametersOf).Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : [];
        var loaded = network.Parameters.Where(p => !passedOver.Contains(p.Name)).ToList();
        var problems = new List<string>();
        foreach (var p in loaded)
        {
            if (!file.TryGetTensor(p.Name, out var tensor)) problems.Add($"'{p.Name}' is missing");
            else if (!tensor.Shape.SequenceEqual(p.Dims))
                problems.Add($"'{p.Name}' has shape [{string.Join(", ", tensor.Shape)}], expected [{string.Join(", ", p.Dims)}]");
        }
        if (problems.Count > 0)
        {
            string hint = missingAuxiliaryHeads == MissingAuxiliaryHeads.Refuse && absentHeads.Count > 0
                ? $" The file has no tensor of the auxiliary heads {string.Join(", ", absentHeads)}, which only training uses; " +
                  "to load weights from a model without them (torchvision's googlenet(aux_logits=False)), pass MissingAuxiliaryHeads.Keep."
                : "";
            throw new InvalidDataException($"{path} does not hold {network.Name}'s parameters: {string.Join("; ", problems)}.{hint}");
        }
        foreach (var p in loaded) file[p.Name].Data.CopyTo(parameters.AsSpan(p.Offset, p.Length));
        return file;
    }

    /// <summary>
    /// The auxiliary heads (stage names) that have parameters but none of them in <paramref name="file"/>: a model
    /// saved without them, such as torchvision's googlenet(aux_logits=False). A head with only some is not listed.
    /// </summary>
    public static IReadOnlyList<string> AuxiliaryHeadsMissingFrom(SafeTensorsFile file, NetworkDescription network) =>
        network.Heads.Where(h => h.TrainingOnly).Select(h => h.Stage)
            .Where(stage => network.ParametersOf(stage).Any() && network.ParametersOf(stage).All(p => !file.TryGetTensor(p.Name, out _)))
            .ToList();

    /// <summary>
    /// Restores parameters, optimizer state, epoch, step and seed into a trainer built with the same settings, on either
    /// device: CPU and GPU trainers keep the same state.
    /// </summary>
    public static void Resume(string path, ITrainer trainer)
    {
        var staged = new float[trainer.Network.Description.ParameterCount];
        var file = LoadParameters(path, trainer.Network.Description, staged);
        var meta = file.Metadata;
        string Field(string key) => meta.TryGetValue(key, out var value) ? value
            : throw new InvalidDataException($"{path} is not a NetDsl training checkpoint: metadata '{key}' is missing (it can still be loaded as weights).");

        if (Field("network") != trainer.Network.Description.Name)
            throw new InvalidDataException($"{path} is a checkpoint of {Field("network")}, not {trainer.Network.Description.Name}.");
        if (Field("optimizer") != trainer.Optimizer.ExportState().Optimizer)
            throw new InvalidDataException($"{path} was trained with {Field("optimizer")}; resume it with the same optimizer.");
        if (int.Parse(Field("batch_size"), CultureInfo.InvariantCulture) != trainer.BatchSize && Field("batch_in_epoch") != "0")
            throw new InvalidDataException($"{path} stopped mid-epoch with batch size {Field("batch_size")}; resume it with the same batch size.");

        var buffers = file.Tensors.Where(t => t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Name[OptimizerPrefix.Length..], t => t.Data);
        var state = new TrainerState(
            int.Parse(Field("epoch"), CultureInfo.InvariantCulture),
            long.Parse(Field("step"), CultureInfo.InvariantCulture),
            int.Parse(Field("batch_in_epoch"), CultureInfo.InvariantCulture),
            ulong.Parse(Field("seed"), CultureInfo.InvariantCulture),
            new OptimizerState(Field("optimizer"), long.Parse(Field("optimizer_steps"), CultureInfo.InvariantCulture), buffers));
        trainer.ImportState(state);
        trainer.WriteParameters(staged);
    }

    private static IEnumerable<TensorEntry> ParameterTensors(NetworkDescription network, float[] parameters) =>
        network.Parameters.Select(p => new TensorEntry(p.Name, p.Dims, parameters.AsSpan(p.Offset, p.Length).ToArray()));

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
