using System.Numerics;
using System.Text;

namespace NetDsl.Runtime.Tests.Networks;

/// <summary>
/// The weight and input generator of fixtures/make_torchvision_fixtures.py, bit for bit, so networks with millions
/// of parameters can be compared with torchvision without committing their weights. Element i of tensor "name":
/// <code>
///   key   = FNV-1a 64 of name's UTF-8 bytes ("input" for the input batch)
///   z     = SplitMix64 finalizer of key + (i + 1) * 0x9E3779B97F4A7C15     (the (i+1)-th SplitMix64 output)
///   u     = (z &gt;&gt; 40) / 2^24 - 0.5                                        (24 bits: exact; u in [-0.5, 0.5))
///   value = (float)(offset + scale * u)                                      (double arithmetic, one rounding)
/// </code>
/// with (scale, offset) from <see cref="Rule"/>. Random access by index, so any slice can be generated on its own.
/// Deliberately independent of the runtime's SplitMix64: this is a cross-language spec, not an implementation detail.
/// </summary>
internal static class DeterministicWeights
{
    public const string InputName = "input";
    private const ulong Golden = 0x9E3779B97F4A7C15;

    public static ulong NameKey(string name)
    {
        ulong h = 0xCBF29CE484222325;
        foreach (byte b in Encoding.UTF8.GetBytes(name)) h = (h ^ b) * 0x100000001B3;
        return h;
    }

    public static ulong Bits(ulong key, long index) => Mix(key + (ulong)(index + 1) * Golden);

    /// <summary>
    /// (scale, offset) by name suffix and rank: He-uniform conv/linear weights keep ReLU activations O(1) through
    /// 150 layers; BatchNorm's affine terms and running statistics stay near identity, the variance positive.
    /// </summary>
    /// <exception cref="ArgumentException">No rule for this kind of tensor: better to fail than to guess.</exception>
    public static (double Scale, double Offset) Rule(string name, ReadOnlySpan<int> dims)
    {
        if (name == InputName) return (2.0 * Math.Sqrt(3.0), 0.0); // unit variance, like normalized images
        if (name.EndsWith(".weight", StringComparison.Ordinal) && dims.Length >= 2)
        {
            long fanIn = 1;
            foreach (int d in dims[1..]) fanIn *= d;
            return (2.0 * Math.Sqrt(6.0 / fanIn), 0.0);
        }
        if (name.EndsWith(".weight", StringComparison.Ordinal) && dims.Length == 1) return (0.1, 1.0);
        if (name.EndsWith(".bias", StringComparison.Ordinal) || name.EndsWith(".running_mean", StringComparison.Ordinal)) return (0.1, 0.0);
        if (name.EndsWith(".running_var", StringComparison.Ordinal)) return (0.5, 1.25);
        throw new ArgumentException($"No generator rule for '{name}' [{string.Join(", ", dims.ToArray())}]; " +
                                    "add one here and in make_torchvision_fixtures.py.", nameof(name));
    }

    public static float Value(string name, ReadOnlySpan<int> dims, long index)
    {
        var (scale, offset) = Rule(name, dims);
        return Value(NameKey(name), scale, offset, index);
    }

    /// <summary>Elements [start, start + destination.Length) of the tensor, widened exactly to T.</summary>
    public static void Generate<T>(string name, ReadOnlySpan<int> dims, Span<T> destination, long start = 0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (scale, offset) = Rule(name, dims);
        ulong key = NameKey(name);
        for (int i = 0; i < destination.Length; i++) destination[i] = T.CreateChecked(Value(key, scale, offset, start + i));
    }

    /// <summary>Every tensor of the network, trainable or not, by its <see cref="ParameterInfo.Name"/>.</summary>
    public static void Fill<T>(NetworkDescription network, Span<T> parameters) where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (var p in network.Parameters) Generate(p.Name, p.Dims, parameters.Slice(p.Offset, p.Length));
    }

    /// <summary>The first destination.Length values of the input batch; a batch of n samples is the first n of any larger one.</summary>
    public static void FillInput<T>(Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> =>
        Generate(InputName, default, destination);

    private static float Value(ulong key, double scale, double offset, long index)
    {
        double u = (Bits(key, index) >> 40) / 16777216.0 - 0.5;
        return (float)(offset + scale * u);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
