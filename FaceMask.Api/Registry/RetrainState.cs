namespace FaceMask.Api.Registry;

/// <summary>The state of a whole retrain (split, train, evaluate, promote).</summary>
public enum RetrainState
{
    Enqueued,
    Processing,
    Succeeded,
    Failed,

    /// <summary>Stopped by an operator; the served model is untouched.</summary>
    Cancelled,
}
