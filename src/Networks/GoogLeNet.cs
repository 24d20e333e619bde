namespace NetDsl.Networks;

// GoogLeNet (Inception v1), Szegedy et al. 2015, "Going Deeper with Convolutions", Table 1 and Section 5, in
// torchvision's form (googlenet(aux_logits=True)): every convolution is BasicConv2d (conv without bias, BatchNorm with
// eps 0.001, ReLU), the "5×5" branch uses a 3×3 kernel, and pooling rounds up (ceil mode). 13,004,888 parameters:
// 6,624,904 on the main path, 3,188,968 in aux1 and 3,191,016 in aux2.
//
// The two auxiliary classifiers read inception4a (512×14×14) and inception4d (528×14×14), so those modules end their
// stages; each is trained against the same labels with weight 0.3 and never runs in evaluation or prediction. Their
// layers carry torchvision's names (aux1.conv.conv, aux1.conv.bn, aux1.fc1, aux1.fc2; aux2 alike). Their
// pooling is the paper's 5×5 average pool with stride 3 (14 → 4). torchvision uses adaptive_avg_pool2d((4, 4)), whose
// windows are 4×4 at rows 0, 3, 7, 10 rather than 5×5 at 0, 3, 6, 9: same shapes and tensor names, so checkpoints load
// either way and evaluation is identical, but aux-head training numerics differ slightly from torchvision's.

/// <summary>An Inception module: 1×1, 1×1→3×3, 1×1→3×3 and 3×3 max-pool→1×1 branches concatenated.</summary>
[Block("c1", "c3r", "c3", "c5r", "c5", "pool")]
public partial class Inception
{
    [From(Stage.Input), Conv("c1", Kernel = 1, Bias = false, Name = "branch1.conv"), BatchNorm(Epsilon = 0.001, Name = "branch1.bn"), Relu]
    public partial Stage Branch1 { get; }

    [From(Stage.Input), Conv("c3r", Kernel = 1, Bias = false, Name = "branch2.0.conv"), BatchNorm(Epsilon = 0.001, Name = "branch2.0.bn"), Relu,
     Conv("c3", Kernel = 3, Padding = 1, Bias = false, Name = "branch2.1.conv"), BatchNorm(Epsilon = 0.001, Name = "branch2.1.bn"), Relu]
    public partial Stage Branch2 { get; }

    [From(Stage.Input), Conv("c5r", Kernel = 1, Bias = false, Name = "branch3.0.conv"), BatchNorm(Epsilon = 0.001, Name = "branch3.0.bn"), Relu,
     Conv("c5", Kernel = 3, Padding = 1, Bias = false, Name = "branch3.1.conv"), BatchNorm(Epsilon = 0.001, Name = "branch3.1.bn"), Relu]
    public partial Stage Branch3 { get; }

    [From(Stage.Input), MaxPool(3, Stride = 1, Padding = 1, CeilMode = true, Name = "branch4.0"),
     Conv("pool", Kernel = 1, Bias = false, Name = "branch4.1.conv"), BatchNorm(Epsilon = 0.001, Name = "branch4.1.bn"), Relu]
    public partial Stage Branch4 { get; }

    [Concat(nameof(Branch1), nameof(Branch2), nameof(Branch3), nameof(Branch4))] public partial Stage Out { get; }
}

[Network(Input = new[] { 3, 224, 224 })]
public partial class GoogLeNet
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

    [Use<Inception>(192, 96, 208, 16, 48, 64, Name = "inception4a")]
    public partial Stage Inception4a { get; }

    // Reads Inception4a, the stage before it; Inception4bToD reads past it.
    [AuxiliaryHead(Weight = 0.3), AvgPool(5, Stride = 3),
     Conv(128, Kernel = 1, Bias = false, Name = "aux1.conv.conv"), BatchNorm(Epsilon = 0.001, Name = "aux1.conv.bn"), Relu,
     Dense(1024, Name = "aux1.fc1"), Relu, Dropout(0.7), Dense(1000, Name = "aux1.fc2")]
    public partial Stage Aux1 { get; }

    [Use<Inception>(160, 112, 224, 24, 64, 64, Name = "inception4b"), Use<Inception>(128, 128, 256, 24, 64, 64, Name = "inception4c"),
     Use<Inception>(112, 144, 288, 32, 64, 64, Name = "inception4d")]
    public partial Stage Inception4bToD { get; }

    // Reads Inception4bToD, which ends with inception4d.
    [AuxiliaryHead(Weight = 0.3), AvgPool(5, Stride = 3),
     Conv(128, Kernel = 1, Bias = false, Name = "aux2.conv.conv"), BatchNorm(Epsilon = 0.001, Name = "aux2.conv.bn"), Relu,
     Dense(1024, Name = "aux2.fc1"), Relu, Dropout(0.7), Dense(1000, Name = "aux2.fc2")]
    public partial Stage Aux2 { get; }

    [Use<Inception>(256, 160, 320, 32, 128, 128, Name = "inception4e"), MaxPool(2, Stride = 2, CeilMode = true, Name = "maxpool4")]
    public partial Stage Inception4e { get; }

    [Use<Inception>(256, 160, 320, 32, 128, 128, Name = "inception5a"), Use<Inception>(384, 192, 384, 48, 128, 128, Name = "inception5b")]
    public partial Stage Inception5 { get; }

    [GlobalAvgPool, Dropout(0.2), Dense(1000, Name = "fc")] public partial Stage Head { get; }
}
