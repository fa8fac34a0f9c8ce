using FaceMask.Api.Registry;
using FaceMask.Tests.Support;
using Npgsql;

namespace FaceMask.Tests.Retraining;

/// <summary>Both registry implementations, against a real SQLite file and a real PostgreSQL server.</summary>
public sealed class RegistryTests : IAsyncLifetime
{
    private readonly TempDirectory directory = new();
    private readonly string schema = "r" + Guid.NewGuid().ToString("N")[..12];
    private NpgsqlDataSource? dataSource;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (dataSource is not null)
        {
            await using (var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            {
                await drop.ExecuteNonQueryAsync();
            }

            await dataSource.DisposeAsync();
        }

        directory.Dispose();
    }

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task Registers_lists_and_activates_exactly_one_version(Storage storage)
    {
        var registry = await CreateAsync(storage);
        var t0 = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        await registry.UpsertAsync(Record("facemask-v1", t0), Cancel);
        await registry.UpsertAsync(Record("facemask-v2", t0.AddHours(1)) with { ParentVersion = "facemask-v1", MacroF1 = 0.9 }, Cancel);
        await registry.ActivateAsync("facemask-v1", "first", t0, Cancel);
        await registry.ActivateAsync("facemask-v2", "better", t0.AddHours(2), Cancel);

        var all = await registry.ListAsync(Cancel);
        Assert.Equal(["facemask-v1", "facemask-v2"], all.Select(m => m.Version));
        Assert.Equal([ModelState.Retired, ModelState.Active], all.Select(m => m.State));
        var active = await registry.GetActiveAsync(Cancel);
        Assert.Equal("facemask-v2", active!.Version);
        Assert.Equal("better", active.Reason);
        Assert.Equal(0.9, active.MacroF1);
        Assert.Equal("facemask-v1", active.ParentVersion);
        Assert.Equal(t0.AddHours(2), active.ActivatedAt);
        Assert.Equal(t0.AddHours(1), active.Created);

        await registry.ActivateAsync("facemask-v1", "rollback", t0.AddHours(3), Cancel);
        Assert.Equal("facemask-v1", (await registry.GetActiveAsync(Cancel))!.Version);
        Assert.Single(await registry.ListAsync(Cancel), m => m.State == ModelState.Active);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => registry.ActivateAsync("facemask-v9", "nope", t0, Cancel));
        Assert.Equal("facemask-v1", (await registry.GetActiveAsync(Cancel))!.Version); // a failed activation changes nothing
    }

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task Only_one_retrain_runs_at_a_time(Storage storage)
    {
        var registry = await CreateAsync(storage);
        var now = DateTimeOffset.UtcNow;
        var first = new RetrainRecord(Guid.NewGuid(), RetrainState.Enqueued, "queued", null, "facemask-v2", now, null, null, null, null, null, null);
        var second = first with { Id = Guid.NewGuid() };

        var (started, created) = await registry.StartRetrainAsync(first, Cancel);
        var (running, createdAgain) = await registry.StartRetrainAsync(second, Cancel);

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(first.Id, running.Id);
        Assert.Equal(first.Id, started.Id);

        await registry.UpdateRetrainAsync(first with { State = RetrainState.Succeeded, Stage = "done", Finished = now, ResultVersion = "facemask-v2", ProgressJson = "{\"stage\":\"done\"}" }, Cancel);
        var finished = await registry.GetRetrainAsync(first.Id, Cancel);
        Assert.Equal(RetrainState.Succeeded, finished!.State);
        Assert.Equal("{\"stage\":\"done\"}", finished.ProgressJson);
        Assert.Equal("facemask-v2", finished.ResultVersion);

        var (next, createdNext) = await registry.StartRetrainAsync(second, Cancel);
        Assert.True(createdNext);
        Assert.Equal(second.Id, next.Id);
        Assert.Null(await registry.GetRetrainAsync(Guid.NewGuid(), Cancel));
    }

    private async Task<IModelRegistry> CreateAsync(Storage storage)
    {
        IModelRegistry registry;
        if (storage == Storage.Postgres)
        {
            Assert.SkipWhen(ServiceEnvironment.PostgresConnectionString is null, $"{ServiceEnvironment.PostgresVariable} is not set.");
            dataSource = NpgsqlDataSource.Create(ServiceEnvironment.PostgresConnectionString!);
            registry = new PostgresModelRegistry(dataSource, schema);
        }
        else
        {
            registry = new SqliteModelRegistry(directory.Combine("registry.db"));
        }

        await registry.EnsureSchemaAsync(Cancel);
        await registry.EnsureSchemaAsync(Cancel); // idempotent
        return registry;
    }

    private static ModelRecord Record(string version, DateTimeOffset created) =>
        new(version, $"/models/{version}", ModelState.Candidate, 0.5, 0.5, "abc", null, created, null, "trained");
}
