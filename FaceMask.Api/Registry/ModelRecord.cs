namespace FaceMask.Api.Registry;

/// <summary>Where a model version stands.</summary>
public enum ModelState
{
    /// <summary>Trained and evaluated, not served (not better than the active model, or not yet decided).</summary>
    Candidate,

    /// <summary>The one model every replica serves.</summary>
    Active,

    /// <summary>Was active; replaced by a promotion or a rollback. Can be activated again.</summary>
    Retired,
}

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
