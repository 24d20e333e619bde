namespace NetDsl.Networks;

/// <summary>
/// A small VGG-style network for 28×28 grey images (Fashion-MNIST): two blocks of two 3×3 convolutions with
/// BatchNorm, each followed by 2×2 max pooling, then a dropout-regularized classifier. About 12× LeNet-5's compute.
/// </summary>
[Network(Input = new[] { 1, 28, 28 })]
public partial class FashionVgg
{
    [Conv(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm, Relu, Conv(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm, Relu, MaxPool(2)]
    public partial Stage Block1 { get; }
    [Conv(32, Kernel = 3, Padding = 1, Bias = false), BatchNorm, Relu, Conv(32, Kernel = 3, Padding = 1, Bias = false), BatchNorm, Relu, MaxPool(2)]
    public partial Stage Block2 { get; }
    [Dense(128), Relu, Dropout(0.3), Dense(10)] public partial Stage Classifier { get; }
}
