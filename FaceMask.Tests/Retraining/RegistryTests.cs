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
        var first = new RetrainRecord(Guid.NewGuid(), RetrainState.Enqueued, RetrainStage.Queued, null, "facemask-v2", now, null, null, null, null, null, null);
        var second = first with { Id = Guid.NewGuid() };

        var (started, created) = await registry.StartRetrainAsync(first, Cancel);
        var (running, createdAgain) = await registry.StartRetrainAsync(second, Cancel);

        Assert.True(created);
        Assert.False(createdAgain);
        Assert.Equal(first.Id, running.Id);
        Assert.Equal(first.Id, started.Id);

        var decision = new PromotionDecision(false, "kept as candidate: a reason", [new GateReason(GateReasonKind.MacroF1Lower, "a reason")]);
        await registry.SetRetrainJobIdsAsync(first.Id, new RetrainJobIds("1", "2", "3", "4"), Cancel);
        await registry.UpdateRetrainAsync(first with
        {
            State = RetrainState.Succeeded,
            Stage = RetrainStage.Done,
            Finished = now,
            ResultVersion = "facemask-v2",
            Progress = new RetrainProgress(RetrainStage.Done, "finished", Attempt: 2),
            Decision = decision,
        }, Cancel);
        var finished = await registry.GetRetrainAsync(first.Id, Cancel);
        Assert.Equal((RetrainState.Succeeded, RetrainStage.Done), (finished!.State, finished.Stage));
        Assert.Equal(new RetrainProgress(RetrainStage.Done, "finished", Attempt: 2), finished.Progress);
        Assert.Equal(decision.Summary, finished.Decision!.Summary);
        Assert.False(finished.Decision.Promote);
        Assert.Equal([new GateReason(GateReasonKind.MacroF1Lower, "a reason")], finished.Decision.Reasons);
        Assert.Equal(new RetrainJobIds("1", "2", "3", "4"), finished.JobIds);
        Assert.Equal("facemask-v2", finished.ResultVersion);

        var (next, createdNext) = await registry.StartRetrainAsync(second, Cancel);
        Assert.True(createdNext);
        Assert.Equal(second.Id, next.Id);
        Assert.Null(await registry.GetRetrainAsync(Guid.NewGuid(), Cancel));
    }

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task An_ended_retrain_is_final_and_only_a_running_one_can_be_cancelled(Storage storage)
    {
        var registry = await CreateAsync(storage);
        var now = DateTimeOffset.Parse("2026-02-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var retrain = new RetrainRecord(Guid.NewGuid(), RetrainState.Processing, RetrainStage.Train, null, "facemask-v2", now, now, null, null, null, null, null, now);
        await registry.StartRetrainAsync(retrain, Cancel);

        Assert.True(await registry.HeartbeatRetrainAsync(retrain.Id, now.AddSeconds(5), Cancel));
        Assert.Equal(now.AddSeconds(5), (await registry.GetRetrainAsync(retrain.Id, Cancel))!.Heartbeat);
        Assert.True(await registry.CancelRetrainAsync(retrain.Id, "cancelled by an operator", now.AddSeconds(6), Cancel));

        // A stage still running somewhere cannot bring it back to life, beat, or cancel it twice.
        Assert.False(await registry.UpdateRetrainAsync(retrain with { Progress = new RetrainProgress(RetrainStage.Train, "late") }, Cancel));
        Assert.False(await registry.HeartbeatRetrainAsync(retrain.Id, now.AddSeconds(7), Cancel));
        Assert.False(await registry.CancelRetrainAsync(retrain.Id, "again", now.AddSeconds(8), Cancel));
        var cancelled = (await registry.GetRetrainAsync(retrain.Id, Cancel))!;
        Assert.Equal((RetrainState.Cancelled, "cancelled by an operator", now.AddSeconds(6), (RetrainProgress?)null), (cancelled.State, cancelled.Error, cancelled.Finished, cancelled.Progress));
        Assert.Equal([retrain.Id], (await registry.ListRetrainsAsync(Cancel)).Select(r => r.Id));

        // Once promoting, a retrain can no longer be cancelled (the model may already be active).
        var promoting = retrain with { Id = Guid.NewGuid(), Stage = RetrainStage.Promote };
        await registry.StartRetrainAsync(promoting, Cancel);
        Assert.False(await registry.CancelRetrainAsync(promoting.Id, "too late", now, Cancel));
        Assert.Equal(RetrainState.Processing, (await registry.GetRetrainAsync(promoting.Id, Cancel))!.State);
    }

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task Reference_figures_are_stored_per_model(Storage storage)
    {
        var registry = await CreateAsync(storage);
        var t0 = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        await registry.UpsertAsync(Record("facemask-v1", t0), Cancel);
        var report = FaceMask.Training.Evaluation.ClassificationReport.Compute(["a", "b"], [0, 0, 1, 1], [0, 1, 1, 1]);

        await registry.SetEvaluationAsync("facemask-v1", new ModelEvaluation("ref-v1", report, "facemask-v2", report), Cancel);
        await registry.UpsertAsync(Record("facemask-v1", t0) with { Reason = "re-registered" }, Cancel); // a retried job keeps the figures

        var evaluation = (await registry.GetAsync("facemask-v1", Cancel))!.Evaluation!;
        Assert.Equal("ref-v1", evaluation.ReferenceVersion);
        Assert.Equal(0.5, evaluation.Reference.PerClass["a"].Recall);
        Assert.Equal(1.0, evaluation.Reference.PerClass["b"].Recall);
        Assert.Equal([[1, 1], [0, 2]], evaluation.TestSplit!.ConfusionMatrix.Matrix);
    }

    [Theory]
    [InlineData(Storage.Sqlite)]
    [InlineData(Storage.Postgres)]
    public async Task Retrain_rows_written_by_the_previous_version_still_load_typed(Storage storage)
    {
        var registry = await CreateAsync(storage);
        var id = Guid.NewGuid();
        await registry.StartRetrainAsync(new RetrainRecord(id, RetrainState.Succeeded, RetrainStage.Done, null, "facemask-v2", DateTimeOffset.UtcNow, null, null, null, null, null, null), Cancel);

        // The previous version stored the decision as text and the job ids with PascalCase names.
        await ExecuteAsync(storage, $"UPDATE {Table(storage)} SET decision = 'promoted: macro-F1 0.99', job_ids = '{{\"Split\":\"7\",\"Train\":\"8\",\"Evaluate\":\"9\",\"Promote\":\"10\"}}' WHERE id = '{id}'");
        var legacy = (await registry.GetRetrainAsync(id, Cancel))!;

        Assert.True(legacy.Decision!.Promote);
        Assert.Equal("promoted: macro-F1 0.99", legacy.Decision.Summary);
        Assert.Equal(new RetrainJobIds("7", "8", "9", "10"), legacy.JobIds);
    }

    private string Table(Storage storage) => storage == Storage.Postgres ? $"\"{schema}\".retrains" : "retrains";

    private async Task ExecuteAsync(Storage storage, string sql)
    {
        if (storage == Storage.Postgres)
        {
            await using var command = dataSource!.CreateCommand(sql);
            await command.ExecuteNonQueryAsync(Cancel);
        }
        else
        {
            using var db = new SQLite.SQLiteConnection(directory.Combine("registry.db"));
            db.Execute(sql);
        }
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
