using System.Text.Json;
using FaceMask.Api.Datasets;
using FaceMask.Api.Jobs;
using FaceMask.Api.Registry;
using FaceMask.Api.Security;
using FaceMask.Training.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Endpoints;

/// <summary><c>202</c> answer to a retrain request.</summary>
public sealed record RetrainAccepted(Guid JobId, string StatusUrl, RetrainState State, bool AlreadyRunning, UploadResult? Upload);

/// <summary>A retrain as <c>GET /api/jobs/{id}</c> reports it.</summary>
public sealed record RetrainStatus(
    Guid Id,
    RetrainState State,
    string Stage,
    RetrainProgress? Progress,
    string TargetVersion,
    DateTimeOffset Created,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    string? ModelVersion,
    string? Decision,
    string? Error,
    RetrainJobIds? HangfireJobs);

/// <summary><c>POST /api/retrain</c> (admin) and <c>GET /api/jobs/{id}</c>.</summary>
public static class RetrainEndpoints
{
    public static IEndpointRouteBuilder MapRetrainEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/retrain", RetrainAsync)
            .WithTags("Retraining")
            .WithName("Retrain")
            .WithSummary("Split, train, evaluate and promote (or keep as candidate) a new model; optionally add a 'dataset' zip first. Admin.")
            .DisableAntiforgery()
            .RequireAdmin()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        app.MapGet("/api/jobs/{id:guid}", GetJobAsync)
            .WithTags("Retraining")
            .WithName("GetJob")
            .WithSummary("State, stage, progress, timestamps and outcome of a retrain.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    internal static async Task<Results<Accepted<RetrainAccepted>, ProblemHttpResult>> RetrainAsync(
        HttpContext context, RetrainService retrains, DatasetStore store, ImageUpload upload, IOptions<DatasetUploadOptions> limits, CancellationToken cancellationToken)
    {
        var (files, rejected, problem) = await DatasetEndpoints.ReadUploadAsync(context, upload, limits.Value, cancellationToken, requireFiles: false);
        if (problem is not null)
        {
            return problem;
        }

        var added = files.Count + rejected.Count > 0 ? await store.AddAsync(files, rejected, cancellationToken) : null;
        var (retrain, created) = await retrains.StartAsync(cancellationToken);
        var url = $"/api/jobs/{retrain.Id}";
        return TypedResults.Accepted(url, new RetrainAccepted(retrain.Id, url, retrain.State, !created, added));
    }

    internal static async Task<Results<Ok<RetrainStatus>, ProblemHttpResult>> GetJobAsync(Guid id, IModelRegistry registry, CancellationToken cancellationToken)
    {
        var retrain = await registry.GetRetrainAsync(id, cancellationToken);
        if (retrain is null)
        {
            return TypedResults.Problem($"No retrain with id {id}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }

        return TypedResults.Ok(new RetrainStatus(
            retrain.Id,
            retrain.State,
            retrain.Stage,
            retrain.ProgressJson is null ? null : Json.Deserialize<RetrainProgress>(retrain.ProgressJson),
            retrain.TargetVersion,
            retrain.Created,
            retrain.Started,
            retrain.Finished,
            retrain.ResultVersion,
            retrain.Decision,
            retrain.Error,
            retrain.JobIds is null ? null : JsonSerializer.Deserialize<RetrainJobIds>(retrain.JobIds)));
    }
}
