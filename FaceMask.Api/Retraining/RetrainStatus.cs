using FaceMask.Api.Registry;

namespace FaceMask.Api.Retraining;

/// <summary>A retrain as <c>GET /api/jobs/{id}</c> reports it.</summary>
public sealed record RetrainStatus(
    Guid Id,
    RetrainState State,
    RetrainStage Stage,
    JobHealth Health,
    string? Note,
    RetrainProgress? Progress,
    string TargetVersion,
    DateTimeOffset Created,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    DateTimeOffset? Heartbeat,
    string? ModelVersion,
    string? Decision,
    bool? Promoted,
    string? Error,
    RetrainJobIds? HangfireJobs);
