namespace NetDsl.Runtime.Tests.Networks;

// Networks for the heads' end-to-end checks, next to those in TestNetworks.cs.

/// <summary>
/// <see cref="AuxiliaryHeads"/> with an Identity where Aux1 has its Dropout(0.5): the same layers, names and
/// parameters, so PyTorch can reproduce a training step without NetDsl's dropout masks.
/// </summary>
[Network(Input = new[] { 2, 8, 8 })]
public partial class AuxiliaryHeadsWithoutDropout
{
    [Conv(4, Kernel = 3, Padding = 1), Relu] public partial Stage C1 { get; }
    [AuxiliaryHead(Weight = 0.3), AvgPool(2), Conv(2, Kernel = 1), Relu, Identity, Dense(5)] public partial Stage Aux1 { get; }
    [Conv(6, Kernel = 3, Stride = 2, Padding = 1), Relu] public partial Stage C2 { get; }
    [Dense(5)] public partial Stage Logits { get; }
    [AuxiliaryHead(Weight = 0.5), From(nameof(C2)), GlobalAvgPool, Dense(5)] public partial Stage Aux2 { get; }
}

/// <summary>
/// Segmentation with a per-pixel auxiliary head (PSPNet's pattern): both heads score the same label maps, so the
/// labeled-pixel count that scales the loss serves both, and the main path reads past the auxiliary stage.
/// </summary>
[Network(Input = new[] { 2, 6, 6 }, Head = Head.PixelSoftmaxCrossEntropy, IgnoreLabel = 255)]
public partial class PixelAuxiliaryHead
{
    [Conv(4, Kernel = 3, Padding = 1), Relu] public partial Stage Encode { get; }
    [AuxiliaryHead(Weight = 0.4), Conv(3, Kernel = 1)] public partial Stage Aux { get; }
    [MaxPool(2), ConvTranspose(3, Kernel = 2, Stride = 2)] public partial Stage Score { get; }
}
