namespace NetDsl.Networks;

/// <summary>
/// A small U-Net (Ronneberger, Fischer, Brox 2015, "U-Net: Convolutional Networks for Biomedical Image Segmentation",
/// Fig. 1) for <see cref="NetDsl.Runtime.Data.SyntheticShapes"/>: two 2×2 max-pool downsamplings to 8×8, whose
/// 26-pixel receptive field covers a whole shape, then two learned 2×2 stride-2 upsamplings, each concatenated with
/// the encoder's features of the same resolution so the class map keeps sharp outlines. Padded 3×3 convolutions
/// (unlike the paper's unpadded ones) keep the output the input's size: 4 class scores per pixel.
/// </summary>
[Network(Input = new[] { 3, 32, 32 }, Head = Head.PixelSoftmaxCrossEntropy, IgnoreLabel = 255)]
public partial class ShapesUNet
{
    [Conv(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm, Relu]                      public partial Stage Enc1 { get; }
    [MaxPool(2), Conv(32, Kernel = 3, Padding = 1, Bias = false), BatchNorm, Relu]          public partial Stage Enc2 { get; }
    [MaxPool(2), Conv(64, Kernel = 3, Padding = 1, Bias = false), BatchNorm, Relu,
     Conv(64, Kernel = 3, Padding = 1, Bias = false), BatchNorm, Relu]                      public partial Stage Bottom { get; }
    [ConvTranspose(32, Kernel = 2, Stride = 2)]                                             public partial Stage Up2 { get; }
    [Concat(nameof(Up2), nameof(Enc2)), Conv(32, Kernel = 3, Padding = 1, Bias = false), BatchNorm, Relu] public partial Stage Dec2 { get; }
    [ConvTranspose(16, Kernel = 2, Stride = 2)]                                             public partial Stage Up1 { get; }
    [Concat(nameof(Up1), nameof(Enc1)), Conv(16, Kernel = 3, Padding = 1, Bias = false), BatchNorm, Relu] public partial Stage Dec1 { get; }
    [Conv(4, Kernel = 1)]                                                                   public partial Stage Score { get; }
}
