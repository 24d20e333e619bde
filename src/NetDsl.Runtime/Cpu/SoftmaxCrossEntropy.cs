using System.Numerics;
using System.Numerics.Tensors;

namespace NetDsl.Runtime.Cpu;

// Shapes: logits, probs, dlogits (n, classes); labels, losses (n).
//   probs_s  = softmax(logits_s)
//   losses_s = logsumexp(logits_s) - logits_s[label_s]
//   dlogits  = (probs - onehot(labels)) · scale          (scale is typically 1/batch for a mean loss)
// Both subtract the row maximum first, so every exp is at most 1 and logits of any finite size stay finite.
public static class SoftmaxCrossEntropy
{
    /// <summary>probs = softmax(logits) per sample; losses = each sample's cross-entropy against its label.</summary>
    public static void Forward<T>(Span<T> probs, Span<T> losses, ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int n, int classes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(logits.Length, labels, n, classes, nameof(logits));
        Check.Length(probs.Length, logits.Length, nameof(probs));
        Check.Length(losses.Length, n, nameof(losses));

        for (int s = 0; s < n; s++)
        {
            var z = logits.Slice(s * classes, classes);
            var p = probs.Slice(s * classes, classes);
            T max = TensorPrimitives.Max(z);
            // Read the label's logit first: probs may alias logits.
            T shiftedTarget = z[labels[s]] - max;
            TensorPrimitives.Subtract(z, max, p);
            TensorPrimitives.Exp(p, p);
            T sum = TensorPrimitives.Sum<T>(p);
            TensorPrimitives.Divide(p, sum, p);
            losses[s] = T.Log(sum) - shiftedTarget;
        }
    }

    /// <summary>dlogits = (probs - onehot(labels)) · scale: the gradient of scale · Σ losses. dlogits may alias probs.</summary>
    public static void Backward<T>(Span<T> dlogits, ReadOnlySpan<T> probs, ReadOnlySpan<int> labels, int n, int classes, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(probs.Length, labels, n, classes, nameof(probs));
        Check.Length(dlogits.Length, probs.Length, nameof(dlogits));

        for (int s = 0; s < n; s++)
        {
            int target = s * classes + labels[s];
            T pTarget = probs[target];
            TensorPrimitives.Multiply(probs.Slice(s * classes, classes), scale, dlogits.Slice(s * classes, classes));
            dlogits[target] = (pTarget - T.One) * scale;
        }
    }

    static void CheckShapes(int length, ReadOnlySpan<int> labels, int n, int classes, string name)
    {
        Check.Count(n, nameof(n));
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        Check.Length(length, (long)n * classes, name);
        Check.Length(labels.Length, n, nameof(labels));
        // Checked up front so a bad label leaves every output untouched.
        for (int s = 0; s < n; s++)
            if ((uint)labels[s] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), labels[s], $"Sample {s} has label {labels[s]}, outside [0, {classes}).");
    }
}
