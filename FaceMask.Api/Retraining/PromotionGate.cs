using System.Globalization;
using FaceMask.Api.Registry;
using FaceMask.Training.Data;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Models;

namespace FaceMask.Api.Retraining;

/// <summary>
/// Decides whether a candidate may replace the active model. It promotes only when everything can
/// be compared on the reference set (an active model with the same classes and input contract, a
/// reference set with at least <see cref="RetrainingOptions.MinReferencePerClass"/> images of every
/// class) and the candidate is better there: macro-F1 above the active one's minus the margin (a
/// tie keeps the served model), no class's recall lower by more than the allowed drop, and its
/// worst robustness row no lower than the active one's by more than the allowed drop (judged when
/// both models were measured under the shifts, as every retrain does). Anything else keeps the
/// candidate, with every reason.
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
        RetrainingOptions options,
        bool sameInputContract = true)
    {
        var reasons = Incomparable(candidate, active, activeFigures, reference, options.MinReferencePerClass, sameInputContract).ToList();
        if (reasons.Count == 0)
        {
            var judged = new Judgement(reference!.Name, active!.Version, candidateFigures, activeFigures!, options);
            reasons.AddRange(judged.Worse());
            if (reasons.Count == 0)
            {
                return new PromotionDecision(true, "promoted: " + judged.NoWorse(), []);
            }
        }

        return new PromotionDecision(false, "kept as candidate: " + string.Join("; ", reasons.Select(r => r.Detail)), reasons);
    }

    /// <summary>
    /// What stops the two models being compared at all: no active model, other classes, other input
    /// (for a retrain, which fine-tunes the active model; an uploaded model is measured through its own
    /// preprocessing, so <paramref name="sameInputContract"/> is false), no reference set for every
    /// class, or one too small to judge on (one face more or less misread would decide).
    /// </summary>
    private static IEnumerable<GateReason> Incomparable(
        ModelMetadata candidate, ModelMetadata? active, ModelFigures? activeFigures, ReferenceVersion? reference, int minPerClass, bool sameInputContract)
    {
        // A model of other classes is never measured beside the candidate: that is its reason, not a missing model.
        if (active is null || (activeFigures is null && active.Classes.SequenceEqual(candidate.Classes, StringComparer.Ordinal)))
        {
            yield return new(GateReasonKind.NoActiveModel, "no comparable active model (none is active, or it cannot be loaded); activate the candidate explicitly if it should serve");
        }
        else
        {
            if (!active.Classes.SequenceEqual(candidate.Classes, StringComparer.Ordinal))
            {
                yield return new(GateReasonKind.ClassesDiffer, $"its classes ({string.Join(", ", candidate.Classes)}) differ from {active.Version}'s ({string.Join(", ", active.Classes)})");
            }

            if (sameInputContract && (!active.InputSize.SequenceEqual(candidate.InputSize) || active.Preprocessing != candidate.Preprocessing))
            {
                yield return new(GateReasonKind.InputContractDiffers, $"its input contract ({Describe(candidate)}) differs from {active.Version}'s ({Describe(active)})");
            }
        }

        if (reference is null || reference.Images.Count == 0)
        {
            yield return new(GateReasonKind.NoReferenceSet, "there is no reference set to judge it on (POST /api/reference adds one)");
        }
        else if (candidate.Classes.Where(c => reference.Counts.GetValueOrDefault(c) == 0).ToList() is { Count: > 0 } missing)
        {
            yield return new(GateReasonKind.ReferenceSetLacksClasses, $"reference set {reference.Name} has no images of {string.Join(", ", missing)}, so their recall cannot be compared");
        }
        else if (candidate.Classes.Where(c => reference.Counts.GetValueOrDefault(c) < minPerClass).ToList() is { Count: > 0 } few)
        {
            var counts = string.Join(", ", few.Select(c => $"{c} {reference.Counts.GetValueOrDefault(c)}"));
            yield return new(GateReasonKind.ReferenceSetTooSmall,
                $"reference set {reference.Name} has fewer than {minPerClass} images of a class ({counts}; Retraining:MinReferencePerClass), too few to judge on; upload a larger one with POST /api/reference");
        }
    }

    /// <summary>The candidate's figures on reference set <paramref name="On"/> against the active model's.</summary>
    private sealed record Judgement(string On, string Active, ModelFigures Candidate, ModelFigures Current, RetrainingOptions Options)
    {
        private ClassificationReport Mine => Candidate.Reference ?? throw new InvalidOperationException("The candidate has no figures on the reference set.");

        private ClassificationReport Theirs => Current.Reference ?? throw new InvalidOperationException("The active model has no figures on the reference set.");

        /// <summary>Robustness is judged when both models were measured under the shifts, as every retrain does.</summary>
        private (RobustnessReport Mine, RobustnessReport Theirs)? Robustness =>
            Candidate.ReferenceRobustness is { } mine && Current.ReferenceRobustness is { } theirs ? (mine, theirs) : null;

        public IEnumerable<GateReason> Worse()
        {
            var bar = Theirs.MacroF1 - Options.PromotionMargin;
            if (Mine.MacroF1 < bar - Tolerance)
            {
                yield return new(GateReasonKind.MacroF1Lower, $"macro-F1 on {On} {F(Mine.MacroF1)} < {Active}'s {F(Theirs.MacroF1)} - margin {F(Options.PromotionMargin)}");
            }
            else if (Mine.MacroF1 <= bar + Tolerance)
            {
                yield return new(GateReasonKind.NoImprovement, $"macro-F1 on {On} {F(Mine.MacroF1)} ties {Active}'s {F(Theirs.MacroF1)} - margin {F(Options.PromotionMargin)}: a tie keeps the served model");
            }

            foreach (var (name, figures) in Theirs.PerClass)
            {
                var recall = Mine.PerClass.TryGetValue(name, out var m) ? m.Recall : 0;
                var drop = figures.Recall - recall;
                if (drop > Options.MaxClassRecallDrop + Tolerance)
                {
                    yield return new(GateReasonKind.ClassRecallDropped, $"recall of {name} on {On} {F(recall)} vs {Active}'s {F(figures.Recall)}: a drop of {F(drop)} > {F(Options.MaxClassRecallDrop)}");
                }
            }

            if (Robustness is (var mine, var theirs) && mine.WorstMacroF1 < theirs.WorstMacroF1 - Options.MaxRobustnessDrop - Tolerance)
            {
                yield return new(GateReasonKind.RobustnessDropped, $"worst robustness row on {On} {F(mine.WorstMacroF1)} ({mine.Worst}) vs {Active}'s {F(theirs.WorstMacroF1)} ({theirs.Worst}): " +
                    $"a drop of {F(theirs.WorstMacroF1 - mine.WorstMacroF1)} > {F(Options.MaxRobustnessDrop)}");
            }
        }

        public string NoWorse()
        {
            var recall = $"no class's recall dropped by more than {F(Options.MaxClassRecallDrop)}";
            var rest = Robustness is (var mine, var theirs)
                ? $"{recall}, and its worst robustness row {F(mine.WorstMacroF1)} ({mine.Worst}) >= {Active}'s {F(theirs.WorstMacroF1)} - {F(Options.MaxRobustnessDrop)}"
                : $"and {recall}";
            return $"on {On} macro-F1 {F(Mine.MacroF1)} > {Active}'s {F(Theirs.MacroF1)} - margin {F(Options.PromotionMargin)}, {rest}";
        }
    }

    private static string Describe(ModelMetadata model) =>
        $"{string.Join("x", model.InputSize)} {model.Preprocessing.ColorOrder} x{model.Preprocessing.Scale.ToString("0.######", CultureInfo.InvariantCulture)}+{model.Preprocessing.Offset.ToString("0.######", CultureInfo.InvariantCulture)}";

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
