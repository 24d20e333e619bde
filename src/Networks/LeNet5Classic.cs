namespace NetDsl.Networks;

/// <summary>
/// LeNet-5 in its 1998 form (LeCun et al., Fig. 2): tanh activations, average-pooling subsampling and C5 as a 5×5
/// convolution; full C1→C3 connectivity. The 28×28 input is padded by 2 so C1 sees the paper's 32×32 field.
/// </summary>
[Network(Input = new[] { 1, 28, 28 })]
public partial class LeNet5Classic
{
    [Conv(6, Kernel = 5, Padding = 2), Tanh, AvgPool(2)] public partial Stage C1 { get; }
    [Conv(16, Kernel = 5), Tanh, AvgPool(2)]             public partial Stage C3 { get; }
    [Conv(120, Kernel = 5), Tanh]                        public partial Stage C5 { get; }
    [Dense(84), Tanh]                                    public partial Stage F6 { get; }
    [Dense(10)]                                          public partial Stage Output { get; }
}
