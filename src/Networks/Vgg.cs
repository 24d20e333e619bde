namespace NetDsl.Networks;

// VGG: Simonyan and Zisserman 2015, "Very Deep Convolutional Networks for Large-Scale Image Recognition", Table 1
// (configurations A, A-LRN, B, C, D, E), in torchvision's layout: `features` holds every convolution, ReLU and pool
// (so names are features.0, features.2, …), `classifier` the three dense layers. The *Bn variants add BatchNorm after
// each convolution, as torchvision's vgg*_bn. torchvision's adaptive 7×7 average pool is the identity at 224×224.

/// <summary>VGG configuration A.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class Vgg11
{
    [Conv(64, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(128, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(256, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, MaxPool(2)]
    public partial Stage features { get; }

    [Dense(4096), Relu, Dropout, Dense(4096), Relu, Dropout, Dense(1000)] public partial Stage classifier { get; }
}

/// <summary>VGG configuration A with BatchNorm.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class Vgg11Bn
{
    [Conv(64, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(128, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(256, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(256, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2)]
    public partial Stage features { get; }

    [Dense(4096), Relu, Dropout, Dense(4096), Relu, Dropout, Dense(1000)] public partial Stage classifier { get; }
}

/// <summary>VGG configuration A-LRN.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class Vgg11Lrn
{
    [Conv(64, Kernel = 3, Padding = 1), Relu, Lrn(5), MaxPool(2),
     Conv(128, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(256, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, MaxPool(2)]
    public partial Stage features { get; }

    [Dense(4096), Relu, Dropout, Dense(4096), Relu, Dropout, Dense(1000)] public partial Stage classifier { get; }
}

/// <summary>VGG configuration B.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class Vgg13
{
    [Conv(64, Kernel = 3, Padding = 1), Relu, Conv(64, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(128, Kernel = 3, Padding = 1), Relu, Conv(128, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(256, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, MaxPool(2)]
    public partial Stage features { get; }

    [Dense(4096), Relu, Dropout, Dense(4096), Relu, Dropout, Dense(1000)] public partial Stage classifier { get; }
}

/// <summary>VGG configuration B with BatchNorm.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class Vgg13Bn
{
    [Conv(64, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(64, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(128, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(128, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(256, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(256, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2)]
    public partial Stage features { get; }

    [Dense(4096), Relu, Dropout, Dense(4096), Relu, Dropout, Dense(1000)] public partial Stage classifier { get; }
}

/// <summary>VGG configuration C.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class Vgg16C
{
    [Conv(64, Kernel = 3, Padding = 1), Relu, Conv(64, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(128, Kernel = 3, Padding = 1), Relu, Conv(128, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(256, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 1), Relu, MaxPool(2)]
    public partial Stage features { get; }

    [Dense(4096), Relu, Dropout, Dense(4096), Relu, Dropout, Dense(1000)] public partial Stage classifier { get; }
}

/// <summary>VGG configuration D.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class Vgg16
{
    [Conv(64, Kernel = 3, Padding = 1), Relu, Conv(64, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(128, Kernel = 3, Padding = 1), Relu, Conv(128, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(256, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, MaxPool(2)]
    public partial Stage features { get; }

    [Dense(4096), Relu, Dropout, Dense(4096), Relu, Dropout, Dense(1000)] public partial Stage classifier { get; }
}

/// <summary>VGG configuration D with BatchNorm.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class Vgg16Bn
{
    [Conv(64, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(64, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(128, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(128, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(256, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(256, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(256, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2)]
    public partial Stage features { get; }

    [Dense(4096), Relu, Dropout, Dense(4096), Relu, Dropout, Dense(1000)] public partial Stage classifier { get; }
}

/// <summary>VGG configuration E.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class Vgg19
{
    [Conv(64, Kernel = 3, Padding = 1), Relu, Conv(64, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(128, Kernel = 3, Padding = 1), Relu, Conv(128, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(256, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, MaxPool(2)]
    public partial Stage features { get; }

    [Dense(4096), Relu, Dropout, Dense(4096), Relu, Dropout, Dense(1000)] public partial Stage classifier { get; }
}

/// <summary>VGG configuration E with BatchNorm.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class Vgg19Bn
{
    [Conv(64, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(64, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(128, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(128, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(256, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(256, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(256, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(256, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, Conv(512, Kernel = 3, Padding = 1), BatchNorm, Relu, MaxPool(2)]
    public partial Stage features { get; }

    [Dense(4096), Relu, Dropout, Dense(4096), Relu, Dropout, Dense(1000)] public partial Stage classifier { get; }
}
