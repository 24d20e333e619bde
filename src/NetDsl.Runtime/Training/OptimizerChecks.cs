namespace NetDsl.Runtime.Training;

/// <summary>Argument and state validation shared by the optimizers.</summary>
internal static class OptimizerChecks
{
    public static void SameLength(ReadOnlySpan<float> parameters, ReadOnlySpan<float> gradients, float[]? state)
    {
        if (gradients.Length != parameters.Length)
            throw new ArgumentException($"{gradients.Length} gradients for {parameters.Length} parameters.", nameof(gradients));
        if (state is not null && state.Length != parameters.Length)
            throw new ArgumentException(
                $"The optimizer state holds {state.Length} values per buffer but the parameter buffer has {parameters.Length}.",
                nameof(parameters));
    }

    public static void KnownBuffers(OptimizerState state, params ReadOnlySpan<string> known)
    {
        foreach (var (name, buffer) in state.Buffers)
        {
            if (!known.Contains(name))
                throw new ArgumentException($"Unexpected buffer '{name}' in {state.Optimizer} state.", nameof(state));
            ArgumentNullException.ThrowIfNull(buffer, name);
        }
        int lengths = state.Buffers.Values.Select(b => b.Length).Distinct().Count();
        if (lengths > 1) throw new ArgumentException($"The {state.Optimizer} state buffers differ in length.", nameof(state));
    }
}
