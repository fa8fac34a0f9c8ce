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
    string? Reason);

/// <summary>The state of a whole retrain (split, train, evaluate, promote).</summary>
public enum RetrainState
{
    Enqueued,
    Processing,
    Succeeded,
    Failed,
}

/// <summary>One retrain, as <c>GET /api/jobs/{id}</c> reports it.</summary>
public sealed record RetrainRecord(
    Guid Id,
    RetrainState State,
    string Stage,
    string? ProgressJson,
    string TargetVersion,
    DateTimeOffset Created,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    string? ResultVersion,
    string? Decision,
    string? Error,
    string? JobIds);
