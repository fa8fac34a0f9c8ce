namespace FaceMask.Training.Evaluation;

/// <summary>
/// Honest confidence: temperature scaling (Guo et al., "On Calibration of Modern Neural Networks",
/// 2017) and the expected calibration error. A softmax network trained to fit its labels is
/// usually over-confident; dividing its logits by one temperature <c>T</c> fitted on held-out
/// images (T &gt; 1 softens) makes "90%" right about 90% of the time, without changing any verdict.
/// The models output probabilities, so the logits are taken as their logarithms (the same up to a
/// constant per image, which softmax ignores).
/// </summary>
public static class Calibration
{
    /// <summary>The bins of the expected calibration error, as the model card and the issue tracker quote it.</summary>
    public const int Bins = 15;

    /// <summary>The temperatures searched (the logarithm is searched, golden-section, between these).</summary>
    public const double MinTemperature = 0.05, MaxTemperature = 20;

    /// <summary><paramref name="probabilities"/> with the temperature applied, in place.</summary>
    public static void Apply(float[] probabilities, double temperature)
    {
        if (temperature == 1)
        {
            return;
        }

        Span<double> logits = stackalloc double[probabilities.Length];
        var max = double.NegativeInfinity;
        for (var c = 0; c < probabilities.Length; c++)
        {
            logits[c] = Math.Log(Math.Max(probabilities[c], 1e-12)) / temperature;
            max = Math.Max(max, logits[c]);
        }

        double sum = 0;
        for (var c = 0; c < logits.Length; c++)
        {
            logits[c] = Math.Exp(logits[c] - max);
            sum += logits[c];
        }

        for (var c = 0; c < logits.Length; c++)
        {
            probabilities[c] = (float)(logits[c] / sum);
        }
    }

    /// <summary>Every row of <paramref name="probabilities"/> with the temperature applied, in place.</summary>
    public static void Apply(IEnumerable<float[]> probabilities, double temperature)
    {
        foreach (var row in probabilities)
        {
            Apply(row, temperature);
        }
    }

    /// <summary>
    /// The temperature that minimises the negative log-likelihood of <paramref name="labels"/>
    /// (the fit Guo et al. use), rounded to 3 decimals so metadata.json and every figure derived
    /// from it are reproducible to the digit.
    /// </summary>
    public static double FitTemperature(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> labels)
    {
        if (probabilities.Count != labels.Count)
        {
            throw new ArgumentException($"{probabilities.Count} outputs but {labels.Count} labels.");
        }

        if (probabilities.Count == 0)
        {
            throw new ArgumentException("No images to fit a temperature on.");
        }

        var logs = probabilities.Select(row => row.Select(p => Math.Log(Math.Max(p, 1e-12))).ToArray()).ToArray();
        double Loss(double logTemperature)
        {
            var temperature = Math.Exp(logTemperature);
            double total = 0;
            for (var i = 0; i < logs.Length; i++)
            {
                var max = logs[i].Max() / temperature;
                var sum = logs[i].Sum(l => Math.Exp((l / temperature) - max));
                total -= (logs[i][labels[i]] / temperature) - max - Math.Log(sum);
            }

            return total / logs.Length;
        }

        // The loss is convex in 1/T, so golden-section search over log T finds its minimum.
        var (low, high) = (Math.Log(MinTemperature), Math.Log(MaxTemperature));
        var ratio = (Math.Sqrt(5) - 1) / 2;
        var (a, b) = (high - (ratio * (high - low)), low + (ratio * (high - low)));
        var (lossA, lossB) = (Loss(a), Loss(b));
        for (var step = 0; step < 80; step++)
        {
            if (lossA < lossB)
            {
                (high, b, lossB) = (b, a, lossA);
                a = high - (ratio * (high - low));
                lossA = Loss(a);
            }
            else
            {
                (low, a, lossA) = (a, b, lossB);
                b = low + (ratio * (high - low));
                lossB = Loss(b);
            }
        }

        return Math.Round(Math.Exp((low + high) / 2), 3);
    }

    /// <summary>
    /// The expected calibration error: images binned by their top probability into
    /// <paramref name="bins"/> equal-width bins, the gap between each bin's accuracy and its mean
    /// confidence, weighted by the bin's share of the images. 0 is perfect.
    /// </summary>
    public static double ExpectedError(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> labels, int bins = Bins)
    {
        if (probabilities.Count != labels.Count)
        {
            throw new ArgumentException($"{probabilities.Count} outputs but {labels.Count} labels.");
        }

        if (probabilities.Count == 0)
        {
            return 0;
        }

        var (count, correct, confidence) = (new int[bins], new int[bins], new double[bins]);
        for (var i = 0; i < probabilities.Count; i++)
        {
            var best = Probabilities.ArgMax(probabilities[i]);
            var top = probabilities[i][best];
            var bin = Math.Clamp((int)Math.Ceiling(top * bins) - 1, 0, bins - 1); // (k/bins, (k+1)/bins]
            count[bin]++;
            confidence[bin] += top;
            correct[bin] += best == labels[i] ? 1 : 0;
        }

        double error = 0;
        for (var bin = 0; bin < bins; bin++)
        {
            if (count[bin] > 0)
            {
                error += Math.Abs(((double)correct[bin] / count[bin]) - (confidence[bin] / count[bin])) * count[bin] / probabilities.Count;
            }
        }

        return error;
    }
}
