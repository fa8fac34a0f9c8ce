using FaceMask.Training.Evaluation;

namespace FaceMask.Api.Registry;

/// <summary>
/// A model's figures where promotion decisions are made: on a version of the reference set (fixed
/// ground no training run uses) and on the test split of the retrain that last judged it.
/// </summary>
public sealed record ModelEvaluation(string ReferenceVersion, ClassificationReport Reference, string? RetrainVersion, ClassificationReport? TestSplit);
