using System.Numerics;

namespace NetDsl.Runtime;

/// <summary>
/// Seeded weight initializers called by generated code. Each tensor draws from its own stream
/// (seed, stream index), so results do not depend on the order or number of other tensors.
/// </summary>
public static class Initialization
{
    /// <summary>He (Kaiming) normal: N(0, 2/fanIn), for weights feeding a ReLU.</summary>
    public static void HeNormal<T>(Span<T> weights, int fanIn, ulong seed, int stream) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new SplitMix64(SplitMix64.Hash(seed, (ulong)stream, 0));
        double std = Math.Sqrt(2.0 / fanIn);
        for (int i = 0; i < weights.Length; i++) weights[i] = T.CreateChecked(std * random.NextGaussian());
    }

    /// <summary>Xavier (Glorot) uniform: U(−a, a) with a = √(6 / (fanIn + fanOut)), for tanh, sigmoid and logits.</summary>
    public static void XavierUniform<T>(Span<T> weights, int fanIn, int fanOut, ulong seed, int stream) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new SplitMix64(SplitMix64.Hash(seed, (ulong)stream, 0));
        double bound = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++) weights[i] = T.CreateChecked(bound * (2 * random.NextDouble() - 1));
    }
}
