using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using FaceMask.Training.Synthetic;
using Npgsql;

namespace FaceMask.Tests.Support;

/// <summary>Which job and registry storage a test runs against.</summary>
public enum Storage
{
    /// <summary>The embedded default: SQLite files under the test's App_Data.</summary>
    Sqlite,

    /// <summary>The real PostgreSQL server <c>.ci/run</c> starts (FACEMASK_TEST_POSTGRES); skipped where there is none.</summary>
    Postgres,
}

/// <summary>What the environment's first active model is.</summary>
public enum InitialModel
{
    Untrained,
    Trained,
    Mislabelling,
}

/// <summary>
/// Everything a retraining service needs on disk, in a temporary folder: Dataset/ with generated
/// faces, DatasetNew/, Dataset_Split/, models/ with an initial (untrained) model, App_Data/; plus
/// a fresh PostgreSQL schema when testing against PostgreSQL. Several service instances
/// (replicas, restarts) can be started over the same environment.
/// </summary>
public sealed class ServiceEnvironment : IAsyncDisposable
{
    public const string PostgresVariable = "FACEMASK_TEST_POSTGRES";

    private readonly TempDirectory directory = new();
    private readonly string schema = "t" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The PostgreSQL schema of this environment's Hangfire tables.</summary>
    public string JobsSchema => schema + "_hangfire";

    private ServiceEnvironment(Storage storage) => Storage = storage;

    public Storage Storage { get; }

    public string Root => directory.Path;

    public string Dataset => directory.Combine("Dataset");

    public string DatasetNew => directory.Combine("DatasetNew");

    public string Models => directory.Combine("models");

    public string ReferenceSet => directory.Combine("ReferenceSet");

    public string RetrainSplits => directory.Combine("Dataset_Split", "retrains");

    public string InitialModel { get; private set; } = string.Empty;

    /// <summary>
    /// FACEMASK_TEST_POSTGRES, with a connect timeout of a minute unless it names one: on a loaded
    /// 2-core runner opening a connection once took longer than Npgsql's default 15 s.
    /// </summary>
    public static string? PostgresConnectionString { get; } = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
        ? WithPatientConnect(value)
        : null;

    /// <summary>Creates the environment; skips the test when PostgreSQL is asked for and not available.</summary>
    /// <param name="initialModel">The first active model: untrained (plumbing only), trained, or trained but mislabelling every face.</param>
    public static ServiceEnvironment Create(Storage storage, int facesPerClass = 60, int seed = 5, InitialModel initialModel = Support.InitialModel.Untrained)
    {
        if (storage == Storage.Postgres)
        {
            Assert.SkipWhen(PostgresConnectionString is null, $"{PostgresVariable} is not set: no PostgreSQL server for this run (.ci/run starts one).");
        }

        var environment = new ServiceEnvironment(storage);
        if (facesPerClass > 0)
        {
            SyntheticFaces.WriteDataset(environment.Dataset, facesPerClass, seed, size: 64);
        }

        environment.InitialModel = initialModel switch
        {
            Support.InitialModel.Trained => TestModels.Trained(environment.Models, "facemask-v1"),
            Support.InitialModel.Mislabelling => TestModels.Trained(environment.Models, "facemask-v1", mislabelling: true),
            _ => TestModels.Write(environment.Models, "facemask-v1", inputSize: 32),
        };
        return environment;
    }

    /// <summary>Starts a service instance over this environment, with extra settings on top.</summary>
    /// <param name="services">Extra service registrations of the test (applied after the app's own).</param>
    public ApiFactory Start(IReadOnlyDictionary<string, string?>? extra = null, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null) => new(Settings(extra), services);

    /// <summary>Starts the service as a child process over this environment (to be killed for real).</summary>
    public ServiceProcess StartProcess(IReadOnlyDictionary<string, string?>? extra = null) => ServiceProcess.Start(Settings(extra));

    private Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Model:Path"] = InitialModel,
            ["Paths:Dataset"] = Dataset,
            ["Paths:DatasetNew"] = DatasetNew,
            ["Paths:DatasetSplit"] = directory.Combine("Dataset_Split"),
            ["Paths:Models"] = Models,
            ["Paths:ReferenceSet"] = ReferenceSet,
            ["Jobs:SqliteDirectory"] = directory.Combine("App_Data"),
            ["Jobs:PollSeconds"] = "0.2",
            ["Registry:PollSeconds"] = "0.3",
            ["Retraining:Epochs"] = "4",
            ["Retraining:InputSize"] = "32",
            ["Retraining:BatchSize"] = "16",
            ["Retraining:Patience"] = "10",
            ["Retraining:FineTune"] = "false",
            ["Retraining:LearningRate"] = "0.003",
            ["Retraining:MinReferencePerClass"] = "5", // the reference set seeded from 60 drawn faces per class holds about 9 of each
            ["RateLimiting:Enabled"] = "false",
        };
        if (Storage == Storage.Postgres)
        {
            settings["ConnectionStrings:Postgres"] = PostgresConnectionString;
            settings["Registry:Schema"] = schema;
            settings["Jobs:Schema"] = JobsSchema;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Polls <c>/api/jobs/{id}</c> until the retrain ends; returns every status seen.</summary>
    public static async Task<List<JsonElement>> WaitForRetrainAsync(HttpClient client, string statusUrl, TimeSpan timeout)
    {
        var seen = new List<JsonElement>();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var status = await client.GetFromJsonAsync<JsonElement>(statusUrl);
            seen.Add(status);
            if (status.GetProperty("state").GetString() is "Succeeded" or "Failed")
            {
                return seen;
            }

            await Task.Delay(150);
        }

        throw new TimeoutException($"The retrain did not finish in {timeout}; last status: {seen.LastOrDefault()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Storage == Storage.Postgres && PostgresConnectionString is { } connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE; DROP SCHEMA IF EXISTS \"{JobsSchema}\" CASCADE;", connection);
            await drop.ExecuteNonQueryAsync();
        }

        directory.Dispose();
    }

    private static string WithPatientConnect(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Regex.IsMatch(connectionString, @"(^|;)\s*Timeout\s*=", RegexOptions.IgnoreCase))
        {
            builder.Timeout = 60;
        }

        return builder.ConnectionString;
    }
}
