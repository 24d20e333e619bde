namespace NetDsl.Networks;

/// <summary>
/// LeNet-5 (LeCun, Bottou, Bengio, Haffner 1998, "Gradient-based learning applied to document recognition", Fig. 2)
/// in its common modern form: ReLU instead of scaled tanh, max pooling instead of trainable subsampling, full
/// C1→C3 connectivity, and 28×28 inputs padded by 2 so C1 sees the paper's 32×32 field.
/// </summary>
[Network(Input = new[] { 1, 28, 28 })]
public partial class LeNet5
{
    [Conv(6, Kernel = 5, Padding = 2), Relu, MaxPool(2)] public partial Stage C1 { get; }
    [Conv(16, Kernel = 5), Relu, MaxPool(2)]             public partial Stage C3 { get; }
    [Dense(120), Relu]                                   public partial Stage F5 { get; }
    [Dense(84), Relu]                                    public partial Stage F6 { get; }
    [Dense(10)]                                          public partial Stage Logits { get; }
}
