using FaceMask.Api.Errors;
using FaceMask.Api.Security;
using FaceMask.Training.Models;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FaceMask.Api.Registry;

/// <summary><c>GET /api/models</c>, <c>GET /api/models/{version}</c>, <c>POST /api/models/{version}/activate</c> (admin).</summary>
public static class RegistryEndpoints
{
    public static IEndpointRouteBuilder MapRegistryEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/models").WithTags("Models");
        group.MapGet("/", ListAsync).WithName("ListModels").WithSummary("List model versions")
            .WithDescription("Every registered version with its state and figures.");
        group.MapGet("/{version}", GetAsync).WithName("GetModel")
            .WithSummary("Get a model version").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{version}/activate", ActivateAsync)
            .WithName("ActivateModel")
            .WithSummary("Activate a version (roll back or promote)")
            .WithDescription("Serve this version on every replica (rollback or manual promotion). Admin.")
            .RequireAdmin()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    // Server paths say how the machine is laid out: only admins see them.
    internal static async Task<Ok<IReadOnlyList<ModelVersionResponse>>> ListAsync(HttpContext context, IModelRegistry registry, AdminAccess access, CancellationToken cancellationToken)
    {
        var admin = access.IsAdmin(context);
        return TypedResults.Ok<IReadOnlyList<ModelVersionResponse>>((await registry.ListAsync(cancellationToken)).Select(r => ModelVersionResponse.Of(r, admin)).ToList());
    }

    internal static async Task<Results<Ok<ModelVersionResponse>, ProblemHttpResult>> GetAsync(
        string version, HttpContext context, IModelRegistry registry, AdminAccess access, CancellationToken cancellationToken) =>
        await registry.GetAsync(version, cancellationToken) is { } record
            ? TypedResults.Ok(ModelVersionResponse.Of(record, access.IsAdmin(context)))
            : NotFound(version);

    internal static async Task<Results<Ok<ModelVersionResponse>, ProblemHttpResult>> ActivateAsync(
        string version, IModelRegistry registry, IActiveModelFollower watcher, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await registry.GetAsync(version, cancellationToken) is not { } record)
        {
            return NotFound(version);
        }

        try
        {
            ModelFolder.Load(record.Path); // never activate what cannot be served
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return ApiError.Conflict(ErrorCodes.ModelUnusable, "Model unusable", $"Version {version} cannot be served: {e.Message}").ToProblem();
        }

        await registry.ActivateAsync(version, "activated by an operator", time.GetUtcNow(), cancellationToken);
        watcher.RefreshNow();
        await watcher.SynchronizeAsync(cancellationToken); // this replica switches before answering
        return TypedResults.Ok(ModelVersionResponse.Of((await registry.GetAsync(version, cancellationToken))!, showPath: true));
    }

    private static ProblemHttpResult NotFound(string version) =>
        ApiError.NotFound($"No model version '{version}' is registered.").ToProblem();
}
