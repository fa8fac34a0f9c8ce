namespace FaceMask.Api.Registry;

/// <summary>
/// The model registry and the retrain log, shared by every replica through one database
/// (PostgreSQL in production, an embedded SQLite file by default). Activation is a single
/// transaction: at most one version is ever Active. A retrain that has ended (Succeeded, Failed,
/// Cancelled) is final: later updates from a stage still running somewhere are refused.
/// </summary>
public interface IModelRegistry
{
    /// <summary>Creates the tables if they do not exist, and adds columns that later versions introduced.</summary>
    Task EnsureSchemaAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ModelRecord>> ListAsync(CancellationToken cancellationToken = default);

    Task<ModelRecord?> GetAsync(string version, CancellationToken cancellationToken = default);

    Task<ModelRecord?> GetActiveAsync(CancellationToken cancellationToken = default);

    /// <summary>Registers a version, or updates its figures if it is already registered (a retried job).</summary>
    Task UpsertAsync(ModelRecord record, CancellationToken cancellationToken = default);

    /// <summary>Makes <paramref name="version"/> the active model; the previous active one becomes Retired.</summary>
    Task ActivateAsync(string version, string reason, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Sets the reason recorded on a version (why it stayed a candidate, say).</summary>
    Task SetReasonAsync(string version, string reason, CancellationToken cancellationToken = default);

    /// <summary>Records a version's figures on the reference set (and a retrain's test split).</summary>
    Task SetEvaluationAsync(string version, ModelEvaluation evaluation, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a new retrain unless one is already enqueued or processing; returns the retrain that
    /// is running afterwards and whether it is the new one.
    /// </summary>
    Task<(RetrainRecord Retrain, bool Created)> StartRetrainAsync(RetrainRecord retrain, CancellationToken cancellationToken = default);

    Task<RetrainRecord?> GetRetrainAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Every retrain, newest first.</summary>
    Task<IReadOnlyList<RetrainRecord>> ListRetrainsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Updates a running retrain's state, stage, progress, timestamps and outcome (not its job ids)
    /// and its heartbeat; false (and nothing changed) when it has already ended.
    /// </summary>
    Task<bool> UpdateRetrainAsync(RetrainRecord retrain, CancellationToken cancellationToken = default);

    /// <summary>Records that the worker of a running retrain is alive; false when the retrain has ended.</summary>
    Task<bool> HeartbeatRetrainAsync(Guid id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Marks a running retrain Cancelled; false when it had already ended, has begun promoting, or does not exist.</summary>
    Task<bool> CancelRetrainAsync(Guid id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the Hangfire job ids of a retrain, touching nothing else: its first stage may already
    /// be running (on any replica) and writing its own progress.
    /// </summary>
    Task SetRetrainJobIdsAsync(Guid id, RetrainJobIds jobIds, CancellationToken cancellationToken = default);
}
