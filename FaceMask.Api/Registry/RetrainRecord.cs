namespace FaceMask.Api.Registry;

/// <summary>One retrain, as <c>GET /api/jobs/{id}</c> reports it.</summary>
/// <param name="Decision">The promotion decision, once the promote stage has made it.</param>
/// <param name="Heartbeat">Last sign of life of the worker running its current stage.</param>
public sealed record RetrainRecord(
    Guid Id,
    RetrainState State,
    RetrainStage Stage,
    RetrainProgress? Progress,
    string TargetVersion,
    DateTimeOffset Created,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    string? ResultVersion,
    PromotionDecision? Decision,
    string? Error,
    RetrainJobIds? JobIds,
    DateTimeOffset? Heartbeat = null)
{
    public bool IsRunning => State is RetrainState.Enqueued or RetrainState.Processing;

    public RetrainOutcome Outcome => RetrainOutcomes.Of(this);
}
