namespace FaceMask.Api.Registry;

/// <summary>One registered model version: its folder, figures, lineage and state.</summary>
/// <param name="Evaluation">Its figures on the reference set (and on the test split of the retrain that judged it), per class.</param>
public sealed record ModelRecord(
    string Version,
    string Path,
    ModelState State,
    double? Accuracy,
    double? MacroF1,
    string? DatasetFingerprint,
    string? ParentVersion,
    DateTimeOffset Created,
    DateTimeOffset? ActivatedAt,
    string? Reason,
    ModelEvaluation? Evaluation = null);
