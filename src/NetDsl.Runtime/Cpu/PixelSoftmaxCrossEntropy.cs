using System.Numerics;

namespace NetDsl.Runtime.Cpu;

// PyTorch's F.cross_entropy(logits, labels, ignore_index=ignoreLabel) on a segmentation map: a softmax over the classes
// at every pixel. Shapes: logits, probs, dlogits (n, classes, height, width); labels (n, height, width); losses (n).
//   probs[s, :, p]   = softmax(logits[s, :, p])
//   losses_s         = Σ over the sample's labeled pixels p of logsumexp(logits[s, :, p]) − logits[s, label, p]
//   dlogits[s, :, p] = (probs[s, :, p] − onehot(label)) · scale at labeled pixels, 0 at ignored ones
// PyTorch's mean divides by the labeled pixels of the whole batch, not by its samples: with count = CountLabeled over
// the batch's labels, scale = 1 / count and Σ losses · scale is PyTorch's loss (a batch with none has no mean: NaN).
// Every worker can count the whole batch's labels itself, so workers over sample ranges agree on the scale.
public static class PixelSoftmaxCrossEntropy
{
    /// <summary>The labels that are not <paramref name="ignoreLabel"/>: over the whole batch, PyTorch's divisor for the mean.</summary>
    public static int CountLabeled(ReadOnlySpan<int> labels, int ignoreLabel) => labels.Length - labels.Count(ignoreLabel);

    /// <summary>
    /// probs = softmax over the classes at every pixel; losses = each sample's cross-entropy summed over its labeled
    /// pixels. probs may alias logits.
    /// </summary>
    public static void Forward<T>(Span<T> probs, Span<T> losses, ReadOnlySpan<T> logits, ReadOnlySpan<int> labels,
        int n, int classes, int height, int width, int ignoreLabel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(logits.Length, labels, n, classes, height, width, ignoreLabel, nameof(logits));
        Check.Length(probs.Length, logits.Length, nameof(probs));
        Check.Length(losses.Length, n, nameof(losses));

        int pixels = height * width;
        for (int s = 0; s < n; s++)
        {
            var z = logits.Slice(s * classes * pixels, classes * pixels);
            var q = probs.Slice(s * classes * pixels, classes * pixels);
            T loss = T.Zero;
            for (int p = 0; p < pixels; p++)
            {
                // Subtract the pixel's maximum first, so every exp is at most 1, as SoftmaxCrossEntropy does.
                T max = z[p];
                for (int c = 1; c < classes; c++) max = T.Max(max, z[c * pixels + p]);
                int label = labels[s * pixels + p];
                // Read the label's logit first: probs may alias logits.
                T shiftedTarget = label == ignoreLabel ? T.Zero : z[label * pixels + p] - max;
                T sum = T.Zero;
                for (int c = 0; c < classes; c++)
                {
                    T e = T.Exp(z[c * pixels + p] - max);
                    q[c * pixels + p] = e;
                    sum += e;
                }
                for (int c = 0; c < classes; c++) q[c * pixels + p] /= sum;
                if (label != ignoreLabel) loss += T.Log(sum) - shiftedTarget;
            }
            losses[s] = loss;
        }
    }

    /// <summary>
    /// dlogits = (probs − onehot(labels)) · scale at labeled pixels and 0 at ignored ones: the gradient of
    /// scale · Σ losses. dlogits may alias probs.
    /// </summary>
    public static void Backward<T>(Span<T> dlogits, ReadOnlySpan<T> probs, ReadOnlySpan<int> labels,
        int n, int classes, int height, int width, int ignoreLabel, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(probs.Length, labels, n, classes, height, width, ignoreLabel, nameof(probs));
        Check.Length(dlogits.Length, probs.Length, nameof(dlogits));

        int pixels = height * width;
        for (int s = 0; s < n; s++)
            for (int c = 0; c < classes; c++)
                for (int p = 0; p < pixels; p++)
                {
                    int label = labels[s * pixels + p], i = (s * classes + c) * pixels + p;
                    dlogits[i] = label == ignoreLabel ? T.Zero : (probs[i] - (label == c ? T.One : T.Zero)) * scale;
                }
    }

    static void CheckShapes(int length, ReadOnlySpan<int> labels, int n, int classes, int height, int width, int ignoreLabel, string name)
    {
        Check.Count(n, nameof(n));
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        long pixels = (long)height * width;
        Check.Length(length, n * classes * pixels, name);
        Check.Length(labels.Length, n * pixels, nameof(labels));
        // Checked up front so a bad label leaves every output untouched; a label map's padding must use ignoreLabel.
        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)classes && label != ignoreLabel)
            {
                int pixel = (int)(i % pixels);
                throw new ArgumentOutOfRangeException(nameof(labels), label,
                    $"Sample {i / pixels} has label {label} at pixel (row {pixel / width}, column {pixel % width}), " +
                    $"outside [0, {classes}) and not the ignore label {ignoreLabel}.");
            }
        }
    }
}
