using System.ComponentModel.DataAnnotations;
using FaceMask.Api.Jobs;
using FaceMask.Api.Registry;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using Npgsql;

namespace FaceMask.Api.Infrastructure;

/// <summary><c>Jobs:*</c>: the Hangfire server of this replica.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

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

    /// <summary>Folder of the embedded SQLite files (job storage and registry) when no PostgreSQL connection string is set.</summary>
    public string SqliteDirectory { get; set; } = "App_Data";
}

/// <summary>
/// Where jobs and the model registry live: PostgreSQL when <c>ConnectionStrings:Postgres</c> is set
/// (Hangfire.PostgreSql, registry in its own schema of the same database), otherwise embedded
/// SQLite files under <c>App_Data/</c> so the service runs with no setup.
/// </summary>
public static class JobStorageSetup
{
    public static IServiceCollection AddJobsAndRegistry(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var jobs = configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        var registrySchema = configuration.GetSection(RegistryOptions.Section).Get<RegistryOptions>()?.Schema ?? new RegistryOptions().Schema;
        var poll = TimeSpan.FromSeconds(jobs.PollSeconds);
        var invisibility = TimeSpan.FromMinutes(jobs.InvisibilityTimeoutMinutes);
        var postgres = configuration.GetConnectionString("Postgres");

        services.AddSingleton<RetrainFailureFilter>();
        services.AddSingleton<RetrainCancellations>();
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            services.AddSingleton(_ => NpgsqlDataSource.Create(postgres));
            services.AddSingleton<IModelRegistry>(provider => new PostgresModelRegistry(provider.GetRequiredService<NpgsqlDataSource>(), registrySchema));
            var options = new PostgreSqlStorageOptions
            {
                SchemaName = jobs.Schema,
                QueuePollInterval = poll,
                InvisibilityTimeout = invisibility,
                UseSlidingInvisibilityTimeout = true,
                PrepareSchemaIfNecessary = true,
            };
            services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new NpgsqlConnectionFactory(postgres, options), options));
            services.AddSingleton<IJobKeepAlive, StorageKeepsJobsAlive>();
        }
        else
        {
            var directory = Path.IsPathRooted(jobs.SqliteDirectory) ? jobs.SqliteDirectory : Path.Combine(environment.ContentRootPath, jobs.SqliteDirectory);
            Directory.CreateDirectory(directory);
            services.AddSingleton<IModelRegistry>(new SqliteModelRegistry(Path.Combine(directory, "registry.db")));
            var hangfireDb = Path.Combine(directory, "hangfire.db");
            services.AddSingleton<JobStorage>(_ => new SQLiteStorage(hangfireDb, new SQLiteStorageOptions { QueuePollInterval = poll, InvisibilityTimeout = invisibility }));
            services.AddSingleton<IJobKeepAlive>(new SqliteQueueKeepAlive(hangfireDb));
        }

        // The storage is registered above, per app: Hangfire's own registration would hand out the
        // process-wide JobStorage.Current, which several apps in one process (tests) would share.
        services.AddHangfire((provider, hangfire) => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new DisposalTolerantLogProvider(new Hangfire.AspNetCore.AspNetCoreLogProvider(provider.GetRequiredService<ILoggerFactory>())))
            .UseFilter(provider.GetRequiredService<RetrainFailureFilter>()));

        // One worker: a retrain already uses every core, and only one runs at a time.
        services.AddHangfireServer(server =>
        {
            server.WorkerCount = 1;
            server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
            server.SchedulePollingInterval = poll;
            server.ShutdownTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }

    /// <summary>Removes this app's filter from Hangfire's process-wide filter list when the app stops.</summary>
    public static void UnregisterJobFiltersOnStop(this WebApplication app)
    {
        var filter = app.Services.GetRequiredService<RetrainFailureFilter>();
        app.Lifetime.ApplicationStopped.Register(() => GlobalJobFilters.Filters.Remove(filter));
    }
}
