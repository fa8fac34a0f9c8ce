using FaceMask.Api.Infrastructure;
using FaceMask.Api.Registry;
using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceMask.Api.Retraining.Jobs;

/// <summary>
/// Where jobs and the model registry live: PostgreSQL when <c>ConnectionStrings:Postgres</c> is set
/// (Hangfire.PostgreSql, registry in its own schema of the same database), otherwise embedded
/// SQLite files under <c>App_Data/</c> so the service runs with no setup.
/// </summary>
public static class JobStorageSetup
{
    /// <summary>
    /// The connection string chooses the store, and Jobs:RunRetrains whether this process has a Hangfire
    /// server, at start-up (they decide which types and services exist); every
    /// other setting is read through its validated options when the services are first resolved.
    /// </summary>
    /// <typeparam name="TStateFilter">The job state filter to install (a registered singleton): the retrain's failure bookkeeping.</typeparam>
    /// <param name="renamedJobTypes">Job classes by the full name an earlier version stored, so jobs it queued still run after an upgrade.</param>
    public static IServiceCollection AddJobsAndRegistry<TStateFilter>(this IServiceCollection services, IConfiguration configuration, IReadOnlyDictionary<string, Type> renamedJobTypes)
        where TStateFilter : class, IApplyStateFilter
    {
        var postgres = configuration.GetConnectionString("Postgres");
        services.AddValidatedOptions<RegistryOptions>(RegistryOptions.Section);
        services.AddValidatedOptions<JobsOptions>(JobsOptions.Section);
        if (!string.IsNullOrWhiteSpace(postgres))
        {
            services.AddSingleton(_ => NpgsqlDataSource.Create(postgres));
            services.AddSingleton<IModelRegistry>(provider => new PostgresModelRegistry(
                provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<IOptions<RegistryOptions>>().Value.Schema));
            services.AddSingleton<JobStorage>(provider =>
            {
                var jobs = provider.GetRequiredService<IOptions<JobsOptions>>().Value;
                var options = new PostgreSqlStorageOptions
                {
                    SchemaName = jobs.Schema,
                    QueuePollInterval = jobs.Poll,
                    InvisibilityTimeout = jobs.InvisibilityTimeout,
                    UseSlidingInvisibilityTimeout = true,
                    DistributedLockTimeout = jobs.LockExpiry,
                    PrepareSchemaIfNecessary = true,
                };
                return new PostgreSqlStorage(new NpgsqlConnectionFactory(postgres, options), options);
            });
            services.AddSingleton<IJobKeepAlive, StorageKeepsJobsAlive>();
        }
        else
        {
            services.AddSingleton<IModelRegistry>(provider => new SqliteModelRegistry(SqliteFile(provider, "registry.db")));
            services.AddSingleton<JobStorage>(provider =>
            {
                var jobs = provider.GetRequiredService<IOptions<JobsOptions>>().Value;
                return new SQLiteStorage(SqliteFile(provider, HangfireDatabase), new SQLiteStorageOptions { QueuePollInterval = jobs.Poll, InvisibilityTimeout = jobs.InvisibilityTimeout });
            });
            services.AddSingleton<IJobKeepAlive>(provider => new SqliteQueueKeepAlive(SqliteFile(provider, HangfireDatabase)));
        }

        // The storage is registered above, per app: Hangfire's own registration would hand out the
        // process-wide JobStorage.Current, which several apps in one process (tests) would share.
        services.AddHangfire((provider, hangfire) => hangfire
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseTypeResolver(name => renamedJobTypes.TryGetValue(name.Split(',')[0].Trim(), out var renamed) ? renamed : TypeHelper.DefaultTypeResolver(name))
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new DisposalTolerantLogProvider(new Hangfire.AspNetCore.AspNetCoreLogProvider(provider.GetRequiredService<ILoggerFactory>())))
            .UseFilter(provider.GetRequiredService<TStateFilter>()));

        // A serving replica enqueues and shows jobs; only a process that runs retrains has a server.
        if (!configuration.GetValue($"{JobsOptions.Section}:{nameof(JobsOptions.RunRetrains)}", true))
        {
            return services;
        }

        // One worker: a retrain already uses every core, and only one runs at a time.
        services.AddHangfireServer((provider, server) =>
        {
            server.WorkerCount = 1;
            server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
            server.SchedulePollingInterval = provider.GetRequiredService<IOptions<JobsOptions>>().Value.Poll;
            // Below the host's 30 s: a dispatcher that does not stop in time is then left behind by
            // Hangfire, which says which and removes its server record, instead of the host's stop
            // ending in an exception with the server still listed (as when both were 30 s).
            server.ShutdownTimeout = TimeSpan.FromSeconds(20);
        });
        return services;
    }

    private const string HangfireDatabase = "hangfire.db";

    private static string SqliteFile(IServiceProvider provider, string name)
    {
        var directory = provider.GetRequiredService<ServicePaths>().Resolve(provider.GetRequiredService<IOptions<JobsOptions>>().Value.SqliteDirectory);
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, name);
    }

    /// <summary>Removes this app's filter from Hangfire's process-wide filter list when the app stops.</summary>
    public static void UnregisterJobFiltersOnStop<TStateFilter>(this WebApplication app)
        where TStateFilter : class, IApplyStateFilter
    {
        var filter = app.Services.GetRequiredService<TStateFilter>();
        app.Lifetime.ApplicationStopped.Register(() => GlobalJobFilters.Filters.Remove(filter));
    }
}
