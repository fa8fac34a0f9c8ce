using FaceMask.Training.Evaluation;

namespace FaceMask.Api.Jobs;

/// <summary>One model's figures in a retrain's evaluation: on the reference set and on the retrain's new test split.</summary>
/// <param name="Reference">Null when there is no reference set.</param>
public sealed record ModelFigures(string Version, ClassificationReport? Reference, ClassificationReport TestSplit);

/// <summary>Whether a candidate replaces the active model, and every reason it does not.</summary>
public sealed record PromotionDecision(bool Promote, string Summary, IReadOnlyList<string> Reasons);

/// <summary>The evaluate stage's result: both models on the same fixed ground, and what follows from it.</summary>
public sealed record RetrainComparison(string? ReferenceVersion, ModelFigures Candidate, ModelFigures? Active, PromotionDecision Decision);
