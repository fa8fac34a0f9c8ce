namespace FaceMask.Api.Retraining.Jobs;

/// <summary>
/// Keeps a running Hangfire job invisible to other servers while its worker is alive, so the
/// invisibility timeout can be short (fast recovery after a crash) however long a stage runs.
/// </summary>
public interface IJobKeepAlive
{
    void Touch(string jobId);
}

