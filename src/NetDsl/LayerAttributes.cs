namespace NetDsl;

// Layer attributes go on a stage property, in the order the layers run. AllowMultiple lets a stage hold
// e.g. [Conv(64), Relu, Conv(64), Relu, MaxPool(2)].

/// <summary>2-D convolution with bias. Output size: floor((in + 2*Padding - Kernel) / Stride) + 1.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class ConvAttribute(int outChannels) : Attribute
{
    public int OutChannels { get; } = outChannels;
    /// <summary>Square kernel size. Default 3.</summary>
    public int Kernel { get; set; } = 3;
    public int Stride { get; set; } = 1;
    /// <summary>Zero padding on every side.</summary>
    public int Padding { get; set; }
}

/// <summary>Max pooling over Kernel×Kernel windows. Stride defaults to Kernel; a smaller stride overlaps windows.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class MaxPoolAttribute(int kernel) : Attribute
{
    public int Kernel { get; } = kernel;
    /// <summary>0 (the default) means equal to <see cref="Kernel"/>.</summary>
    public int Stride { get; set; }
}

/// <summary>Average pooling over Kernel×Kernel windows. Stride defaults to Kernel.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class AvgPoolAttribute(int kernel) : Attribute
{
    public int Kernel { get; } = kernel;
    /// <summary>0 (the default) means equal to <see cref="Kernel"/>.</summary>
    public int Stride { get; set; }
}

/// <summary>Fully connected layer with bias. A (C,H,W) input is flattened in C,H,W order first.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class DenseAttribute(int units) : Attribute
{
    public int Units { get; } = units;
}

/// <summary>Inverted dropout: in training, zeroes each element with probability P and scales the rest by 1/(1-P).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class DropoutAttribute(double p = 0.5) : Attribute
{
    public double P { get; } = p;
}

/// <summary>max(0, x).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class ReluAttribute : Attribute;

/// <summary>tanh(x).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class TanhAttribute : Attribute;

/// <summary>1 / (1 + e^-x).</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = true)]
public sealed class SigmoidAttribute : Attribute;
