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
        var random = new Random(StreamSeed(seed, stream));
        double std = Math.Sqrt(2.0 / fanIn);
        for (int i = 0; i < weights.Length; i++) weights[i] = T.CreateChecked(std * random.NextGaussian());
    }

    /// <summary>Xavier (Glorot) uniform: U(−a, a) with a = √(6 / (fanIn + fanOut)), for tanh, sigmoid and logits.</summary>
    public static void XavierUniform<T>(Span<T> weights, int fanIn, int fanOut, ulong seed, int stream) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(StreamSeed(seed, stream));
        double bound = Math.Sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < weights.Length; i++) weights[i] = T.CreateChecked(bound * (2 * random.NextDouble() - 1));
    }

    private static ulong StreamSeed(ulong seed, int stream) => SplitMix64.Mix(seed ^ SplitMix64.Mix((ulong)stream + 0x9E3779B97F4A7C15UL));

    /// <summary>A small seedable generator (SplitMix64 state, xorshift-free): fast, reproducible across platforms.</summary>
    private sealed class Random(ulong state)
    {
        private ulong _state = state;

        public double NextDouble() => (SplitMix64.Next(ref _state) >> 11) * (1.0 / (1UL << 53));

        /// <summary>Box–Muller; discards the second variate to keep the stream position simple.</summary>
        public double NextGaussian()
        {
            double u1 = 1.0 - NextDouble(), u2 = NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
    }
}

/// <summary>SplitMix64: the mixing function and its counter-based generator.</summary>
public static class SplitMix64
{
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Next(ref ulong state) => Mix(state += 0x9E3779B97F4A7C15UL);
}
