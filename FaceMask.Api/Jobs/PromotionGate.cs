using System.Globalization;
using FaceMask.Api.Registry;
using FaceMask.Training.Data;
using FaceMask.Training.Models;

namespace FaceMask.Api.Jobs;

/// <summary>
/// Decides whether a candidate may replace the active model. It promotes only when everything can
/// be compared on the reference set (an active model with the same classes and input contract, a
/// reference set with images of every class) and the candidate is no worse there: macro-F1 at
/// least the active one's minus the margin, no class's recall lower by more than the allowed
/// drop, and its worst robustness row no lower than the active one's by more than the allowed drop
/// (judged when both models were measured under the shifts, as every retrain does). Anything else
/// keeps the candidate, with every reason.
/// </summary>
public static class PromotionGate
{
    private const double Tolerance = 1e-9; // figures are ratios of counts; equal ones must compare equal

    public static PromotionDecision Decide(
        ModelMetadata candidate,
        ModelFigures candidateFigures,
        ModelMetadata? active,
        ModelFigures? activeFigures,
        ReferenceVersion? reference,
        RetrainOptions options)
    {
        var reasons = new List<string>();
        if (active is null || activeFigures is null)
        {
            reasons.Add("no comparable active model (none is active, or it cannot be loaded); activate the candidate explicitly if it should serve");
        }
        else
        {
            if (!active.Classes.SequenceEqual(candidate.Classes, StringComparer.Ordinal))
            {
                reasons.Add($"its classes ({string.Join(", ", candidate.Classes)}) differ from {active.Version}'s ({string.Join(", ", active.Classes)})");
            }

            if (!active.InputSize.SequenceEqual(candidate.InputSize) || active.Preprocessing != candidate.Preprocessing)
            {
                reasons.Add($"its input contract ({Describe(candidate)}) differs from {active.Version}'s ({Describe(active)})");
            }
        }

        if (reference is null || reference.Images.Count == 0)
        {
            reasons.Add("there is no reference set to judge it on (POST /api/reference adds one)");
        }
        else
        {
            var missing = candidate.Classes.Where(c => reference.Counts.GetValueOrDefault(c) == 0).ToList();
            if (missing.Count > 0)
            {
                reasons.Add($"reference set {reference.Name} has no images of {string.Join(", ", missing)}, so their recall cannot be compared");
            }
        }

        if (reasons.Count == 0)
        {
            var on = reference!.Name;
            var mine = candidateFigures.Reference ?? throw new InvalidOperationException("The candidate has no figures on the reference set.");
            var theirs = activeFigures!.Reference ?? throw new InvalidOperationException("The active model has no figures on the reference set.");
            if (mine.MacroF1 < theirs.MacroF1 - options.PromotionMargin - Tolerance)
            {
                reasons.Add($"macro-F1 on {on} {F(mine.MacroF1)} < {active!.Version}'s {F(theirs.MacroF1)} - margin {F(options.PromotionMargin)}");
            }

            foreach (var (name, figures) in theirs.PerClass)
            {
                var recall = mine.PerClass.TryGetValue(name, out var m) ? m.Recall : 0;
                var drop = figures.Recall - recall;
                if (drop > options.MaxClassRecallDrop + Tolerance)
                {
                    reasons.Add($"recall of {name} on {on} {F(recall)} vs {active!.Version}'s {F(figures.Recall)}: a drop of {F(drop)} > {F(options.MaxClassRecallDrop)}");
                }
            }

            var (myWorst, theirWorst) = (candidateFigures.ReferenceRobustness, activeFigures.ReferenceRobustness);
            if (myWorst is not null && theirWorst is not null && myWorst.WorstMacroF1 < theirWorst.WorstMacroF1 - options.MaxRobustnessDrop - Tolerance)
            {
                reasons.Add($"worst robustness row on {on} {F(myWorst.WorstMacroF1)} ({myWorst.Worst}) vs {active!.Version}'s {F(theirWorst.WorstMacroF1)} ({theirWorst.Worst}): " +
                    $"a drop of {F(theirWorst.WorstMacroF1 - myWorst.WorstMacroF1)} > {F(options.MaxRobustnessDrop)}");
            }

            if (reasons.Count == 0)
            {
                var recall = $"no class's recall dropped by more than {F(options.MaxClassRecallDrop)}";
                var rest = myWorst is not null && theirWorst is not null
                    ? $"{recall}, and its worst robustness row {F(myWorst.WorstMacroF1)} ({myWorst.Worst}) >= {active!.Version}'s {F(theirWorst.WorstMacroF1)} - {F(options.MaxRobustnessDrop)}"
                    : $"and {recall}";
                return new PromotionDecision(true,
                    $"promoted: on {on} macro-F1 {F(mine.MacroF1)} >= {active!.Version}'s {F(theirs.MacroF1)} - margin {F(options.PromotionMargin)}, {rest}", []);
            }
        }

        return new PromotionDecision(false, "kept as candidate: " + string.Join("; ", reasons), reasons);
    }

    private static string Describe(ModelMetadata model) =>
        $"{string.Join("x", model.InputSize)} {model.Preprocessing.ColorOrder} x{model.Preprocessing.Scale.ToString("0.######", CultureInfo.InvariantCulture)}+{model.Preprocessing.Offset.ToString("0.######", CultureInfo.InvariantCulture)}";

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
