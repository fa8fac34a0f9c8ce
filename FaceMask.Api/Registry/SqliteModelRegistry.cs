using System.Globalization;
using SQLite;
using SQLitePCL;

namespace FaceMask.Api.Registry;

/// <summary>
/// The registry in an embedded SQLite file (sqlite-net, the library Hangfire's SQLite storage
/// already brings), for running without any database server (statements: <see cref="RegistrySql"/>).
/// Timestamps are stored as ISO 8601 text, ids as text.
/// </summary>
public sealed class SqliteModelRegistry(string databasePath) : IModelRegistry
{
    private readonly RegistrySql sql = new("models", "retrains", '?');

    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        using var db = Open();
        db.ExecuteScalar<string>("PRAGMA journal_mode = WAL");
        foreach (var statement in sql.CreateTables(Type, "1").Split(';').Where(s => !string.IsNullOrWhiteSpace(s)))
        {
            db.Execute(statement);
        }

        foreach (var (table, column, type) in RegistrySql.AddedColumns)
        {
            if (!db.GetTableInfo(table).Any(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase)))
            {
                db.Execute($"ALTER TABLE {table} ADD COLUMN {column} {Type(type)}");
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ModelRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ModelRecord>>(Query(sql.SelectModels, [], RegistrySql.ReadModel));

    public Task<ModelRecord?> GetAsync(string version, CancellationToken cancellationToken = default) =>
        Task.FromResult(Query(sql.SelectModel, [version], RegistrySql.ReadModel).SingleOrDefault());

    public Task<ModelRecord?> GetActiveAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Query(sql.SelectActiveModel, [], RegistrySql.ReadModel).SingleOrDefault());

    public Task UpsertAsync(ModelRecord record, CancellationToken cancellationToken = default) =>
        Task.FromResult(Execute(sql.UpsertModel, RegistrySql.ModelValues(record, Time)));

    public Task ActivateAsync(string version, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var db = Open();
        db.RunInTransaction(() =>
        {
            db.Execute(sql.RetireOtherModels, version);
            if (db.Execute(sql.ActivateModel, version, Time(at), reason) != 1)
            {
                throw new KeyNotFoundException($"Model version '{version}' is not registered.");
            }
        });
        return Task.CompletedTask;
    }

    public Task SetReasonAsync(string version, string reason, CancellationToken cancellationToken = default) =>
        Task.FromResult(Execute(sql.SetModelReason, [version, reason]));

    public Task SetEvaluationAsync(string version, ModelEvaluation evaluation, CancellationToken cancellationToken = default) =>
        Task.FromResult(Execute(sql.SetModelEvaluation, [version, RegistryJson.Write(evaluation)]));

    public Task<(RetrainRecord Retrain, bool Created)> StartRetrainAsync(RetrainRecord retrain, CancellationToken cancellationToken = default)
    {
        using var db = Open();
        RetrainRecord? running = null;
        db.RunInTransaction(() =>
        {
            running = Query(db, sql.SelectRunningRetrains, [], RegistrySql.ReadRetrain).FirstOrDefault();
            if (running is null)
            {
                db.Execute(sql.InsertRetrain, RegistrySql.RetrainValues(retrain, Time, Id));
            }
        });
        return Task.FromResult(running is null ? (retrain, true) : (running, false));
    }

    public Task<RetrainRecord?> GetRetrainAsync(Guid id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Query(sql.SelectRetrain, [Id(id)], RegistrySql.ReadRetrain).SingleOrDefault());

    public Task<IReadOnlyList<RetrainRecord>> ListRetrainsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<RetrainRecord>>(Query(sql.SelectRetrains, [], RegistrySql.ReadRetrain));

    public Task<bool> UpdateRetrainAsync(RetrainRecord retrain, CancellationToken cancellationToken = default) =>
        Task.FromResult(Execute(sql.UpdateRetrain, RegistrySql.RetrainUpdateValues(retrain, Time, Id)) == 1);

    public Task<bool> HeartbeatRetrainAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Task.FromResult(Execute(sql.HeartbeatRetrain, [Id(id), Time(at)]) == 1);

    public Task<bool> CancelRetrainAsync(Guid id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        Task.FromResult(Execute(sql.CancelRetrain, [Id(id), Time(at), reason]) == 1);

    public Task SetRetrainJobIdsAsync(Guid id, RetrainJobIds jobIds, CancellationToken cancellationToken = default) =>
        Task.FromResult(Execute(sql.SetRetrainJobIds, [Id(id), RegistryJson.Write(jobIds)]));

    private static string Type(RegistrySql.ColumnType type) => type == RegistrySql.ColumnType.Number ? "REAL" : "TEXT";

    private static object? Time(DateTimeOffset? time) => time?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static object Id(Guid id) => id.ToString();

    private SQLiteConnection Open()
    {
        var db = new SQLiteConnection(new SQLiteConnectionString(databasePath, SQLiteOpenFlags.ReadWrite | SQLiteOpenFlags.Create | SQLiteOpenFlags.FullMutex, storeDateTimeAsTicks: false));
        db.BusyTimeout = TimeSpan.FromSeconds(30);
        return db;
    }

    private int Execute(string statement, object?[] values)
    {
        using var db = Open();
        return db.Execute(statement, values);
    }

    private List<T> Query<T>(string statement, object?[] values, Func<IRegistryRow, T> read)
    {
        using var db = Open();
        return Query(db, statement, values, read);
    }

    /// <summary>Rows read by column index (sqlite-net maps rows only onto classes; the raw API reads them as they are).</summary>
    private static List<T> Query<T>(SQLiteConnection db, string statement, object?[] values, Func<IRegistryRow, T> read)
    {
        if (raw.sqlite3_prepare_v2(db.Handle, statement, out var prepared) != raw.SQLITE_OK)
        {
            throw SQLiteException.New(SQLite3.Result.Error, raw.sqlite3_errmsg(db.Handle).utf8_to_string());
        }

        using (prepared)
        {
            for (var i = 0; i < values.Length; i++)
            {
                _ = values[i] switch
                {
                    null => raw.sqlite3_bind_null(prepared, i + 1),
                    double number => raw.sqlite3_bind_double(prepared, i + 1, number),
                    var value => raw.sqlite3_bind_text(prepared, i + 1, Convert.ToString(value, CultureInfo.InvariantCulture)),
                };
            }

            var rows = new List<T>();
            var row = new Row(prepared);
            while (raw.sqlite3_step(prepared) == raw.SQLITE_ROW)
            {
                rows.Add(read(row));
            }

            return rows;
        }
    }

    private sealed class Row(sqlite3_stmt statement) : IRegistryRow
    {
        public string? Text(int column) => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(statement, column).utf8_to_string();

        public double? Number(int column) => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_double(statement, column);

        public DateTimeOffset? Time(int column) => Text(column) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;

        public Guid Id(int column) => Guid.Parse(Text(column)!);
    }
}
