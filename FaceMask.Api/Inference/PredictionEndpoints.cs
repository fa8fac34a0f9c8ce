using FaceMask.Api.Errors;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Monitoring;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FaceMask.Api.Inference;

/// <summary><c>POST /api/predict</c> and <c>POST /api/predict/batch</c>: read the form, hand the images to <see cref="PredictionService"/>, map the outcome.</summary>
public static class PredictionEndpoints
{
    public const string FileField = "file";
    public const string FilesField = "files";

    public static IEndpointRouteBuilder MapPredictionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/predict")
            .WithTags("Prediction")
            .DisableAntiforgery()
            .WithStageTiming()
            .RequireRateLimiting(RateLimiting.PredictionPolicy)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/", PredictAsync)
            .WithName("Predict")
            .WithSummary("Classify one face")
            .WithDescription("Classify one face image (multipart field 'file').")
            .AcceptsMultipart(new MultipartField(FileField, MultipartFieldKind.File, "The image: JPEG, PNG, BMP or WebP.", Required: true));
        group.MapPost("/batch", PredictBatchAsync)
            .WithName("PredictBatch")
            .WithSummary("Classify several faces")
            .WithDescription("Classify several images (repeated multipart field 'files'); a bad file fails alone.")
            .AcceptsMultipart(new MultipartField(FilesField, MultipartFieldKind.Files, "The images (repeat the field).", Required: true));
        return app;
    }

    internal static async Task<Results<Ok<PredictionResult>, ProblemHttpResult>> PredictAsync(
        HttpRequest request, [AsParameters] PredictionServices services, CancellationToken cancellationToken)
    {
        var begun = await BeginAsync(request, services, FileField, cancellationToken);
        if (begun.Error is { } error)
        {
            return error.ToProblem();
        }

        var (session, form) = begun.Value;
        using var _ = session;
        if (form.Files.GetFile(FileField) is not { } file)
        {
            return ApiError.BadRequest(ErrorCodes.MissingFile, "Missing file", $"The multipart field '{FileField}' is missing.").ToProblem();
        }

        return (await session.PredictAsync(await ImageUpload.ReadAsync(file, cancellationToken), cancellationToken)).ToOk();
    }

    internal static async Task<Results<Ok<BatchPredictionResponse>, ProblemHttpResult>> PredictBatchAsync(
        HttpRequest request, [AsParameters] PredictionServices services, CancellationToken cancellationToken)
    {
        var begun = await BeginAsync(request, services, FilesField, cancellationToken);
        if (begun.Error is { } error)
        {
            return error.ToProblem();
        }

        var (session, form) = begun.Value;
        using var _ = session;
        var files = form.Files.GetFiles(FilesField);
        if (files.Count == 0)
        {
            return ApiError.BadRequest(ErrorCodes.MissingFile, "Missing files", $"Send one or more images in the repeated multipart field '{FilesField}'.").ToProblem();
        }

        var images = new List<ImageUpload>(files.Count);
        foreach (var file in files)
        {
            images.Add(await ImageUpload.ReadAsync(file, cancellationToken));
        }

        var outcomes = await session.PredictManyAsync(images, cancellationToken);
        if (outcomes.Error is { } refused)
        {
            return refused.ToProblem();
        }

        return TypedResults.Ok(new BatchPredictionResponse(outcomes.Value!.Select((outcome, i) => BatchItem.Of(images[i].FileName, outcome)).ToList()));
    }

    /// <summary>
    /// Takes a session on the served model first (the request keeps that model through a hot swap),
    /// then reads the form; the caller disposes the session.
    /// </summary>
    internal static async Task<Outcome<(PredictionSession Session, IFormCollection Form)>> BeginAsync(
        HttpRequest request, PredictionServices services, string field, CancellationToken cancellationToken)
    {
        var begun = services.Predictions.Begin();
        if (begun.Error is { } notReady)
        {
            return notReady;
        }

        var form = await services.Forms.ReadAsync(request, field, cancellationToken);
        if (form.Error is { } unreadable)
        {
            begun.Value!.Dispose();
            return unreadable;
        }

        return (begun.Value!, form.Value!);
    }
}
