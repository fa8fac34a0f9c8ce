using FaceMask.Api.Errors;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Monitoring;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FaceMask.Api.Detection;

/// <summary><c>POST /api/detect</c>: every face in a photo, each with a box and a verdict; JSON, or the annotated photo for <c>Accept: image/jpeg</c>.</summary>
public static class DetectionEndpoints
{
    public static IEndpointRouteBuilder MapDetectionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/detect", DetectAsync)
            .WithStageTiming()
            .WithTags("Detection")
            .WithName("Detect")
            .WithSummary("Find and classify every face in a photo")
            .WithDescription("Find every face in a photo (multipart field 'file') and classify each: boxes in the photo's pixels, largest first. "
                + "Query: min_face (smallest face in pixels, default 16), max_faces (default 100; more are cut off and 'truncated' is true). Send 'Accept: image/jpeg' for the photo with boxes and labels drawn.")
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimiting.PredictionPolicy)
            .AcceptsMultipart(new MultipartField(PredictionEndpoints.FileField, MultipartFieldKind.File, "The photo: JPEG, PNG, BMP or WebP.", Required: true))
            .Produces<DetectionResponse>(StatusCodes.Status200OK, "application/json", "image/jpeg")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<Results<Ok<DetectionResponse>, FileContentHttpResult, ProblemHttpResult>> DetectAsync(
        HttpRequest request, [AsParameters] PredictionServices services, DetectionService detection, CancellationToken cancellationToken,
        [FromQuery(Name = "min_face")] int? minFace = null, [FromQuery(Name = "max_faces")] int? maxFaces = null)
    {
        var defaults = detection.Defaults;
        var query = new DetectionQuery(minFace ?? defaults.MinFace, maxFaces ?? defaults.MaxFaces, WantsJpeg(request));
        if (query.MinFace is < 8 or > 4096 || query.MaxFaces is < 1 or > 1000)
        {
            return ApiError.BadRequest(ErrorCodes.InvalidQuery, "Invalid query", "min_face must be between 8 and 4096 pixels and max_faces between 1 and 1000.").ToProblem();
        }

        var begun = await PredictionEndpoints.BeginAsync(request, services, PredictionEndpoints.FileField, cancellationToken);
        if (begun.Error is { } error)
        {
            return error.ToProblem();
        }

        var (session, form) = begun.Value;
        using var _ = session;
        if (form.Files.GetFile(PredictionEndpoints.FileField) is not { } file)
        {
            return ApiError.BadRequest(ErrorCodes.MissingFile, "Missing file", $"The multipart field '{PredictionEndpoints.FileField}' is missing.").ToProblem();
        }

        var outcome = await detection.DetectAsync(session, await ImageUpload.ReadAsync(file, cancellationToken), query, cancellationToken);
        if (outcome.Error is { } failed)
        {
            return failed.ToProblem();
        }

        return outcome.Value!.AnnotatedJpeg is { } jpeg ? TypedResults.File(jpeg, "image/jpeg") : TypedResults.Ok(outcome.Value.Response);
    }

    /// <summary>
    /// The annotated photo is sent only when the client prefers a JPEG to JSON: <c>image/jpeg</c> alone,
    /// or with a higher quality than <c>application/json</c>. Equal preference keeps JSON, the default
    /// (Scalar sends <c>application/json, image/jpeg</c>), and so does a browser's image/* or */*.
    /// </summary>
    private static bool WantsJpeg(HttpRequest request)
    {
        var accepts = request.GetTypedHeaders().Accept;
        var jpeg = accepts.Where(a => a.MediaType.Equals("image/jpeg", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        var json = accepts.Where(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        return jpeg > json;
    }
}
