namespace NetDsl.Runtime.Tests.Networks;

// Small networks declared exactly as users declare them, so whole-network tests run generated code.

/// <summary>Every layer kind: padded and strided convolution, tanh, sigmoid, relu, average and overlapping max pooling, dropout, dense.</summary>
[Network(Input = new[] { 2, 10, 10 })]
public partial class EveryLayer
{
    [Conv(3, Kernel = 3, Padding = 1), Tanh, AvgPool(2)]       public partial Stage A { get; }
    [Conv(4, Kernel = 3, Stride = 2, Padding = 1), Sigmoid]    public partial Stage B { get; }
    [MaxPool(2, Stride = 1), Relu]                             public partial Stage C { get; }
    [Dense(6), Dropout(0.3), Relu, Dense(3)]                   public partial Stage Head { get; }
}

/// <summary>Starts with layers that have no parameters, so the generator must skip their backward entirely.</summary>
[Network(Input = new[] { 1, 6, 6 })]
public partial class PoolFirst
{
    [MaxPool(3, Stride = 3), Relu]  public partial Stage Stem { get; }
    [Conv(2, Kernel = 1)]           public partial Stage Mix { get; }
    [Dense(4)]                      public partial Stage Logits { get; }
}
