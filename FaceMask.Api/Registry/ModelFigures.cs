using FaceMask.Training.Evaluation;

namespace FaceMask.Api.Registry;

/// <summary>One model's figures in a retrain's evaluation: on the reference set and on the retrain's new test split.</summary>
/// <param name="Reference">Null when there is no reference set.</param>
public sealed record ModelFigures(string Version, ClassificationReport? Reference, ClassificationReport TestSplit);
