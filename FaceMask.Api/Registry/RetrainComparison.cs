namespace FaceMask.Api.Registry;

/// <summary>The evaluate stage's result: both models on the same fixed ground, and what follows from it.</summary>
public sealed record RetrainComparison(string? ReferenceVersion, ModelFigures Candidate, ModelFigures? Active, PromotionDecision Decision);
