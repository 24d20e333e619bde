namespace NetDsl.Networks;

// Class-activation-map networks: Zhou, Khosla, Lapedriza, Oliva, Torralba 2016, "Learning Deep Features for
// Discriminative Localization", §3: the base network cut after its last high-resolution convolutions, a 3×3 pad-1
// convolution with 1024 filters, global average pooling and one linear layer, so each class score is a weighted
// average of the last feature maps.

/// <summary>AlexNet-GAP: torchvision's AlexNet features up to conv5 (13×13), then conv 1024, GAP, linear.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class AlexNetGap
{
    [Conv(64, Kernel = 11, Stride = 4, Padding = 2), Relu, MaxPool(3, Stride = 2),
     Conv(192, Kernel = 5, Padding = 2), Relu, MaxPool(3, Stride = 2),
     Conv(384, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu,
     Conv(256, Kernel = 3, Padding = 1), Relu]
    public partial Stage features { get; }

    [Conv(1024, Kernel = 3, Padding = 1), Relu]  public partial Stage cam { get; }
    [GlobalAvgPool, Dense(1000, Name = "fc")]     public partial Stage Head { get; }
}

/// <summary>VGG16-GAP: VGG-16 (configuration D) up to conv5_3 (14×14), then conv 1024, GAP, linear.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class Vgg16Gap
{
    [Conv(64, Kernel = 3, Padding = 1), Relu, Conv(64, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(128, Kernel = 3, Padding = 1), Relu, Conv(128, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(256, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu, Conv(256, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, MaxPool(2),
     Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu, Conv(512, Kernel = 3, Padding = 1), Relu]
    public partial Stage features { get; }

    [Conv(1024, Kernel = 3, Padding = 1), Relu]  public partial Stage cam { get; }
    [GlobalAvgPool, Dense(1000, Name = "fc")]     public partial Stage Head { get; }
}

/// <summary>GoogLeNet-GAP: GoogLeNet up to inception4e (14×14), then conv 1024, GAP, linear.</summary>
[Network(Input = new[] { 3, 224, 224 })]
public partial class GoogLeNetGap
{
    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false, Name = "conv1.conv"), BatchNorm(Epsilon = 0.001, Name = "conv1.bn"), Relu,
     MaxPool(3, Stride = 2, CeilMode = true, Name = "maxpool1"),
     Conv(64, Kernel = 1, Bias = false, Name = "conv2.conv"), BatchNorm(Epsilon = 0.001, Name = "conv2.bn"), Relu,
     Conv(192, Kernel = 3, Padding = 1, Bias = false, Name = "conv3.conv"), BatchNorm(Epsilon = 0.001, Name = "conv3.bn"), Relu,
     MaxPool(3, Stride = 2, CeilMode = true, Name = "maxpool2")]
    public partial Stage Stem { get; }

    [Use<Inception>(64, 96, 128, 16, 32, 32, Name = "inception3a"), Use<Inception>(128, 128, 192, 32, 96, 64, Name = "inception3b"),
     MaxPool(3, Stride = 2, CeilMode = true, Name = "maxpool3")]
    public partial Stage Inception3 { get; }

    [Use<Inception>(192, 96, 208, 16, 48, 64, Name = "inception4a"), Use<Inception>(160, 112, 224, 24, 64, 64, Name = "inception4b"),
     Use<Inception>(128, 128, 256, 24, 64, 64, Name = "inception4c"), Use<Inception>(112, 144, 288, 32, 64, 64, Name = "inception4d"),
     Use<Inception>(256, 160, 320, 32, 128, 128, Name = "inception4e")]
    public partial Stage Inception4 { get; }

    [Conv(1024, Kernel = 3, Padding = 1), Relu]  public partial Stage cam { get; }
    [GlobalAvgPool, Dense(1000, Name = "fc")]     public partial Stage Head { get; }
}
