namespace FaceMask.Api.Jobs;

/// <summary>
/// Keeps a running Hangfire job invisible to other servers while its worker is alive, so the
/// invisibility timeout can be short (fast recovery after a crash) however long a stage runs.
/// </summary>
public interface IJobKeepAlive
{
    void Touch(string jobId);
}

/// <summary>Hangfire.PostgreSql slides the invisibility timeout itself (<c>UseSlidingInvisibilityTimeout</c>).</summary>
public sealed class StorageKeepsJobsAlive : IJobKeepAlive
{
    public void Touch(string jobId)
    {
    }
}
