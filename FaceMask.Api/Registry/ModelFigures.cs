using FaceMask.Training.Evaluation;

namespace FaceMask.Api.Registry;

/// <summary>One model's figures in a retrain's evaluation: on the reference set and on the retrain's new test split (none for an uploaded model).</summary>
/// <param name="Reference">Null when there is no reference set.</param>
/// <param name="ReferenceRobustness">The reference set under every robustness shift (null without a reference set, and in records written before it existed).</param>
public sealed record ModelFigures(string Version, ClassificationReport? Reference, ClassificationReport? TestSplit, RobustnessReport? ReferenceRobustness = null);
