using System.ComponentModel.DataAnnotations;

namespace FaceMask.Api.Retraining.Jobs;

/// <summary><c>Jobs:*</c>: the Hangfire server of this replica.</summary>
public sealed class JobsOptions : IValidatableObject
{
    public const string Section = "Jobs";

    /// <summary>
    /// Whether this process runs retrain stages (a Hangfire server). A serving replica (the image
    /// without libtorch) sets it to false: it still accepts retrain requests and enqueues them for
    /// a worker, and serves predictions, detection, the registry and the pages.
    /// </summary>
    public bool RunRetrains { get; set; } = true;

    /// <summary>libtorch is beside the service (it is not in the serving image).</summary>
    public static bool TrainingLibrariesPresent => !OperatingSystem.IsLinux() || File.Exists(Path.Combine(AppContext.BaseDirectory, "libtorch_cpu.so"));

    /// <summary>PostgreSQL schema of Hangfire's tables.</summary>
    public string Schema { get; set; } = "hangfire";

    /// <summary>How often idle workers look for queued jobs (seconds).</summary>
    [Range(0.1, 60)]
    public double PollSeconds { get; set; } = 1;

    /// <summary>
    /// After a crash, a job that was running becomes visible to live servers again this long after
    /// its worker's last heartbeat (minutes). Running stages keep their jobs invisible by a heartbeat
    /// (PostgreSQL: the storage's sliding invisibility timeout; SQLite: <see cref="SqliteQueueKeepAlive"/>),
    /// so this bounds recovery time, not stage length. A graceful stop re-queues at once.
    /// </summary>
    [Range(0.1, 1440)]
    public double InvisibilityTimeoutMinutes { get; set; } = 1;

    /// <summary>How often a running stage records that its worker is alive (seconds).</summary>
    [Range(0.1, 600)]
    public double HeartbeatSeconds { get; set; } = 5;

    /// <summary>A processing retrain without a heartbeat for this long is reported as stalled (seconds).</summary>
    [Range(1, 3600)]
    public double StalledAfterSeconds { get; set; } = 30;

    /// <summary>
    /// A Hangfire lock whose holder lost its connection (a database restart, a killed process) is
    /// taken over after this long (seconds; PostgreSQL). Hangfire.PostgreSql's own default, 10 minutes,
    /// stalls the job scheduler that long after an outage and holds a stopping worker past its
    /// shutdown timeout; the locks Hangfire holds last milliseconds.
    /// </summary>
    [Range(1, 600)]
    public double LockExpirySeconds { get; set; } = 15;

    /// <summary>Folder of the embedded SQLite files (job storage and registry) when no PostgreSQL connection string is set.</summary>
    public string SqliteDirectory { get; set; } = "App_Data";

    public TimeSpan Poll => TimeSpan.FromSeconds(PollSeconds);

    public TimeSpan InvisibilityTimeout => TimeSpan.FromMinutes(InvisibilityTimeoutMinutes);

    public TimeSpan LockExpiry => TimeSpan.FromSeconds(LockExpirySeconds);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RunRetrains && !TrainingLibrariesPresent)
        {
            yield return new ValidationResult(
                "Jobs:RunRetrains is true but this build has no libtorch (the serving image): set Jobs__RunRetrains=false, or run the full image as the worker.",
                [nameof(RunRetrains)]);
        }
    }
}
