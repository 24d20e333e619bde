namespace NetDsl.Networks;

/// <summary>
/// AlexNet as published: Krizhevsky, Sutskever, Hinton 2012, "ImageNet Classification with Deep Convolutional Neural
/// Networks", §3.3–3.5 and Fig. 2, on a 227×227 input, with local response normalization after conv1 and conv2 and
/// overlapping 3×3/2 pooling; the two GPU towers are merged (no grouped convolutions).
/// </summary>
[Network(Input = new[] { 3, 227, 227 })]
public partial class AlexNet2012
{
    [Conv(96, Kernel = 11, Stride = 4), Relu, Lrn(5), MaxPool(3, Stride = 2),
     Conv(256, Kernel = 5, Padding = 2), Relu, Lrn(5), MaxPool(3, Stride = 2),
     Conv(384, Kernel = 3, Padding = 1), Relu, Conv(384, Kernel = 3, Padding = 1), Relu,
     Conv(256, Kernel = 3, Padding = 1), Relu, MaxPool(3, Stride = 2)]
    public partial Stage features { get; }

    [Dense(4096), Relu, Dropout, Dense(4096), Relu, Dropout, Dense(1000)] public partial Stage classifier { get; }
}

/// <summary>torchvision's AlexNet (after Krizhevsky 2014, "One weird trick"): 64-192-384-256-256 filters, no LRN. 61,100,840 parameters.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class AlexNet
{
    [Conv(64, Kernel = 11, Stride = 4, Padding = 2), Relu, MaxPool(3, Stride = 2),
     Conv(192, Kernel = 5, Padding = 2), Relu, MaxPool(3, Stride = 2),
     Conv(384, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu,
     Conv(256, Kernel = 3, Padding = 1), Relu, MaxPool(3, Stride = 2)]
    public partial Stage features { get; }

    [Dropout, Dense(4096), Relu, Dropout, Dense(4096), Relu, Dense(1000)] public partial Stage classifier { get; }
}

/// <summary>
/// ZFNet: Zeiler and Fergus 2014, "Visualizing and Understanding Convolutional Networks", Fig. 3: AlexNet with a
/// 7×7/2 first layer and a stride-2 second layer, contrast normalization after the first two pooling layers.
/// </summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class ZFNet
{
    [Conv(96, Kernel = 7, Stride = 2, Padding = 1), Relu, MaxPool(3, Stride = 2, Padding = 1), Lrn(5),
     Conv(256, Kernel = 5, Stride = 2), Relu, MaxPool(3, Stride = 2, Padding = 1), Lrn(5),
     Conv(384, Kernel = 3, Padding = 1), Relu, Conv(384, Kernel = 3, Padding = 1), Relu,
     Conv(256, Kernel = 3, Padding = 1), Relu, MaxPool(3, Stride = 2)]
    public partial Stage features { get; }

    [Dense(4096), Relu, Dropout, Dense(4096), Relu, Dropout, Dense(1000)] public partial Stage classifier { get; }
}

/// <summary>
/// Network in Network: Lin, Chen, Yan 2014, §3 and the ImageNet model of the paper's release: four mlpconv layers
/// (a convolution followed by two 1×1 convolutions), the last producing one map per class, then global average pooling.
/// A 227×227 input (as AlexNet's) makes every 11×11/4 and 3×3/2 window tile exactly.
/// </summary>
[Network(Input = new[] { 3, 227, 227 })]
public partial class NiN
{
    [Conv(96, Kernel = 11, Stride = 4), Relu, Conv(96, Kernel = 1), Relu, Conv(96, Kernel = 1), Relu, MaxPool(3, Stride = 2)]
    public partial Stage mlpconv1 { get; }
    [Conv(256, Kernel = 5, Padding = 2), Relu, Conv(256, Kernel = 1), Relu, Conv(256, Kernel = 1), Relu, MaxPool(3, Stride = 2)]
    public partial Stage mlpconv2 { get; }
    [Conv(384, Kernel = 3, Padding = 1), Relu, Conv(384, Kernel = 1), Relu, Conv(384, Kernel = 1), Relu, MaxPool(3, Stride = 2), Dropout]
    public partial Stage mlpconv3 { get; }
    [Conv(1024, Kernel = 3, Padding = 1), Relu, Conv(1024, Kernel = 1), Relu, Conv(1000, Kernel = 1), Relu, GlobalAvgPool]
    public partial Stage mlpconv4 { get; }
}
