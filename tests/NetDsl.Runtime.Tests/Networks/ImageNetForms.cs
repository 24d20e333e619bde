namespace NetDsl.Runtime.Tests.Networks;

/// <summary>
/// The 224×224 zoo networks' kernel forms at 16×16, cheap enough to emulate a training step: a 7×7/2 stem on tensor
/// cores with bias and ReLU, padded ceil-mode max pooling and LRN (AlexNet, ZFNet); a tensor-core 3×3 with bias and ReLU
/// that needs its input gradient (VGG); one with bias read by BatchNorm (VGG-BN); a 1×1/2 projection without bias read
/// by BatchNorm (ResNet, GoogLeNet); a direct convolution with bias and ReLU that no pool follows (NiN's and VGG's
/// narrow layers); dropout, global average pooling and a dense layer with ReLU (the classifiers).
/// </summary>
[Network(Input = new[] { 3, 16, 16 })]
public partial class ImageNetForms
{
    [Conv(32, Kernel = 7, Stride = 2, Padding = 3), Relu, MaxPool(3, Stride = 2, Padding = 1, CeilMode = true), Lrn(5)]
    public partial Stage Stem { get; }

    [Conv(64, Kernel = 3, Padding = 1), Relu, Conv(64, Kernel = 3, Padding = 1), BatchNorm, Relu,
     Conv(32, Kernel = 1, Stride = 2, Bias = false), BatchNorm, Relu]
    public partial Stage Body { get; }

    [Conv(8, Kernel = 1), Relu, Dropout, GlobalAvgPool, Dense(16), Relu, Dense(5)] public partial Stage Head { get; }
}
