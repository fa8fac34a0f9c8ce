namespace FaceMask.Api.Retraining;

/// <summary>What a cancel request achieved.</summary>
public enum CancelOutcome
{
    Cancelled,
    NotFound,

    /// <summary>It had already ended, or its promote stage has begun (which cannot be interrupted half-way).</summary>
    NotRunning,
}
