namespace FaceMask.Api.Retraining.Jobs;

/// <summary>Hangfire.PostgreSql slides the invisibility timeout itself (<c>UseSlidingInvisibilityTimeout</c>).</summary>
public sealed class StorageKeepsJobsAlive : IJobKeepAlive
{
    public void Touch(string jobId)
    {
    }
}
