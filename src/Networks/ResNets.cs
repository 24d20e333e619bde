namespace NetDsl.Networks;

// ResNets for ImageNet, He et al. 2016, Table 1; parameter names and counts match torchvision's resnet18…152.

[Network(Input = new[] { 3, 224, 224 })]
public partial class ResNet18
{
    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu, MaxPool(3, Stride = 2, Padding = 1)]
    public partial Stage Stem { get; }
    [Use<BasicBlock>(64, Repeat = 2)]              public partial Stage layer1 { get; }
    [Use<BasicBlock>(128, Stride = 2, Repeat = 2)] public partial Stage layer2 { get; }
    [Use<BasicBlock>(256, Stride = 2, Repeat = 2)] public partial Stage layer3 { get; }
    [Use<BasicBlock>(512, Stride = 2, Repeat = 2)] public partial Stage layer4 { get; }
    [GlobalAvgPool, Dense(1000, Name = "fc")]      public partial Stage Head { get; }
}

[Network(Input = new[] { 3, 224, 224 })]
public partial class ResNet34
{
    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu, MaxPool(3, Stride = 2, Padding = 1)]
    public partial Stage Stem { get; }
    [Use<BasicBlock>(64, Repeat = 3)]              public partial Stage layer1 { get; }
    [Use<BasicBlock>(128, Stride = 2, Repeat = 4)] public partial Stage layer2 { get; }
    [Use<BasicBlock>(256, Stride = 2, Repeat = 6)] public partial Stage layer3 { get; }
    [Use<BasicBlock>(512, Stride = 2, Repeat = 3)] public partial Stage layer4 { get; }
    [GlobalAvgPool, Dense(1000, Name = "fc")]      public partial Stage Head { get; }
}

[Network(Input = new[] { 3, 224, 224 })]
public partial class ResNet50
{
    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu, MaxPool(3, Stride = 2, Padding = 1)]
    public partial Stage Stem { get; }
    [Use<Bottleneck>(64, Repeat = 3)]              public partial Stage layer1 { get; }
    [Use<Bottleneck>(128, Stride = 2, Repeat = 4)] public partial Stage layer2 { get; }
    [Use<Bottleneck>(256, Stride = 2, Repeat = 6)] public partial Stage layer3 { get; }
    [Use<Bottleneck>(512, Stride = 2, Repeat = 3)] public partial Stage layer4 { get; }
    [GlobalAvgPool, Dense(1000, Name = "fc")]      public partial Stage Head { get; }
}

[Network(Input = new[] { 3, 224, 224 })]
public partial class ResNet101
{
    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu, MaxPool(3, Stride = 2, Padding = 1)]
    public partial Stage Stem { get; }
    [Use<Bottleneck>(64, Repeat = 3)]               public partial Stage layer1 { get; }
    [Use<Bottleneck>(128, Stride = 2, Repeat = 4)]  public partial Stage layer2 { get; }
    [Use<Bottleneck>(256, Stride = 2, Repeat = 23)] public partial Stage layer3 { get; }
    [Use<Bottleneck>(512, Stride = 2, Repeat = 3)]  public partial Stage layer4 { get; }
    [GlobalAvgPool, Dense(1000, Name = "fc")]       public partial Stage Head { get; }
}

[Network(Input = new[] { 3, 224, 224 })]
public partial class ResNet152
{
    [Conv(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu, MaxPool(3, Stride = 2, Padding = 1)]
    public partial Stage Stem { get; }
    [Use<Bottleneck>(64, Repeat = 3)]               public partial Stage layer1 { get; }
    [Use<Bottleneck>(128, Stride = 2, Repeat = 8)]  public partial Stage layer2 { get; }
    [Use<Bottleneck>(256, Stride = 2, Repeat = 36)] public partial Stage layer3 { get; }
    [Use<Bottleneck>(512, Stride = 2, Repeat = 3)]  public partial Stage layer4 { get; }
    [GlobalAvgPool, Dense(1000, Name = "fc")]       public partial Stage Head { get; }
}
