using FaceMask.Api.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FaceMask.Api.Inference;

/// <summary><c>GET /api/model/info</c>.</summary>
public static class ModelEndpoints
{
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/model").WithTags("Models")
            .MapGet("/info", GetInfo)
            .WithName("GetModelInfo")
            .WithSummary("Get the served model")
            .WithDescription("The served model: version, classes, input size, preprocessing, test metrics, cost.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static Results<Ok<ModelInfoResponse>, ProblemHttpResult> GetInfo(ModelHost host)
    {
        if (host.Current is not { } model)
        {
            return ApiError.NotReady().ToProblem();
        }

        var metadata = model.Metadata;
        return TypedResults.Ok(new ModelInfoResponse(
            metadata.Version,
            metadata.Classes,
            metadata.InputSize,
            metadata.Preprocessing,
            metadata.Architecture,
            metadata.Parameters,
            metadata.MegaFlops,
            model.Folder.Metrics,
            metadata.Created,
            metadata.DatasetFingerprint,
            metadata.ParentVersion));
    }
}
