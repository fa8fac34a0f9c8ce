using Npgsql;

namespace FaceMask.Api.Registry;

/// <summary>The registry in PostgreSQL, in its own schema of the database Hangfire uses.</summary>
public sealed class PostgresModelRegistry(NpgsqlDataSource dataSource, string schema) : IModelRegistry
{
    private const string ModelColumns = "version, path, state, accuracy, macro_f1, dataset_fingerprint, parent_version, created, activated_at, reason, evaluation";
    private const string RetrainColumns = "id, state, stage, progress, target_version, created, started, finished, result_version, decision, error, job_ids, heartbeat";
    private const string Running = "state IN ('Enqueued', 'Processing')";

    private readonly string models = $"\"{schema}\".models";
    private readonly string retrains = $"\"{schema}\".retrains";

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            CREATE SCHEMA IF NOT EXISTS "{schema}";
            CREATE TABLE IF NOT EXISTS {models} (
                version text PRIMARY KEY,
                path text NOT NULL,
                state text NOT NULL,
                accuracy double precision,
                macro_f1 double precision,
                dataset_fingerprint text,
                parent_version text,
                created timestamptz NOT NULL,
                activated_at timestamptz,
                reason text);
            CREATE UNIQUE INDEX IF NOT EXISTS models_one_active ON {models} ((state)) WHERE state = 'Active';
            CREATE TABLE IF NOT EXISTS {retrains} (
                id uuid PRIMARY KEY,
                state text NOT NULL,
                stage text NOT NULL,
                progress text,
                target_version text NOT NULL,
                created timestamptz NOT NULL,
                started timestamptz,
                finished timestamptz,
                result_version text,
                decision text,
                error text,
                job_ids text);
            CREATE UNIQUE INDEX IF NOT EXISTS retrains_one_running ON {retrains} ((true)) WHERE state IN ('Enqueued', 'Processing');
            ALTER TABLE {models} ADD COLUMN IF NOT EXISTS evaluation text;
            ALTER TABLE {retrains} ADD COLUMN IF NOT EXISTS heartbeat timestamptz;
            """);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateObject)
        {
            // Another replica created the schema at the same moment.
        }
    }

    public Task<IReadOnlyList<ModelRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        QueryModelsAsync($"SELECT {ModelColumns} FROM {models} ORDER BY created, version", [], cancellationToken);

    public async Task<ModelRecord?> GetAsync(string version, CancellationToken cancellationToken = default) =>
        (await QueryModelsAsync($"SELECT {ModelColumns} FROM {models} WHERE version = $1", [version], cancellationToken)).SingleOrDefault();

    public async Task<ModelRecord?> GetActiveAsync(CancellationToken cancellationToken = default) =>
        (await QueryModelsAsync($"SELECT {ModelColumns} FROM {models} WHERE state = 'Active'", [], cancellationToken)).SingleOrDefault();

    public async Task UpsertAsync(ModelRecord record, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {models} ({ModelColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (version) DO UPDATE SET path = excluded.path, accuracy = excluded.accuracy, macro_f1 = excluded.macro_f1,
                dataset_fingerprint = excluded.dataset_fingerprint, parent_version = excluded.parent_version, reason = excluded.reason,
                evaluation = COALESCE(excluded.evaluation, {models}.evaluation)
            """);
        AddParameters(command, record.Version, record.Path, record.State.ToString(), record.Accuracy, record.MacroF1, record.DatasetFingerprint,
            record.ParentVersion, record.Created, record.ActivatedAt, record.Reason, RegistryJson.Write(record.Evaluation));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ActivateAsync(string version, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var retire = new NpgsqlCommand($"UPDATE {models} SET state = 'Retired' WHERE state = 'Active' AND version <> $1", connection, transaction))
        {
            retire.Parameters.Add(new NpgsqlParameter { Value = version });
            await retire.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var activate = new NpgsqlCommand($"UPDATE {models} SET state = 'Active', activated_at = $2, reason = $3 WHERE version = $1", connection, transaction))
        {
            AddParameters(activate, version, at, reason);
            if (await activate.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new KeyNotFoundException($"Model version '{version}' is not registered.");
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SetReasonAsync(string version, string reason, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {models} SET reason = $2 WHERE version = $1");
        AddParameters(command, version, reason);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SetEvaluationAsync(string version, ModelEvaluation evaluation, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {models} SET evaluation = $2 WHERE version = $1");
        AddParameters(command, version, RegistryJson.Write(evaluation));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<(RetrainRecord Retrain, bool Created)> StartRetrainAsync(RetrainRecord retrain, CancellationToken cancellationToken = default)
    {
        await using (var insert = dataSource.CreateCommand($"INSERT INTO {retrains} ({RetrainColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING"))
        {
            AddRetrainParameters(insert, retrain);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return (retrain, true);
            }
        }

        var running = await QueryRetrainsAsync($"SELECT {RetrainColumns} FROM {retrains} WHERE {Running}", [], cancellationToken);
        return running.Count > 0 ? (running[0], false) : await StartRetrainAsync(retrain, cancellationToken); // it finished in between
    }

    public async Task<RetrainRecord?> GetRetrainAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await QueryRetrainsAsync($"SELECT {RetrainColumns} FROM {retrains} WHERE id = $1", [id], cancellationToken)).SingleOrDefault();

    public Task<IReadOnlyList<RetrainRecord>> ListRetrainsAsync(CancellationToken cancellationToken = default) =>
        QueryRetrainsAsync($"SELECT {RetrainColumns} FROM {retrains} ORDER BY created DESC", [], cancellationToken);

    public async Task<bool> UpdateRetrainAsync(RetrainRecord retrain, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE {retrains} SET state = $2, stage = $3, progress = $4, started = $5, finished = $6, result_version = $7, decision = $8, error = $9,
                heartbeat = $10
            WHERE id = $1 AND {Running}
            """);
        AddParameters(command, retrain.Id, retrain.State.ToString(), RegistryJson.Stage(retrain.Stage), RegistryJson.Write(retrain.Progress), retrain.Started, retrain.Finished,
            retrain.ResultVersion, RegistryJson.Write(retrain.Decision), retrain.Error, retrain.Heartbeat);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> HeartbeatRetrainAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {retrains} SET heartbeat = $2 WHERE id = $1 AND {Running}");
        AddParameters(command, id, at);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> CancelRetrainAsync(Guid id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {retrains} SET state = 'Cancelled', finished = $2, error = $3 WHERE id = $1 AND {Running} AND stage <> 'promote'");
        AddParameters(command, id, at, reason);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task SetRetrainJobIdsAsync(Guid id, RetrainJobIds jobIds, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"UPDATE {retrains} SET job_ids = $2 WHERE id = $1");
        AddParameters(command, id, RegistryJson.Write(jobIds));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<ModelRecord>> QueryModelsAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        AddParameters(command, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<ModelRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new ModelRecord(
                reader.GetString(0),
                reader.GetString(1),
                Enum.Parse<ModelState>(reader.GetString(2)),
                reader.IsDBNull(3) ? null : reader.GetDouble(3),
                reader.IsDBNull(4) ? null : reader.GetDouble(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetFieldValue<DateTimeOffset>(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetString(9),
                RegistryJson.Read<ModelEvaluation>(reader.IsDBNull(10) ? null : reader.GetString(10))));
        }

        return records;
    }

    private async Task<IReadOnlyList<RetrainRecord>> QueryRetrainsAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        AddParameters(command, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<RetrainRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
            records.Add(new RetrainRecord(
                reader.GetGuid(0), Enum.Parse<RetrainState>(reader.GetString(1)), RegistryJson.Stage(reader.GetString(2)), RegistryJson.Read<RetrainProgress>(Text(3)),
                reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), Time(6), Time(7), Text(8), RegistryJson.ReadDecision(Text(9)), Text(10),
                RegistryJson.Read<RetrainJobIds>(Text(11)), Time(12)));
        }

        return records;
    }

    private static void AddRetrainParameters(NpgsqlCommand command, RetrainRecord r) =>
        AddParameters(command, r.Id, r.State.ToString(), RegistryJson.Stage(r.Stage), RegistryJson.Write(r.Progress), r.TargetVersion, r.Created, r.Started, r.Finished,
            r.ResultVersion, RegistryJson.Write(r.Decision), r.Error, RegistryJson.Write(r.JobIds), r.Heartbeat);

    private static void AddParameters(NpgsqlCommand command, params object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter
            {
                Value = value switch
                {
                    null => DBNull.Value,
                    DateTimeOffset time => time.ToUniversalTime(),
                    _ => value,
                }
            });
        }
    }
}
