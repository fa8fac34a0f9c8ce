namespace FaceMask.Training.Evaluation;

/// <summary>What flagging verdicts below one confidence would do on labelled images.</summary>
/// <param name="Below">The threshold.</param>
/// <param name="Flagged">The share of images flagged uncertain.</param>
/// <param name="FlaggedAccuracy">How often a flagged verdict is right (0 when none is flagged).</param>
/// <param name="OtherAccuracy">How often the other verdicts are right (0 when all are flagged).</param>
/// <param name="MistakesFlagged">The share of all wrong verdicts that are flagged.</param>
public sealed record UncertaintyRow(double Below, double Flagged, double FlaggedAccuracy, double OtherAccuracy, double MistakesFlagged);

/// <summary>
/// When a verdict is flagged <c>uncertain</c>: its calibrated top probability is below a threshold
/// (<c>Inference:UncertainBelow</c>, <c>--uncertain-below</c>). The default was chosen on
/// facemask-v2's validation split at its calibrated temperature with <see cref="Table"/>
/// (<c>evaluate</c> prints it; docs/model-card.md): below 0.8, 6% of the faces are flagged, right
/// only 71% of the time against 98% for the rest, and half of all the mistakes are among them.
/// </summary>
public static class Uncertainty
{
    public const double DefaultBelow = 0.8;

    /// <summary>The thresholds <c>evaluate</c> reports.</summary>
    public static IReadOnlyList<double> Thresholds { get; } = [0.6, 0.7, 0.8, 0.9];

    public static bool IsUncertain(float confidence, double below) => confidence < below;

    /// <summary>One row per threshold: how many verdicts it flags and how right the flagged and the other verdicts are.</summary>
    public static IReadOnlyList<UncertaintyRow> Table(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> labels, IEnumerable<double> thresholds)
    {
        var verdicts = probabilities.Select((p, i) => (Confidence: p.Max(), Right: Probabilities.ArgMax(p) == labels[i])).ToList();
        var mistakes = verdicts.Count(v => !v.Right);
        static double Share(int part, int whole) => whole == 0 ? 0 : (double)part / whole;
        return thresholds.Select(below =>
        {
            var flagged = verdicts.Where(v => IsUncertain(v.Confidence, below)).ToList();
            var others = verdicts.Where(v => !IsUncertain(v.Confidence, below)).ToList();
            return new UncertaintyRow(below, Share(flagged.Count, verdicts.Count), Share(flagged.Count(v => v.Right), flagged.Count),
                Share(others.Count(v => v.Right), others.Count), Share(flagged.Count(v => !v.Right), mistakes));
        }).ToList();
    }
}
