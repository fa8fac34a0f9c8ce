using SQLite;

namespace FaceMask.Api.Registry;

/// <summary>
/// The registry in an embedded SQLite file (sqlite-net, the library Hangfire's SQLite storage
/// already brings), for running without any database server. Timestamps are stored as ISO 8601 text.
/// </summary>
public sealed class SqliteModelRegistry(string databasePath) : IModelRegistry
{
    private const string ModelColumns = "version, path, state, accuracy, macro_f1, dataset_fingerprint, parent_version, created, activated_at, reason, evaluation";
    private const string RetrainColumns = "id, state, stage, progress, target_version, created, started, finished, result_version, decision, error, job_ids, heartbeat";
    private const string Running = "state IN ('Enqueued', 'Processing')";

    public Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        using var db = Open();
        db.ExecuteScalar<string>("PRAGMA journal_mode = WAL");
        db.Execute("""
            CREATE TABLE IF NOT EXISTS models (
                version TEXT PRIMARY KEY, path TEXT NOT NULL, state TEXT NOT NULL, accuracy REAL, macro_f1 REAL,
                dataset_fingerprint TEXT, parent_version TEXT, created TEXT NOT NULL, activated_at TEXT, reason TEXT)
            """);
        db.Execute("CREATE UNIQUE INDEX IF NOT EXISTS models_one_active ON models (state) WHERE state = 'Active'");
        db.Execute("""
            CREATE TABLE IF NOT EXISTS retrains (
                id TEXT PRIMARY KEY, state TEXT NOT NULL, stage TEXT NOT NULL, progress TEXT, target_version TEXT NOT NULL,
                created TEXT NOT NULL, started TEXT, finished TEXT, result_version TEXT, decision TEXT, error TEXT, job_ids TEXT)
            """);
        db.Execute("CREATE UNIQUE INDEX IF NOT EXISTS retrains_one_running ON retrains (1) WHERE state IN ('Enqueued', 'Processing')");
        AddColumnIfMissing(db, "models", "evaluation", "TEXT");
        AddColumnIfMissing(db, "retrains", "heartbeat", "TEXT");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ModelRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(QueryModels($"SELECT {ModelColumns} FROM models ORDER BY created, version"));

    public Task<ModelRecord?> GetAsync(string version, CancellationToken cancellationToken = default) =>
        Task.FromResult(QueryModels($"SELECT {ModelColumns} FROM models WHERE version = ?", version).SingleOrDefault());

    public Task<ModelRecord?> GetActiveAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(QueryModels($"SELECT {ModelColumns} FROM models WHERE state = 'Active'").SingleOrDefault());

    public Task UpsertAsync(ModelRecord record, CancellationToken cancellationToken = default)
    {
        using var db = Open();
        db.Execute($"""
            INSERT INTO models ({ModelColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (version) DO UPDATE SET path = excluded.path, accuracy = excluded.accuracy, macro_f1 = excluded.macro_f1,
                dataset_fingerprint = excluded.dataset_fingerprint, parent_version = excluded.parent_version, reason = excluded.reason,
                evaluation = COALESCE(excluded.evaluation, models.evaluation)
            """,
            record.Version, record.Path, record.State.ToString(), record.Accuracy, record.MacroF1, record.DatasetFingerprint,
            record.ParentVersion, Text(record.Created), Text(record.ActivatedAt), record.Reason, RegistryJson.Write(record.Evaluation));
        return Task.CompletedTask;
    }

    public Task ActivateAsync(string version, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var db = Open();
        db.RunInTransaction(() =>
        {
            db.Execute("UPDATE models SET state = 'Retired' WHERE state = 'Active' AND version <> ?", version);
            if (db.Execute("UPDATE models SET state = 'Active', activated_at = ?, reason = ? WHERE version = ?", Text(at), reason, version) != 1)
            {
                throw new KeyNotFoundException($"Model version '{version}' is not registered.");
            }
        });
        return Task.CompletedTask;
    }

    public Task SetReasonAsync(string version, string reason, CancellationToken cancellationToken = default)
    {
        using var db = Open();
        db.Execute("UPDATE models SET reason = ? WHERE version = ?", reason, version);
        return Task.CompletedTask;
    }

    public Task SetEvaluationAsync(string version, ModelEvaluation evaluation, CancellationToken cancellationToken = default)
    {
        using var db = Open();
        db.Execute("UPDATE models SET evaluation = ? WHERE version = ?", RegistryJson.Write(evaluation), version);
        return Task.CompletedTask;
    }

    public Task<(RetrainRecord Retrain, bool Created)> StartRetrainAsync(RetrainRecord retrain, CancellationToken cancellationToken = default)
    {
        using var db = Open();
        RetrainRecord? running = null;
        var created = false;
        db.RunInTransaction(() =>
        {
            running = QueryRetrains(db, $"SELECT {RetrainColumns} FROM retrains WHERE {Running}").FirstOrDefault();
            if (running is null)
            {
                db.Execute($"INSERT INTO retrains ({RetrainColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", RetrainValues(retrain));
                created = true;
            }
        });
        return Task.FromResult(created ? (retrain, true) : (running!, false));
    }

    public Task<RetrainRecord?> GetRetrainAsync(Guid id, CancellationToken cancellationToken = default)
    {
        using var db = Open();
        return Task.FromResult(QueryRetrains(db, $"SELECT {RetrainColumns} FROM retrains WHERE id = ?", id.ToString()).SingleOrDefault());
    }

    public Task<IReadOnlyList<RetrainRecord>> ListRetrainsAsync(CancellationToken cancellationToken = default)
    {
        using var db = Open();
        return Task.FromResult(QueryRetrains(db, $"SELECT {RetrainColumns} FROM retrains ORDER BY created DESC"));
    }

    public Task<bool> UpdateRetrainAsync(RetrainRecord retrain, CancellationToken cancellationToken = default)
    {
        using var db = Open();
        var changed = db.Execute(
            $"UPDATE retrains SET state = ?, stage = ?, progress = ?, started = ?, finished = ?, result_version = ?, decision = ?, error = ?, heartbeat = ? WHERE id = ? AND {Running}",
            retrain.State.ToString(), RegistryJson.Stage(retrain.Stage), RegistryJson.Write(retrain.Progress), Text(retrain.Started), Text(retrain.Finished),
            retrain.ResultVersion, RegistryJson.Write(retrain.Decision), retrain.Error, Text(retrain.Heartbeat), retrain.Id.ToString());
        return Task.FromResult(changed == 1);
    }

    public Task<bool> HeartbeatRetrainAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var db = Open();
        return Task.FromResult(db.Execute($"UPDATE retrains SET heartbeat = ? WHERE id = ? AND {Running}", Text(at), id.ToString()) == 1);
    }

    public Task<bool> CancelRetrainAsync(Guid id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        using var db = Open();
        return Task.FromResult(db.Execute($"UPDATE retrains SET state = 'Cancelled', finished = ?, error = ? WHERE id = ? AND {Running} AND stage <> 'promote'", Text(at), reason, id.ToString()) == 1);
    }

    public Task SetRetrainJobIdsAsync(Guid id, RetrainJobIds jobIds, CancellationToken cancellationToken = default)
    {
        using var db = Open();
        db.Execute("UPDATE retrains SET job_ids = ? WHERE id = ?", RegistryJson.Write(jobIds), id.ToString());
        return Task.CompletedTask;
    }

    private SQLiteConnection Open()
    {
        var db = new SQLiteConnection(new SQLiteConnectionString(databasePath, SQLiteOpenFlags.ReadWrite | SQLiteOpenFlags.Create | SQLiteOpenFlags.FullMutex, storeDateTimeAsTicks: false));
        db.BusyTimeout = TimeSpan.FromSeconds(30);
        return db;
    }

    private IReadOnlyList<ModelRecord> QueryModels(string sql, params object[] args)
    {
        using var db = Open();
        return db.Query<ModelRow>(sql, args).Select(r => new ModelRecord(
            r.Version, r.Path, Enum.Parse<ModelState>(r.State), r.Accuracy, r.MacroF1, r.DatasetFingerprint, r.ParentVersion,
            DateTimeOffset.Parse(r.Created, System.Globalization.CultureInfo.InvariantCulture), Time(r.ActivatedAt), r.Reason,
            RegistryJson.Read<ModelEvaluation>(r.Evaluation))).ToList();
    }

    private static IReadOnlyList<RetrainRecord> QueryRetrains(SQLiteConnection db, string sql, params object[] args) =>
        db.Query<RetrainRow>(sql, args).Select(r => new RetrainRecord(
            Guid.Parse(r.Id), Enum.Parse<RetrainState>(r.State), RegistryJson.Stage(r.Stage), RegistryJson.Read<RetrainProgress>(r.Progress), r.TargetVersion,
            DateTimeOffset.Parse(r.Created, System.Globalization.CultureInfo.InvariantCulture), Time(r.Started), Time(r.Finished),
            r.ResultVersion, RegistryJson.ReadDecision(r.Decision), r.Error, RegistryJson.Read<RetrainJobIds>(r.JobIds), Time(r.Heartbeat))).ToList();

    private static object?[] RetrainValues(RetrainRecord r) =>
    [
        r.Id.ToString(), r.State.ToString(), RegistryJson.Stage(r.Stage), RegistryJson.Write(r.Progress), r.TargetVersion, Text(r.Created), Text(r.Started), Text(r.Finished),
        r.ResultVersion, RegistryJson.Write(r.Decision), r.Error, RegistryJson.Write(r.JobIds), Text(r.Heartbeat),
    ];

    private static void AddColumnIfMissing(SQLiteConnection db, string table, string column, string type)
    {
        if (!db.GetTableInfo(table).Any(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase)))
        {
            db.Execute($"ALTER TABLE {table} ADD COLUMN {column} {type}");
        }
    }

    private static string? Text(DateTimeOffset? time) => time?.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(string? text) => text is null ? null : DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private sealed class ModelRow
    {
        [Column("version")] public string Version { get; set; } = string.Empty;
        [Column("path")] public string Path { get; set; } = string.Empty;
        [Column("state")] public string State { get; set; } = string.Empty;
        [Column("accuracy")] public double? Accuracy { get; set; }
        [Column("macro_f1")] public double? MacroF1 { get; set; }
        [Column("dataset_fingerprint")] public string? DatasetFingerprint { get; set; }
        [Column("parent_version")] public string? ParentVersion { get; set; }
        [Column("created")] public string Created { get; set; } = string.Empty;
        [Column("activated_at")] public string? ActivatedAt { get; set; }
        [Column("reason")] public string? Reason { get; set; }
        [Column("evaluation")] public string? Evaluation { get; set; }
    }

    private sealed class RetrainRow
    {
        [Column("id")] public string Id { get; set; } = string.Empty;
        [Column("state")] public string State { get; set; } = string.Empty;
        [Column("stage")] public string Stage { get; set; } = string.Empty;
        [Column("progress")] public string? Progress { get; set; }
        [Column("target_version")] public string TargetVersion { get; set; } = string.Empty;
        [Column("created")] public string Created { get; set; } = string.Empty;
        [Column("started")] public string? Started { get; set; }
        [Column("finished")] public string? Finished { get; set; }
        [Column("result_version")] public string? ResultVersion { get; set; }
        [Column("decision")] public string? Decision { get; set; }
        [Column("error")] public string? Error { get; set; }
        [Column("job_ids")] public string? JobIds { get; set; }
        [Column("heartbeat")] public string? Heartbeat { get; set; }
    }
}
