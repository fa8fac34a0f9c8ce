using System.Data.Common;
using Npgsql;

namespace FaceMask.Api.Registry;

/// <summary>The registry in PostgreSQL, in its own schema of the database Hangfire uses (statements: <see cref="RegistrySql"/>).</summary>
public sealed class PostgresModelRegistry(NpgsqlDataSource dataSource, string schema) : IModelRegistry
{
    private readonly RegistrySql sql = new($"\"{schema}\".models", $"\"{schema}\".retrains", '$');

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        var added = RegistrySql.AddedColumns.Select(c => $"ALTER TABLE \"{schema}\".{c.Table} ADD COLUMN IF NOT EXISTS {c.Column} {Type(c.Type)};");
        await using var command = dataSource.CreateCommand($"""
            CREATE SCHEMA IF NOT EXISTS "{schema}";
            {sql.CreateTables(Type, "true")}
            {string.Join(Environment.NewLine, added)}
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
        QueryAsync(sql.SelectModels, [], RegistrySql.ReadModel, cancellationToken);

    public async Task<ModelRecord?> GetAsync(string version, CancellationToken cancellationToken = default) =>
        (await QueryAsync(sql.SelectModel, [version], RegistrySql.ReadModel, cancellationToken)).SingleOrDefault();

    public async Task<ModelRecord?> GetActiveAsync(CancellationToken cancellationToken = default) =>
        (await QueryAsync(sql.SelectActiveModel, [], RegistrySql.ReadModel, cancellationToken)).SingleOrDefault();

    public Task UpsertAsync(ModelRecord record, CancellationToken cancellationToken = default) =>
        ExecuteAsync(sql.UpsertModel, RegistrySql.ModelValues(record, Time), cancellationToken);

    public async Task ActivateAsync(string version, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var retire = WithValues(new NpgsqlCommand(sql.RetireOtherModels, connection, transaction), [version]))
        {
            await retire.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var activate = WithValues(new NpgsqlCommand(sql.ActivateModel, connection, transaction), [version, Time(at), reason]))
        {
            if (await activate.ExecuteNonQueryAsync(cancellationToken) != 1)
            {
                throw new KeyNotFoundException($"Model version '{version}' is not registered.");
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task SetReasonAsync(string version, string reason, CancellationToken cancellationToken = default) =>
        ExecuteAsync(sql.SetModelReason, [version, reason], cancellationToken);

    public Task SetEvaluationAsync(string version, ModelEvaluation evaluation, CancellationToken cancellationToken = default) =>
        ExecuteAsync(sql.SetModelEvaluation, [version, RegistryJson.Write(evaluation)], cancellationToken);

    public async Task<(RetrainRecord Retrain, bool Created)> StartRetrainAsync(RetrainRecord retrain, CancellationToken cancellationToken = default)
    {
        if (await ExecuteAsync(sql.InsertRetrain, RegistrySql.RetrainValues(retrain, Time, Id), cancellationToken) == 1)
        {
            return (retrain, true);
        }

        var running = await QueryAsync(sql.SelectRunningRetrains, [], RegistrySql.ReadRetrain, cancellationToken);
        return running.Count > 0 ? (running[0], false) : await StartRetrainAsync(retrain, cancellationToken); // it finished in between
    }

    public async Task<RetrainRecord?> GetRetrainAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await QueryAsync(sql.SelectRetrain, [id], RegistrySql.ReadRetrain, cancellationToken)).SingleOrDefault();

    public Task<IReadOnlyList<RetrainRecord>> ListRetrainsAsync(CancellationToken cancellationToken = default) =>
        QueryAsync(sql.SelectRetrains, [], RegistrySql.ReadRetrain, cancellationToken);

    public async Task<bool> UpdateRetrainAsync(RetrainRecord retrain, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(sql.UpdateRetrain, RegistrySql.RetrainUpdateValues(retrain, Time, Id), cancellationToken) == 1;

    public async Task<bool> HeartbeatRetrainAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(sql.HeartbeatRetrain, [id, Time(at)], cancellationToken) == 1;

    public async Task<bool> CancelRetrainAsync(Guid id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(sql.CancelRetrain, [id, Time(at), reason], cancellationToken) == 1;

    public Task SetRetrainJobIdsAsync(Guid id, RetrainJobIds jobIds, CancellationToken cancellationToken = default) =>
        ExecuteAsync(sql.SetRetrainJobIds, [id, RegistryJson.Write(jobIds)], cancellationToken);

    private static string Type(RegistrySql.ColumnType type) => type switch
    {
        RegistrySql.ColumnType.Number => "double precision",
        RegistrySql.ColumnType.Time => "timestamptz",
        RegistrySql.ColumnType.Id => "uuid",
        _ => "text",
    };

    private static object? Time(DateTimeOffset? time) => time?.ToUniversalTime();

    private static object Id(Guid id) => id;

    private async Task<int> ExecuteAsync(string statement, object?[] values, CancellationToken cancellationToken)
    {
        await using var command = WithValues(dataSource.CreateCommand(statement), values);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string statement, object?[] values, Func<IRegistryRow, T> read, CancellationToken cancellationToken)
    {
        await using var command = WithValues(dataSource.CreateCommand(statement), values);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var row = new Row(reader);
        var records = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(read(row));
        }

        return records;
    }

    private static NpgsqlCommand WithValues(NpgsqlCommand command, object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        return command;
    }

    private sealed class Row(DbDataReader reader) : IRegistryRow
    {
        public string? Text(int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

        public double? Number(int column) => reader.IsDBNull(column) ? null : reader.GetDouble(column);

        public DateTimeOffset? Time(int column) => reader.IsDBNull(column) ? null : reader.GetFieldValue<DateTimeOffset>(column);

        public Guid Id(int column) => reader.GetGuid(column);
    }
}
