using System.Numerics;
using NetDsl.Runtime.Cpu;

namespace NetDsl.Runtime.Tests.Kernels;

/// <summary>
/// The element-wise loss heads under test, by the names the PyTorch fixture uses: each with its CPU kernel, its CUDA
/// loss type, and its definition and derivative written out in double, independently of the kernels.
/// </summary>
public abstract class ElementwiseHead
{
    public static readonly IReadOnlyDictionary<string, ElementwiseHead> ByName = new Dictionary<string, ElementwiseHead>
    {
        ["mse"] = new SquaredError(),
        ["l1"] = new AbsoluteError(),
        ["bce"] = new LogisticLoss(),
    };

    public static TheoryData<string> Names => new(ByName.Keys);

    public abstract string CudaLoss { get; }

    /// <summary>The range test targets are drawn from.</summary>
    public virtual (double Min, double Max) Targets => (-2, 2);

    public abstract double Definition(double x, double t);

    public abstract double Derivative(double x, double t);

    public abstract void Forward<T>(Span<T> losses, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size) where T : unmanaged, IFloatingPointIeee754<T>;

    public abstract void Backward<T>(Span<T> dx, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size, T scale) where T : unmanaged, IFloatingPointIeee754<T>;

    sealed class SquaredError : ElementwiseHead
    {
        public override string CudaLoss => "netdsl::SquaredError";
        public override double Definition(double x, double t) => Math.Pow(x - t, 2);
        public override double Derivative(double x, double t) => 2 * (x - t);
        public override void Forward<T>(Span<T> losses, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size) => MeanSquaredError.Forward(losses, x, targets, n, size);
        public override void Backward<T>(Span<T> dx, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size, T scale) => MeanSquaredError.Backward(dx, x, targets, n, size, scale);
    }

    sealed class AbsoluteError : ElementwiseHead
    {
        public override string CudaLoss => "netdsl::AbsoluteError";
        public override double Definition(double x, double t) => Math.Abs(x - t);
        public override double Derivative(double x, double t) => Math.Sign(x - t);
        public override void Forward<T>(Span<T> losses, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size) => L1Loss.Forward(losses, x, targets, n, size);
        public override void Backward<T>(Span<T> dx, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size, T scale) => L1Loss.Backward(dx, x, targets, n, size, scale);
    }

    sealed class LogisticLoss : ElementwiseHead
    {
        public override string CudaLoss => "netdsl::BinaryCrossEntropyWithLogits";
        public override (double Min, double Max) Targets => (0, 1);
        // The textbook form, through σ: fine in double for the |x| ≤ 30 the tests use.
        public override double Definition(double x, double t) => -(t * Math.Log(Sigmoid(x)) + (1 - t) * Math.Log(1 - Sigmoid(x)));
        public override double Derivative(double x, double t) => Sigmoid(x) - t;
        public override void Forward<T>(Span<T> losses, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size) => BinaryCrossEntropyWithLogits.Forward(losses, x, targets, n, size);
        public override void Backward<T>(Span<T> dx, ReadOnlySpan<T> x, ReadOnlySpan<T> targets, int n, int size, T scale) => BinaryCrossEntropyWithLogits.Backward(dx, x, targets, n, size, scale);
        static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
    }
}
