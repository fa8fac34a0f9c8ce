using FaceMask.Api.Registry;

namespace FaceMask.Api.Retraining;

/// <summary>A retrain as <c>GET /api/jobs/{id}</c> reports it.</summary>
/// <param name="Outcome">What it did to the served model: waiting, running, promoted, kept_as_candidate, failed, cancelled.</param>
/// <param name="Started">When its first stage began (<paramref name="Created"/> is when it was requested).</param>
/// <param name="Retries">Every stage that ran again and why.</param>
public sealed record RetrainStatus(
    Guid Id,
    RetrainOutcome Outcome,
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
    IReadOnlyList<string> Retries,
    RetrainJobIds? HangfireJobs);
