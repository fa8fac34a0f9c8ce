using FaceMask.Training.Evaluation;

namespace FaceMask.Tests.Evaluation;

/// <summary>Temperature scaling and the expected calibration error on outputs whose true calibration is known.</summary>
public sealed class CalibrationTests
{
    [Fact]
    public void A_temperature_softens_or_sharpens_without_changing_the_verdict()
    {
        float[] probabilities = [0.8f, 0.2f];
        Calibration.Apply(probabilities, 1);
        Assert.Equal([0.8f, 0.2f], probabilities);

        Calibration.Apply(probabilities, 2); // logits halved: p ∝ sqrt(p)
        Assert.Equal(2.0 / 3, probabilities[0], 5);
        Assert.Equal(1.0 / 3, probabilities[1], 5);

        Calibration.Apply(probabilities, 0.25); // and sharpened back past where it started: p ∝ p^4
        Assert.Equal(0.8 * 0.8 / ((0.8 * 0.8) + (0.2 * 0.2)), probabilities[0], 5);
    }

    [Fact]
    public void Fitting_recovers_the_temperature_of_an_over_confident_model()
    {
        // Labels drawn from softmax(z): those probabilities are calibrated by construction. The
        // "model" answers softmax(2.5 z): over-confident by a temperature of 2.5.
        var (outputs, labels, calibrated) = Sample(4000, sharpening: 2.5, seed: 7);

        var temperature = Calibration.FitTemperature(outputs, labels);

        Assert.InRange(temperature, 2.2, 2.8);
        var before = Calibration.ExpectedError(outputs, labels);
        Calibration.Apply(outputs, temperature);
        var after = Calibration.ExpectedError(outputs, labels);
        Assert.True(after < before / 3, $"calibration error {before:0.000} -> {after:0.000}");
        Assert.True(after < Calibration.ExpectedError(calibrated, labels) + 0.02, "as good as the true probabilities, up to sampling");
    }

    [Fact]
    public void An_under_confident_model_gets_a_temperature_below_one()
    {
        var (outputs, labels, _) = Sample(4000, sharpening: 0.5, seed: 8);

        Assert.InRange(Calibration.FitTemperature(outputs, labels), 0.4, 0.6);
    }

    [Fact]
    public void The_expected_calibration_error_weighs_each_bins_gap_by_its_share()
    {
        // Four answers at 0.9, all right (gap 0.1); two at 0.6, one right (gap 0.1); two at 0.35 (a
        // three-class tie-breaker), both right (gap 0.65). Weighted: (4 * 0.1 + 2 * 0.1 + 2 * 0.65) / 8.
        float[][] outputs =
        [
            [0.9f, 0.05f, 0.05f], [0.9f, 0.05f, 0.05f], [0.05f, 0.9f, 0.05f], [0.05f, 0.05f, 0.9f],
            [0.6f, 0.3f, 0.1f], [0.6f, 0.3f, 0.1f],
            [0.35f, 0.33f, 0.32f], [0.32f, 0.35f, 0.33f],
        ];
        int[] labels = [0, 0, 1, 2, 0, 1, 0, 1];

        Assert.Equal(((4 * 0.1) + (2 * 0.1) + (2 * 0.65)) / 8, Calibration.ExpectedError(outputs, labels), 5);
        Assert.Equal(0, Calibration.ExpectedError([[1f, 0f], [0f, 1f]], [0, 1]), 12);
    }

    [Fact]
    public void Fitting_needs_as_many_labels_as_outputs()
    {
        Assert.Throws<ArgumentException>(() => Calibration.FitTemperature([[0.5f, 0.5f]], []));
        Assert.Throws<ArgumentException>(() => Calibration.FitTemperature([], []));
    }

    private static (float[][] Outputs, int[] Labels, float[][] Calibrated) Sample(int count, double sharpening, int seed)
    {
        var random = new Random(seed);
        var (outputs, labels, calibrated) = (new float[count][], new int[count], new float[count][]);
        for (var i = 0; i < count; i++)
        {
            var logits = Enumerable.Range(0, 3).Select(_ => random.NextDouble() * 3).ToArray();
            calibrated[i] = Softmax(logits, 1);
            outputs[i] = Softmax(logits, sharpening);
            var draw = random.NextDouble();
            labels[i] = draw < calibrated[i][0] ? 0 : draw < calibrated[i][0] + calibrated[i][1] ? 1 : 2;
        }

        return (outputs, labels, calibrated);
    }

    private static float[] Softmax(double[] logits, double scale)
    {
        var exp = logits.Select(l => Math.Exp(l * scale)).ToArray();
        return exp.Select(e => (float)(e / exp.Sum())).ToArray();
    }
}
