using FaceMask.Api.Registry;

namespace FaceMask.Api.Retraining;

/// <summary>One running stage: its record as it began, the progress before it, which attempt this is, and its cancellation.</summary>
public sealed record RunningStage(RetrainRecord Retrain, RetrainProgress? Previous, int Attempt, string? Recovery, RetrainCancellations.Registration Cancellation)
{
    public CancellationToken Token => Cancellation.Token;

    public void Cancel() => Cancellation.Cancel();
}
