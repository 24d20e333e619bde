using NetDsl.Runtime.Data;
using static NetDsl.Runtime.Tests.Data.IdxBytes;

namespace NetDsl.Runtime.Tests.Data;

public sealed class FashionMnistTests : IDisposable
{
    private const string HowToGetIt = "Install it with 'sudo apt-get install dataset-fashion-mnist', or pass --data DIR pointing at a folder with the four IDX files.";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Loads_the_four_files_gzipped_or_raw_with_the_data_set_normalization()
    {
        _dir.Write("train-images-idx3-ubyte.gz", Gzip(Images(count: 3, height: 4, width: 4)));
        _dir.Write("train-labels-idx1-ubyte", Labels(9, 0, 5));
        _dir.Write("t10k-images-idx3-ubyte", Images(count: 2, height: 4, width: 4));
        _dir.Write("t10k-labels-idx1-ubyte.gz", Gzip(Labels(1, 2)));

        var data = FashionMnist.Load(_dir.Path);

        Assert.Equal(_dir.Path, data.Directory);
        Assert.Equal(3, data.Train.Count);
        Assert.Equal(2, data.Test.Count);
        Assert.Equal(new Shape(1, 4, 4), data.Test.SampleShape);
        Assert.Equal(10, data.Train.Classes);
        var inputs = new float[16];
        data.Test.Fill([1], inputs, new int[1]);
        Assert.Equal((Pixels(32)[16] / 255.0 - 0.2860) / 0.3530, inputs[0], tolerance: 1e-6);
    }

    [Fact]
    public void Class_names_follow_the_label_order()
    {
        Assert.Equal<string>(["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"], FashionMnist.ClassNames);
    }

    [Fact]
    public void A_missing_file_is_named_with_how_to_get_the_data_set()
    {
        _dir.Write("train-images-idx3-ubyte.gz", Gzip(Images(count: 1, height: 2, width: 2)));
        _dir.Write("train-labels-idx1-ubyte.gz", Gzip(Labels(0)));
        _dir.Write("t10k-labels-idx1-ubyte", Labels(0));

        var e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load(_dir.Path));

        string missing = _dir.File("t10k-images-idx3-ubyte");
        Assert.Equal($"Fashion-MNIST not found: {missing}(.gz) does not exist. {HowToGetIt}", e.Message);
        Assert.Equal([missing], e.MissingPaths);
    }

    [Fact]
    public void Every_missing_file_is_named()
    {
        _dir.Write("train-images-idx3-ubyte", Images(count: 1, height: 2, width: 2));
        _dir.Write("t10k-images-idx3-ubyte", Images(count: 1, height: 2, width: 2));

        var e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load(_dir.Path));

        Assert.Equal($"Fashion-MNIST not found: {_dir.File("train-labels-idx1-ubyte")}(.gz) and {_dir.File("t10k-labels-idx1-ubyte")}(.gz) do not exist. {HowToGetIt}", e.Message);
    }

    [Fact]
    public void A_missing_directory_is_named_with_how_to_get_the_data_set()
    {
        string directory = _dir.File("nowhere");

        var e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load(directory));

        Assert.Equal($"Fashion-MNIST not found: directory {directory} does not exist. {HowToGetIt}", e.Message);
    }

    [Fact]
    public void Test_images_must_have_the_training_image_size()
    {
        _dir.Write("train-images-idx3-ubyte", Images(count: 1, height: 2, width: 2));
        _dir.Write("train-labels-idx1-ubyte", Labels(0));
        _dir.Write("t10k-images-idx3-ubyte", Images(count: 1, height: 3, width: 2));
        _dir.Write("t10k-labels-idx1-ubyte", Labels(0));

        var e = Assert.Throws<IdxFormatException>(() => FashionMnist.Load(_dir.Path));

        Assert.Equal($"{_dir.File("t10k-images-idx3-ubyte")}: expected images of the training set's size (1,2,2) ({_dir.File("train-images-idx3-ubyte")}), found (1,3,2)", e.Message);
    }

    [Fact]
    public void Labels_must_name_one_of_the_ten_classes()
    {
        _dir.Write("train-images-idx3-ubyte", Images(count: 2, height: 2, width: 2));
        _dir.Write("train-labels-idx1-ubyte", Labels(3, 10));
        _dir.Write("t10k-images-idx3-ubyte", Images(count: 1, height: 2, width: 2));
        _dir.Write("t10k-labels-idx1-ubyte", Labels(0));

        var e = Assert.Throws<IdxFormatException>(() => FashionMnist.Load(_dir.Path));

        Assert.Equal($"{_dir.File("train-labels-idx1-ubyte")}: expected labels 0 to 9 for 10 classes, found 10 at index 1", e.Message);
    }
}
