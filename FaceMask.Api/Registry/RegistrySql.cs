namespace FaceMask.Api.Registry;

/// <summary>
/// The registry's SQL, written once for both stores: the tables, every statement, the predicates
/// (built from the enums, so a renamed state cannot leave a stale literal behind), the values of a
/// row in column order and the mapping of a row back to a record. A store supplies its table names,
/// its column types and how it numbers parameters (<c>$1</c> in PostgreSQL, <c>?1</c> in SQLite).
/// </summary>
internal sealed class RegistrySql(string models, string retrains, char parameterPrefix)
{
    public const string ModelColumns = "version, path, state, accuracy, macro_f1, dataset_fingerprint, parent_version, created, activated_at, reason, evaluation";
    public const string RetrainColumns = "id, state, stage, progress, target_version, created, started, finished, result_version, decision, error, job_ids, heartbeat";

    /// <summary>Columns added after the first release, created on older databases by <c>EnsureSchemaAsync</c>.</summary>
    public static readonly (string Table, string Column, ColumnType Type)[] AddedColumns = [("models", "evaluation", ColumnType.Text), ("retrains", "heartbeat", ColumnType.Time)];

    private static readonly string Active = $"state = {Literal(ModelState.Active)}";
    private static readonly string Running = $"state IN ({Literal(RetrainState.Enqueued)}, {Literal(RetrainState.Processing)})";

    public enum ColumnType
    {
        Text,
        Number,
        Time,
        Id,
    }

    public string SelectModels => $"SELECT {ModelColumns} FROM {models} ORDER BY created, version";

    public string SelectModel => $"SELECT {ModelColumns} FROM {models} WHERE version = {P(1)}";

    public string SelectActiveModel => $"SELECT {ModelColumns} FROM {models} WHERE {Active}";

    /// <summary>Inserts a model, or updates everything but its state, created and activation time; an evaluation is kept unless a new one is given.</summary>
    public string UpsertModel => $"""
        INSERT INTO {models} ({ModelColumns}) VALUES ({Parameters(11)})
        ON CONFLICT (version) DO UPDATE SET path = excluded.path, accuracy = excluded.accuracy, macro_f1 = excluded.macro_f1,
            dataset_fingerprint = excluded.dataset_fingerprint, parent_version = excluded.parent_version, reason = excluded.reason,
            evaluation = COALESCE(excluded.evaluation, {models}.evaluation)
        """;

    /// <summary>With <see cref="ActivateModel"/>, in one transaction: at most one model is active.</summary>
    public string RetireOtherModels => $"UPDATE {models} SET state = {Literal(ModelState.Retired)} WHERE {Active} AND version <> {P(1)}";

    public string ActivateModel => $"UPDATE {models} SET state = {Literal(ModelState.Active)}, activated_at = {P(2)}, reason = {P(3)} WHERE version = {P(1)}";

    public string SetModelReason => $"UPDATE {models} SET reason = {P(2)} WHERE version = {P(1)}";

    public string SetModelEvaluation => $"UPDATE {models} SET evaluation = {P(2)} WHERE version = {P(1)}";

    /// <summary>Refused by the one-running-retrain index while another runs (ignored, not an error).</summary>
    public string InsertRetrain => $"INSERT INTO {retrains} ({RetrainColumns}) VALUES ({Parameters(13)}) ON CONFLICT DO NOTHING";

    public string SelectRunningRetrains => $"SELECT {RetrainColumns} FROM {retrains} WHERE {Running}";

    public string SelectRetrain => $"SELECT {RetrainColumns} FROM {retrains} WHERE id = {P(1)}";

    public string SelectRetrains => $"SELECT {RetrainColumns} FROM {retrains} ORDER BY created DESC";

    /// <summary>Changes only a running retrain: an ended one is final.</summary>
    public string UpdateRetrain => $"""
        UPDATE {retrains} SET state = {P(2)}, stage = {P(3)}, progress = {P(4)}, started = {P(5)}, finished = {P(6)}, result_version = {P(7)},
            decision = {P(8)}, error = {P(9)}, heartbeat = {P(10)}
        WHERE id = {P(1)} AND {Running}
        """;

    public string HeartbeatRetrain => $"UPDATE {retrains} SET heartbeat = {P(2)} WHERE id = {P(1)} AND {Running}";

    /// <summary>A running retrain that has not begun promoting: promotion is never interrupted.</summary>
    public string CancelRetrain =>
        $"UPDATE {retrains} SET state = {Literal(RetrainState.Cancelled)}, finished = {P(2)}, error = {P(3)} WHERE id = {P(1)} AND {Running} AND stage <> '{RegistryJson.Stage(RetrainStage.Promote)}'";

    public string SetRetrainJobIds => $"UPDATE {retrains} SET job_ids = {P(2)} WHERE id = {P(1)}";

    /// <summary>The two tables and their one-active and one-running indexes, with the store's column types.</summary>
    public string CreateTables(Func<ColumnType, string> type, string constant) => $"""
        CREATE TABLE IF NOT EXISTS {models} (
            version {type(ColumnType.Text)} PRIMARY KEY, path {type(ColumnType.Text)} NOT NULL, state {type(ColumnType.Text)} NOT NULL,
            accuracy {type(ColumnType.Number)}, macro_f1 {type(ColumnType.Number)}, dataset_fingerprint {type(ColumnType.Text)},
            parent_version {type(ColumnType.Text)}, created {type(ColumnType.Time)} NOT NULL, activated_at {type(ColumnType.Time)}, reason {type(ColumnType.Text)});
        CREATE UNIQUE INDEX IF NOT EXISTS models_one_active ON {models} ((state)) WHERE {Active};
        CREATE TABLE IF NOT EXISTS {retrains} (
            id {type(ColumnType.Id)} PRIMARY KEY, state {type(ColumnType.Text)} NOT NULL, stage {type(ColumnType.Text)} NOT NULL, progress {type(ColumnType.Text)},
            target_version {type(ColumnType.Text)} NOT NULL, created {type(ColumnType.Time)} NOT NULL, started {type(ColumnType.Time)}, finished {type(ColumnType.Time)},
            result_version {type(ColumnType.Text)}, decision {type(ColumnType.Text)}, error {type(ColumnType.Text)}, job_ids {type(ColumnType.Text)});
        CREATE UNIQUE INDEX IF NOT EXISTS retrains_one_running ON {retrains} (({constant})) WHERE {Running};
        """;

    /// <summary>A model's values in <see cref="ModelColumns"/> order, times as the store keeps them.</summary>
    public static object?[] ModelValues(ModelRecord r, Func<DateTimeOffset?, object?> time) =>
    [
        r.Version, r.Path, r.State.ToString(), r.Accuracy, r.MacroF1, r.DatasetFingerprint, r.ParentVersion, time(r.Created), time(r.ActivatedAt), r.Reason,
        RegistryJson.Write(r.Evaluation),
    ];

    /// <summary>A retrain's values in <see cref="RetrainColumns"/> order.</summary>
    public static object?[] RetrainValues(RetrainRecord r, Func<DateTimeOffset?, object?> time, Func<Guid, object> id) =>
    [
        id(r.Id), r.State.ToString(), RegistryJson.Stage(r.Stage), RegistryJson.Write(r.Progress), r.TargetVersion, time(r.Created), time(r.Started), time(r.Finished),
        r.ResultVersion, RegistryJson.Write(r.Decision), r.Error, RegistryJson.Write(r.JobIds), time(r.Heartbeat),
    ];

    /// <summary>The parameters of <see cref="UpdateRetrain"/>.</summary>
    public static object?[] RetrainUpdateValues(RetrainRecord r, Func<DateTimeOffset?, object?> time, Func<Guid, object> id) =>
    [
        id(r.Id), r.State.ToString(), RegistryJson.Stage(r.Stage), RegistryJson.Write(r.Progress), time(r.Started), time(r.Finished), r.ResultVersion,
        RegistryJson.Write(r.Decision), r.Error, time(r.Heartbeat),
    ];

    public static ModelRecord ReadModel(IRegistryRow row) => new(
        row.Text(0)!, row.Text(1)!, Enum.Parse<ModelState>(row.Text(2)!), row.Number(3), row.Number(4), row.Text(5), row.Text(6), row.Time(7)!.Value, row.Time(8),
        row.Text(9), RegistryJson.Read<ModelEvaluation>(row.Text(10)));

    public static RetrainRecord ReadRetrain(IRegistryRow row) => new(
        row.Id(0), Enum.Parse<RetrainState>(row.Text(1)!), RegistryJson.Stage(row.Text(2)!), RegistryJson.Read<RetrainProgress>(row.Text(3)), row.Text(4)!,
        row.Time(5)!.Value, row.Time(6), row.Time(7), row.Text(8), RegistryJson.ReadDecision(row.Text(9)), row.Text(10), RegistryJson.Read<RetrainJobIds>(row.Text(11)),
        row.Time(12));

    private static string Literal<TEnum>(TEnum value)
        where TEnum : struct, Enum => $"'{value}'";

    private string P(int index) => $"{parameterPrefix}{index}";

    private string Parameters(int count) => string.Join(", ", Enumerable.Range(1, count).Select(P));
}
