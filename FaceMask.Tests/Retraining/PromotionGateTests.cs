using FaceMask.Api.Registry;
using FaceMask.Api.Retraining;
using FaceMask.Training.Data;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Models;

namespace FaceMask.Tests.Retraining;

/// <summary>The promotion rule on its own: what promotes, and every reason that keeps a candidate.</summary>
public sealed class PromotionGateTests
{
    private static readonly string[] Classes = ["mask_weared_incorrect", "with_mask", "without_mask"];
    private static readonly ReferenceVersion Reference = new(1, DateTimeOffset.UnixEpoch, "test", "f", Classes.ToDictionary(c => c, _ => 30),
        [.. Classes.Select(c => new ReferenceImage(c, c, c))]);

    [Fact]
    public void A_better_candidate_no_worse_on_any_class_is_promoted()
    {
        var decision = Decide(Figures("v2", [10, 9, 10]), Figures("v1", [10, 9, 9]));

        Assert.True(decision.Promote, decision.Summary);
        Assert.StartsWith("promoted: on ref-v1", decision.Summary);
        Assert.Empty(decision.Reasons);
    }

    [Fact]
    public void A_tie_keeps_the_served_model()
    {
        // Exactly the active model's figures (0.8950 against 0.8950 on a fresh deployment): nothing gained, so nothing changes.
        var decision = Decide(Figures("v2", [10, 9, 9]), Figures("v1", [10, 9, 9]));

        Assert.False(decision.Promote);
        Assert.Equal(new GateReason(GateReasonKind.NoImprovement, "macro-F1 on ref-v1 0.9332 ties v1's 0.9332 - margin 0.0000: a tie keeps the served model"), Assert.Single(decision.Reasons));
        Assert.StartsWith("kept as candidate: ", decision.Summary);
    }

    [Fact]
    public void A_reference_set_too_small_to_judge_on_keeps_every_candidate()
    {
        // A fresh deployment's first retrain seeded 10 faces per class: one face would move a recall by a tenth.
        var small = Reference with { Counts = new Dictionary<string, int> { ["mask_weared_incorrect"] = 10, ["with_mask"] = 45, ["without_mask"] = 29 } };

        var decision = PromotionGate.Decide(Metadata("v2"), Figures("v2", [10, 10, 10]), Metadata("v1"), Figures("v1", [5, 5, 5]), small, new RetrainingOptions());
        var allowed = PromotionGate.Decide(Metadata("v2"), Figures("v2", [10, 10, 10]), Metadata("v1"), Figures("v1", [5, 5, 5]), small, new RetrainingOptions { MinReferencePerClass = 10 });

        Assert.False(decision.Promote);
        Assert.Equal(new GateReason(GateReasonKind.ReferenceSetTooSmall,
            "reference set ref-v1 has fewer than 30 images of a class (mask_weared_incorrect 10, without_mask 29; Retraining:MinReferencePerClass), too few to judge on; upload a larger one with POST /api/reference"),
            Assert.Single(decision.Reasons));
        Assert.True(allowed.Promote, allowed.Summary);
    }

    [Fact]
    public void A_better_average_does_not_hide_a_class_that_got_worse()
    {
        // Macro-F1 improves, but incorrectly worn masks are missed more often: the error that matters most.
        var decision = Decide(Figures("v2", [7, 10, 10]), Figures("v1", [8, 8, 8]));

        Assert.False(decision.Promote);
        var reason = Assert.Single(decision.Reasons);
        Assert.Equal(new GateReason(GateReasonKind.ClassRecallDropped, "recall of mask_weared_incorrect on ref-v1 0.7000 vs v1's 0.8000: a drop of 0.1000 > 0.0200"), reason);
    }

    [Fact]
    public void Macro_F1_below_the_active_minus_the_margin_keeps_the_candidate()
    {
        var options = new RetrainingOptions { PromotionMargin = -0.05, MaxClassRecallDrop = 1 }; // an operator demands a clear improvement

        var decision = PromotionGate.Decide(Metadata("v2"), Figures("v2", [10, 10, 9]), Metadata("v1"), Figures("v1", [10, 10, 8]), Reference, options);

        Assert.False(decision.Promote);
        var reason = Assert.Single(decision.Reasons);
        Assert.Equal(GateReasonKind.MacroF1Lower, reason.Kind);
        Assert.StartsWith("macro-F1 on ref-v1", reason.Detail);
    }

    [Fact]
    public void A_candidate_that_holds_up_worse_under_the_shifts_is_kept_even_when_better_on_the_plain_set()
    {
        // Better on the reference set as it is, but it has learned the dataset's photo style: painted masks zoomed out undo it.
        var candidate = Figures("v2", [10, 10, 10]) with { ReferenceRobustness = Robustness(("as_is", 1.0), ("blur", 0.95), ("painted_zoom_out", 0.80)) };
        var active = Figures("v1", [10, 9, 9]) with { ReferenceRobustness = Robustness(("as_is", 0.93), ("blur", 0.90), ("painted_zoom_out", 0.88)) };

        var decision = Decide(candidate, active);

        Assert.False(decision.Promote);
        Assert.Equal(new GateReason(GateReasonKind.RobustnessDropped, "worst robustness row on ref-v1 0.8000 (painted_zoom_out) vs v1's 0.8800 (painted_zoom_out): a drop of 0.0800 > 0.0200"), Assert.Single(decision.Reasons));
    }

    [Fact]
    public void A_worst_row_within_the_allowed_drop_promotes_and_the_decision_names_it()
    {
        var candidate = Figures("v2", [10, 9, 10]) with { ReferenceRobustness = Robustness(("as_is", 0.97), ("dark", 0.87)) };
        var active = Figures("v1", [10, 9, 9]) with { ReferenceRobustness = Robustness(("as_is", 0.93), ("blur", 0.88)) };

        var decision = Decide(candidate, active);

        Assert.True(decision.Promote, decision.Summary);
        Assert.EndsWith("and its worst robustness row 0.8700 (dark) >= v1's 0.8800 - 0.0200", decision.Summary);
    }

    [Fact]
    public void Nothing_comparable_never_promotes()
    {
        var noActive = PromotionGate.Decide(Metadata("v2"), Figures("v2", [10, 10, 10]), null, null, Reference, new RetrainingOptions());
        var otherClasses = PromotionGate.Decide(Metadata("v2") with { Classes = ["a", "b", "c"] }, Figures("v2", [10, 10, 10]), Metadata("v1"), Figures("v1", [1, 1, 1]), Reference, new RetrainingOptions());
        var otherClassesUnmeasured = PromotionGate.Decide(Metadata("v2") with { Classes = ["a", "b", "c"] }, Figures("v2", [10, 10, 10]), Metadata("v1"), null, Reference, new RetrainingOptions());
        var otherInputUploaded = PromotionGate.Decide(Metadata("v2") with { InputSize = [64, 64] }, Figures("v2", [10, 10, 10]), Metadata("v1"), Figures("v1", [1, 1, 1]), Reference, new RetrainingOptions(), sameInputContract: false);
        var otherInput = PromotionGate.Decide(Metadata("v2") with { InputSize = [64, 64] }, Figures("v2", [10, 10, 10]), Metadata("v1"), Figures("v1", [1, 1, 1]), Reference, new RetrainingOptions());
        var noReference = PromotionGate.Decide(Metadata("v2"), Figures("v2", [10, 10, 10]), Metadata("v1"), Figures("v1", [1, 1, 1]), null, new RetrainingOptions());
        var partialReference = PromotionGate.Decide(Metadata("v2"), Figures("v2", [10, 10, 10]), Metadata("v1"), Figures("v1", [1, 1, 1]),
            Reference with { Counts = new Dictionary<string, int> { ["with_mask"] = 10 } }, new RetrainingOptions());

        Assert.Equal(GateReasonKind.NoActiveModel, Assert.Single(noActive.Reasons).Kind);
        Assert.Contains("no comparable active model", noActive.Reasons[0].Detail);
        Assert.Equal([GateReasonKind.ClassesDiffer, GateReasonKind.ReferenceSetLacksClasses], otherClasses.Reasons.Select(r => r.Kind));
        Assert.Contains("classes (a, b, c) differ from v1's", otherClasses.Reasons[0].Detail);
        Assert.Contains("has no images of a, b, c", otherClasses.Reasons[1].Detail);
        Assert.Equal(otherClasses.Reasons, otherClassesUnmeasured.Reasons); // the active model is not measured on classes it does not have
        Assert.True(otherInputUploaded.Promote, otherInputUploaded.Summary); // an upload is measured through its own preprocessing
        Assert.Equal(GateReasonKind.InputContractDiffers, Assert.Single(otherInput.Reasons).Kind);
        Assert.Contains("input contract (64x64 RGB", otherInput.Reasons[0].Detail);
        Assert.Equal(GateReasonKind.NoReferenceSet, Assert.Single(noReference.Reasons).Kind);
        Assert.Equal(GateReasonKind.ReferenceSetLacksClasses, Assert.Single(partialReference.Reasons).Kind);
        Assert.Contains("no images of mask_weared_incorrect, without_mask", partialReference.Reasons[0].Detail);
        Assert.All(new[] { noActive, otherClasses, otherInput, noReference, partialReference }, d => Assert.StartsWith("kept as candidate: ", d.Summary));
    }

    [Fact]
    public void Reasons_are_kind_and_detail_and_reasons_stored_as_text_by_earlier_versions_still_read()
    {
        var decision = Decide(Figures("v2", [7, 10, 10]), Figures("v1", [8, 8, 8]));
        var json = FaceMask.Training.Common.Json.Serialize(decision);

        Assert.Contains("\"kind\": \"class_recall_dropped\"", json);
        Assert.Equal(decision.Reasons, FaceMask.Training.Common.Json.Deserialize<PromotionDecision>(json).Reasons);
        var old = FaceMask.Training.Common.Json.Deserialize<PromotionDecision>("""{"promote": false, "summary": "kept as candidate: x", "reasons": ["x"]}""");
        Assert.Equal([new GateReason(GateReasonKind.Recorded, "x")], old.Reasons);
    }

    private static PromotionDecision Decide(ModelFigures candidate, ModelFigures active) =>
        PromotionGate.Decide(Metadata(candidate.Version), candidate, Metadata(active.Version), active, Reference, new RetrainingOptions());

    /// <summary>Figures of a model that gets <paramref name="correct"/>[c] of 10 images of class c right (the rest called the next class).</summary>
    private static ModelFigures Figures(string version, int[] correct)
    {
        var truth = new List<int>();
        var predicted = new List<int>();
        for (var c = 0; c < Classes.Length; c++)
        {
            for (var i = 0; i < 10; i++)
            {
                truth.Add(c);
                predicted.Add(i < correct[c] ? c : (c + 1) % Classes.Length);
            }
        }

        var report = ClassificationReport.Compute(Classes, truth, predicted);
        return new ModelFigures(version, report, report);
    }

    private static RobustnessReport Robustness(params (string Shift, double MacroF1)[] rows)
    {
        var results = rows.Select(r => new ShiftResult(r.Shift, r.Shift, 30, r.MacroF1, r.MacroF1, new Dictionary<string, double>())).ToList();
        var worst = results.MinBy(r => r.MacroF1)!;
        return new RobustnessReport(results, worst.Shift, worst.MacroF1);
    }

    private static ModelMetadata Metadata(string version) =>
        new(version, Classes, [32, 32], new PreprocessingMetadata("RGB", 1f / 255f, 0f), "facemask-wide", 1, 1, null, null, null, DateTimeOffset.UnixEpoch, null);
}
