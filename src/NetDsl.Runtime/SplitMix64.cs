namespace NetDsl.Runtime;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, fast generator whose whole state is one ulong. Every random stream
/// in NetDsl (shuffles, initialization, dropout masks) is derived by hashing (seed, stream, counter), so randomness
/// never needs saving beyond the seed and does not depend on how work is split across threads.
/// </summary>
internal struct SplitMix64(ulong state)
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    public ulong Next() => Mix(state += Golden);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal by Box–Muller; the second variate is discarded to keep stream positions simple.</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Uniform in [0, bound), without modulo bias (Lemire 2019).</summary>
    public uint NextBelow(uint bound)
    {
        ulong product = (ulong)(uint)(Next() >> 32) * bound;
        if ((uint)product < bound)
        {
            uint threshold = (0u - bound) % bound;
            while ((uint)product < threshold) product = (ulong)(uint)(Next() >> 32) * bound;
        }
        return (uint)(product >> 32);
    }

    /// <summary>A well-mixed 64-bit value of (seed, stream, counter); distinct inputs give independent-looking outputs.</summary>
    public static ulong Hash(ulong seed, ulong stream, ulong counter) =>
        Mix(Mix(Mix(seed + Golden) ^ stream) + counter * Golden);

    /// <summary>Fisher–Yates: a uniformly random permutation of 0..order.Length-1.</summary>
    public void Permutation(Span<int> order)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)NextBelow((uint)i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
