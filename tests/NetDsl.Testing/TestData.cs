using System.Numerics;

namespace NetDsl.Testing;

/// <summary>Reproducible random buffers for numerical tests.</summary>
public static class TestData
{
    /// <summary>length values drawn uniformly from [min, max), deterministic in seed.</summary>
    public static T[] Uniform<T>(int seed, int length, double min = -1, double max = 1) where T : IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (int i = 0; i < length; i++) values[i] = T.CreateTruncating(min + (max - min) * random.NextDouble());
        return values;
    }

    /// <summary>
    /// A shuffled arithmetic sequence: all values distinct and at least spacing apart, so max-selections have no
    /// near-ties for a finite-difference step to flip.
    /// </summary>
    public static T[] DistinctShuffled<T>(int seed, int length, double spacing = 0.01) where T : IFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (int i = 0; i < length; i++) values[i] = T.CreateTruncating((i - length / 2.0) * spacing);
        random.Shuffle(values);
        return values;
    }

    public static T[] Convert<T>(double[] values) where T : IFloatingPointIeee754<T> => values.Select(T.CreateTruncating).ToArray();

    public static double[] ToDouble<T>(T[] values) where T : IFloatingPointIeee754<T> => values.Select(double.CreateTruncating).ToArray();
}
