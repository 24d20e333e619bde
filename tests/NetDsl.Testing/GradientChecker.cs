namespace NetDsl.Testing;

/// <summary>
/// Central finite-difference check of hand-written gradients, in double precision. The function under test maps
/// named inputs to an output y; the checker forms the scalar loss L = Σ y·r for a fixed random r, so backward is
/// called with dL/dy = r and must report dL/d(input) for every input. Each input element is nudged by ±Step in
/// place and the numerical derivative (L(v+h) - L(v-h)) / 2h is compared with the analytic one.
/// </summary>
public sealed class GradientChecker
{
    /// <summary>Writes y from the current input values.</summary>
    public delegate void Forward(Span<double> y);

    /// <summary>Writes dL/d(inputs[k]) into gradients[k] (zeroed beforehand) given dL/dy.</summary>
    public delegate void Backward(ReadOnlySpan<double> dy, double[][] gradients);

    /// <summary>Finite-difference step. 1e-5 balances truncation error (h²) against rounding (eps/h) in double.</summary>
    public double Step { get; init; } = 1e-5;

    /// <summary>Largest accepted error |analytic - numeric| / max(1, |analytic|, |numeric|).</summary>
    public double Tolerance { get; init; } = 1e-6;

    public int Seed { get; init; } = 20240607;

    /// <summary>Checks every element of every input; fails with the worst relative error and where it occurred.</summary>
    public GradientReport Check(int outputs, Forward forward, Backward backward, params (string Name, double[] Values)[] inputs)
    {
        var random = new Random(Seed);
        var r = new double[outputs];
        for (int i = 0; i < outputs; i++) r[i] = random.NextDouble() * 2 - 1;
        var y = new double[outputs];

        double Loss()
        {
            Array.Clear(y);
            forward(y);
            double sum = 0;
            for (int i = 0; i < outputs; i++) sum += y[i] * r[i];
            return sum;
        }

        Loss(); // backward may rely on state the forward pass leaves behind, as layers do
        var gradients = inputs.Select(input => new double[input.Values.Length]).ToArray();
        backward(r, gradients);

        var worst = new GradientReport("(no inputs)", -1, 0, 0, 0);
        for (int k = 0; k < inputs.Length; k++)
        {
            var values = inputs[k].Values;
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + Step;
                double plus = Loss();
                values[i] = saved - Step;
                double minus = Loss();
                values[i] = saved;

                double numeric = (plus - minus) / (2 * Step);
                double analytic = gradients[k][i];
                double error = Math.Abs(analytic - numeric) / Math.Max(1, Math.Max(Math.Abs(analytic), Math.Abs(numeric)));
                if (double.IsNaN(error)) error = double.PositiveInfinity;
                if (error > worst.RelativeError || worst.Index < 0)
                    worst = new GradientReport(inputs[k].Name, i, analytic, numeric, error);
            }
        }

        if (worst.RelativeError > Tolerance)
            Xunit.Assert.Fail($"Gradient check failed (tolerance {Tolerance:G3}): {worst}");
        return worst;
    }
}

/// <summary>The worst disagreement found by <see cref="GradientChecker"/>.</summary>
public sealed record GradientReport(string Input, int Index, double Analytic, double Numeric, double RelativeError)
{
    public override string ToString() =>
        $"d/d{Input}[{Index}]: analytic {Analytic:G10}, numeric {Numeric:G10}, relative error {RelativeError:G3}";
}
