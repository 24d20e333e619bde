namespace NetDsl.Runtime.Training;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, fast generator whose whole state is one ulong. The trainer derives
/// every random stream by hashing (seed, stream, counter), so its randomness never needs saving beyond the seed.
/// </summary>
internal struct SplitMix64(ulong state)
{
    private const ulong Golden = 0x9E3779B97F4A7C15;

    public ulong Next() => Mix(state += Golden);

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

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
