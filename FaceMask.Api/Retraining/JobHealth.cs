namespace FaceMask.Api.Retraining;

/// <summary>Whether the worker of a retrain shows signs of life.</summary>
public enum JobHealth
{
    /// <summary>Enqueued: waiting for a worker.</summary>
    Waiting,

    /// <summary>Processing, with a recent heartbeat.</summary>
    Running,

    /// <summary>Processing, but its worker has not beaten for a while: it may have died; the stage is handed to a live replica once its job's invisibility timeout passes.</summary>
    Stalled,

    /// <summary>Succeeded, failed or cancelled.</summary>
    Ended,
}
