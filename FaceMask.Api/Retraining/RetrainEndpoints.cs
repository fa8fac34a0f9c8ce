using System.Globalization;
using FaceMask.Api.Datasets;
using FaceMask.Api.Errors;
using FaceMask.Api.Registry;
using FaceMask.Api.Retraining.Jobs;
using FaceMask.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Retraining;

/// <summary><c>POST /api/retrain</c> (admin), <c>GET /api/retrain/check</c> (admin), <c>GET /api/jobs</c>, <c>GET /api/jobs/{id}</c>, <c>POST /api/jobs/{id}/cancel</c> (admin).</summary>
public static class RetrainEndpoints
{
    public static IEndpointRouteBuilder MapRetrainEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/retrain", RetrainAsync)
            .WithTags("Retraining")
            .WithName("Retrain")
            .WithSummary("Start a retrain")
            .WithDescription("Split, train, evaluate and promote (or keep as candidate) a new model; optionally add a 'dataset' zip or labelled 'files' first. Data that cannot train a model is refused before anything is written. Admin.")
            .AcceptsLabelledImages()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        app.MapGet("/api/retrain/check", (DataCheckProgress progress) => TypedResults.Ok(progress.Status()))
            .WithTags("Retraining")
            .WithName("GetDataCheck")
            .WithSummary("Follow the data check")
            .WithDescription("The data checks running now (phase, images read of all, seconds) and the last one's outcome: what a retrain request is waiting for. Admin.")
            .RequireAdmin();
        var jobs = app.MapGroup("/api/jobs").WithTags("Retraining");
        jobs.MapGet("/", ListJobsAsync).WithName("ListJobs").WithSummary("List retrains")
            .WithDescription("Every retrain, newest first.");
        jobs.MapGet("/{id:guid}", GetJobAsync)
            .WithName("GetJob")
            .WithSummary("Get a retrain")
            .WithDescription("State, stage, health (running, stalled), progress, timestamps and outcome of a retrain.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        jobs.MapPost("/{id:guid}/cancel", CancelAsync)
            .WithName("CancelJob")
            .WithSummary("Cancel a retrain")
            .WithDescription("Stop a retrain: its stage ends, nothing half-written stays, the served model is untouched. Admin.")
            .RequireAdmin()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    internal static async Task<Results<Accepted<RetrainAccepted>, ProblemHttpResult>> RetrainAsync(
        HttpContext context, [AsParameters] RetrainRequestServices services, CancellationToken cancellationToken)
    {
        var read = await services.Uploads.ReadAsync(context, requireFiles: false, cancellationToken);
        if (read.Error is { } unreadable)
        {
            return unreadable.ToProblem();
        }

        var upload = read.Value!;
        using var turn = upload.Files.Count > 0 ? services.Lock.TryEnter() : await services.Lock.EnterAsync(cancellationToken);
        if (turn is null)
        {
            return ApiError.Conflict(ErrorCodes.RetrainRunning, "A retrain is starting",
                "Another retrain request is checking the data; nothing was added. Upload with POST /api/datasets/new, or retrain once it ends.").ToProblem();
        }

        if (await services.Retrains.RunningAsync(cancellationToken) is { } running)
        {
            return upload.Files.Count > 0
                ? ApiError.Conflict(ErrorCodes.RetrainRunning, "A retrain is running",
                    $"Retrain {running.Id} is {running.State}; nothing was added. Upload with POST /api/datasets/new, or retrain once it ends.").ToProblem()
                : Accepted(running, created: false, null, services.References.Current()?.Name);
        }

        // Every check before any write: a refused request changes nothing.
        var readiness = await Task.Run(() => services.Preflight.Check(upload.Files, upload.NewClassSet, DataCheckOrigin.Request, cancellationToken), cancellationToken);
        if (readiness.Refusal is { } refusal)
        {
            return refusal.ToProblem();
        }

        var added = upload.Files.Count + upload.Rejected.Count > 0 ? await services.Store.AddAsync(upload.Files, upload.Rejected, cancellationToken, upload.NewClassSet) : null;
        var reference = readiness.Seed is { } seed
            ? await services.References.SeedAsync(seed, $"seeded when the first retrain was accepted, from {readiness.SeedSource}", cancellationToken)
            : services.References.Current();
        var (retrain, created) = await services.Retrains.StartAsync(cancellationToken);
        return Accepted(retrain, created, added, reference?.Name);
    }

    internal static async Task<Ok<IReadOnlyList<RetrainStatus>>> ListJobsAsync(IModelRegistry registry, TimeProvider time, IOptions<JobsOptions> options, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<RetrainStatus>>((await registry.ListRetrainsAsync(cancellationToken)).Select(r => Status(r, time, options.Value)).ToList());

    internal static async Task<Results<Ok<RetrainStatus>, ProblemHttpResult>> GetJobAsync(
        Guid id, IModelRegistry registry, TimeProvider time, IOptions<JobsOptions> options, CancellationToken cancellationToken) =>
        await registry.GetRetrainAsync(id, cancellationToken) is { } retrain
            ? TypedResults.Ok(Status(retrain, time, options.Value))
            : NotFound(id);

    internal static async Task<Results<Ok<RetrainStatus>, ProblemHttpResult>> CancelAsync(
        Guid id, RetrainService retrains, IModelRegistry registry, TimeProvider time, IOptions<JobsOptions> options, CancellationToken cancellationToken)
    {
        switch (await retrains.CancelAsync(id, cancellationToken))
        {
            case CancelOutcome.NotFound:
                return NotFound(id);
            case CancelOutcome.NotRunning:
                var ended = (await registry.GetRetrainAsync(id, cancellationToken))!;
                var why = ended.IsRunning ? "it is promoting its model, which cannot be interrupted half-way" : $"it has already ended ({ended.State})";
                return ApiError.Conflict(ErrorCodes.NotRunning, "Not running", $"Retrain {id} cannot be cancelled: {why}.").ToProblem();
            default:
                return TypedResults.Ok(Status((await registry.GetRetrainAsync(id, cancellationToken))!, time, options.Value));
        }
    }

    private static Accepted<RetrainAccepted> Accepted(RetrainRecord retrain, bool created, UploadResult? added, string? reference)
    {
        var url = $"/api/jobs/{retrain.Id}";
        return TypedResults.Accepted(url, new RetrainAccepted(retrain.Id, url, retrain.State, !created, added, reference));
    }

    private static RetrainStatus Status(RetrainRecord retrain, TimeProvider time, JobsOptions options)
    {
        var (health, note) = Health(retrain, time.GetUtcNow(), options);
        return new RetrainStatus(
            retrain.Id,
            retrain.Outcome,
            retrain.State,
            retrain.Stage,
            health,
            note,
            retrain.Progress,
            retrain.TargetVersion,
            retrain.Created,
            retrain.Started,
            retrain.Finished,
            retrain.Heartbeat,
            retrain.ResultVersion,
            retrain.Decision?.Summary,
            retrain.Decision?.Promote,
            retrain.Error,
            retrain.Progress?.Retries ?? [],
            retrain.JobIds);
    }

    /// <summary>Tells a running stage from one whose worker died, by the age of its last heartbeat.</summary>
    private static (JobHealth Health, string? Note) Health(RetrainRecord retrain, DateTimeOffset now, JobsOptions options)
    {
        switch (retrain.State)
        {
            case RetrainState.Enqueued:
                return (JobHealth.Waiting, "waiting for a worker");
            case RetrainState.Processing:
                var silent = now - (retrain.Heartbeat ?? retrain.Started ?? retrain.Created);
                if (silent.TotalSeconds <= options.StalledAfterSeconds)
                {
                    return (JobHealth.Running, null);
                }

                return (JobHealth.Stalled, string.Create(CultureInfo.InvariantCulture,
                    $"no heartbeat from the {RegistryJson.Stage(retrain.Stage)} stage for {silent.TotalSeconds:0} s: its worker has probably stopped. A live replica picks the stage up again " +
                    $"once {options.InvisibilityTimeoutMinutes:0.#} min (Jobs:InvisibilityTimeoutMinutes) have passed since the last heartbeat; or cancel it."));
            default:
                return (JobHealth.Ended, null);
        }
    }

    private static ProblemHttpResult NotFound(Guid id) => ApiError.NotFound($"No retrain with id {id}.").ToProblem();
}
