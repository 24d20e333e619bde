namespace NetDsl.Networks;

// CIFAR-10 ResNets, He et al. 2016 §4.2: a 3×3 conv with 16 filters, then 3 stages of n basic blocks with 16, 32 and
// 64 filters (6n + 2 layers), global average pooling and a 10-way classifier. Shortcuts that change shape are
// projections (the paper's option B; the paper's CIFAR runs used zero-padding, option A).

[Network(Input = new[] { 3, 32, 32 })]
public partial class ResNet20
{
    [Conv(16, Kernel = 3, Padding = 1, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu] public partial Stage Stem { get; }
    [Use<BasicBlock>(16, Repeat = 3)]             public partial Stage layer1 { get; }
    [Use<BasicBlock>(32, Stride = 2, Repeat = 3)] public partial Stage layer2 { get; }
    [Use<BasicBlock>(64, Stride = 2, Repeat = 3)] public partial Stage layer3 { get; }
    [GlobalAvgPool, Dense(10, Name = "fc")]       public partial Stage Head { get; }
}

[Network(Input = new[] { 3, 32, 32 })]
public partial class ResNet32
{
    [Conv(16, Kernel = 3, Padding = 1, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu] public partial Stage Stem { get; }
    [Use<BasicBlock>(16, Repeat = 5)]             public partial Stage layer1 { get; }
    [Use<BasicBlock>(32, Stride = 2, Repeat = 5)] public partial Stage layer2 { get; }
    [Use<BasicBlock>(64, Stride = 2, Repeat = 5)] public partial Stage layer3 { get; }
    [GlobalAvgPool, Dense(10, Name = "fc")]       public partial Stage Head { get; }
}

[Network(Input = new[] { 3, 32, 32 })]
public partial class ResNet44
{
    [Conv(16, Kernel = 3, Padding = 1, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu] public partial Stage Stem { get; }
    [Use<BasicBlock>(16, Repeat = 7)]             public partial Stage layer1 { get; }
    [Use<BasicBlock>(32, Stride = 2, Repeat = 7)] public partial Stage layer2 { get; }
    [Use<BasicBlock>(64, Stride = 2, Repeat = 7)] public partial Stage layer3 { get; }
    [GlobalAvgPool, Dense(10, Name = "fc")]       public partial Stage Head { get; }
}

[Network(Input = new[] { 3, 32, 32 })]
public partial class ResNet56
{
    [Conv(16, Kernel = 3, Padding = 1, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu] public partial Stage Stem { get; }
    [Use<BasicBlock>(16, Repeat = 9)]             public partial Stage layer1 { get; }
    [Use<BasicBlock>(32, Stride = 2, Repeat = 9)] public partial Stage layer2 { get; }
    [Use<BasicBlock>(64, Stride = 2, Repeat = 9)] public partial Stage layer3 { get; }
    [GlobalAvgPool, Dense(10, Name = "fc")]       public partial Stage Head { get; }
}

[Network(Input = new[] { 3, 32, 32 })]
public partial class ResNet110
{
    [Conv(16, Kernel = 3, Padding = 1, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu] public partial Stage Stem { get; }
    [Use<BasicBlock>(16, Repeat = 18)]             public partial Stage layer1 { get; }
    [Use<BasicBlock>(32, Stride = 2, Repeat = 18)] public partial Stage layer2 { get; }
    [Use<BasicBlock>(64, Stride = 2, Repeat = 18)] public partial Stage layer3 { get; }
    [GlobalAvgPool, Dense(10, Name = "fc")]        public partial Stage Head { get; }
}

/// <summary>ResNet-20 for 28×28 grey images (Fashion-MNIST): the same network with a one-channel input.</summary>
[Network(Input = new[] { 1, 28, 28 })]
public partial class ResNet20Gray
{
    [Conv(16, Kernel = 3, Padding = 1, Bias = false, Name = "conv1"), BatchNorm(Name = "bn1"), Relu] public partial Stage Stem { get; }
    [Use<BasicBlock>(16, Repeat = 3)]             public partial Stage layer1 { get; }
    [Use<BasicBlock>(32, Stride = 2, Repeat = 3)] public partial Stage layer2 { get; }
    [Use<BasicBlock>(64, Stride = 2, Repeat = 3)] public partial Stage layer3 { get; }
    [GlobalAvgPool, Dense(10, Name = "fc")]       public partial Stage Head { get; }
}
