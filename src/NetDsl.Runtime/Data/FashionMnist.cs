using System.Collections.Immutable;

namespace NetDsl.Runtime.Data;

/// <summary>Fashion-MNIST: 60,000 training and 10,000 test images of clothing, 28 × 28 grey levels, 10 classes.</summary>
public sealed class FashionMnist
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs it.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Mean of pixel/255 over the training set (measured: 0.286041).</summary>
    public const float Mean = 0.2860f;

    /// <summary>Standard deviation of pixel/255 over the training set (measured: 0.353024).</summary>
    public const float Std = 0.3530f;

    public static ImmutableArray<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private const string HowToGetIt =
        "Install it with 'sudo apt-get install dataset-fashion-mnist', or pass --data DIR pointing at a folder with the four IDX files.";

    private FashionMnist(string directory, LabeledImages train, LabeledImages test)
    {
        Directory = directory;
        Train = train;
        Test = test;
    }

    public string Directory { get; }
    public LabeledImages Train { get; }
    public LabeledImages Test { get; }

    /// <summary>Loads the four IDX files from <paramref name="directory"/> (default <see cref="DefaultDirectory"/>), each gzipped (.gz) or raw.</summary>
    /// <exception cref="DatasetNotFoundException">The folder or one of the files is missing.</exception>
    /// <exception cref="IdxFormatException">A file is malformed or inconsistent with its partner.</exception>
    public static FashionMnist Load(string? directory = null)
    {
        directory = Path.GetFullPath(directory ?? DefaultDirectory);
        if (!System.IO.Directory.Exists(directory))
            throw new DatasetNotFoundException($"Fashion-MNIST not found: directory {directory} does not exist. {HowToGetIt}", [directory]);

        string[] names = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
        var paths = names.Select(name => Locate(directory, name)).ToArray();
        var missing = names.Where((_, i) => paths[i] is null).Select(name => Path.Combine(directory, name)).ToArray();
        if (missing.Length > 0)
        {
            string list = string.Join(" and ", missing.Select(path => $"{path}(.gz)"));
            string verb = missing.Length == 1 ? "does" : "do";
            throw new DatasetNotFoundException($"Fashion-MNIST not found: {list} {verb} not exist. {HowToGetIt}", missing);
        }

        var train = LabeledImages.Load(paths[0]!, paths[1]!, ClassNames.Length, Mean, Std);
        var test = LabeledImages.Load(paths[2]!, paths[3]!, ClassNames.Length, Mean, Std);
        if (test.SampleShape != train.SampleShape)
            throw new IdxFormatException(paths[2]!, $"expected images of the training set's size {train.SampleShape} ({paths[0]}), found {test.SampleShape}");
        return new FashionMnist(directory, train, test);
    }

    /// <summary>The gzipped file as distributed, else the decompressed one; null if neither exists.</summary>
    private static string? Locate(string directory, string name)
    {
        string raw = Path.Combine(directory, name);
        string gzipped = raw + ".gz";
        return File.Exists(gzipped) ? gzipped : File.Exists(raw) ? raw : null;
    }
}
