using System.Text.Json.Serialization;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FaceMask.Training.Onnx;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FaceMask.Api.Endpoints;

/// <summary>The Python service's prediction response, plus the model version that produced it.</summary>
public sealed record PredictionResponse(string Prediction, float Confidence, IReadOnlyDictionary<string, float> Probabilities, string ModelVersion);

/// <summary>One file of a batch: a prediction, or the error for that file alone.</summary>
public sealed record BatchItem(
    string File,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Prediction,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? Confidence,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, float>? Probabilities,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ModelVersion,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Status);

public sealed record BatchPredictionResponse(IReadOnlyList<BatchItem> Results);

/// <summary><c>POST /api/predict</c> and <c>POST /api/predict/batch</c>.</summary>
public static class PredictionEndpoints
{
    public const string FileField = "file";
    public const string FilesField = "files";

    public static IEndpointRouteBuilder MapPredictionEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/predict")
            .WithTags("Prediction")
            .DisableAntiforgery()
            .RequireRateLimiting(RateLimiting.PredictionPolicy)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/", PredictAsync)
            .WithName("Predict")
            .WithSummary("Classify one face image (multipart field 'file').");
        group.MapPost("/batch", PredictBatchAsync)
            .WithName("PredictBatch")
            .WithSummary("Classify several images (repeated multipart field 'files'); a bad file fails alone.");
        return app;
    }

    internal static async Task<Results<Ok<PredictionResponse>, ProblemHttpResult>> PredictAsync(
        HttpRequest request, ModelHost host, ImageUpload upload, PredictionBatcher batcher, ServiceMetrics metrics, CancellationToken cancellationToken)
    {
        var (lease, form, refusal) = await BeginAsync(request, host, upload, FileField, cancellationToken);
        using var _ = lease;
        if (refusal is not null)
        {
            return refusal;
        }

        var file = form!.Files.GetFile(FileField);
        if (file is null)
        {
            return upload.Problem(StatusCodes.Status400BadRequest, "Missing file", $"The multipart field '{FileField}' is missing.", "missing_file");
        }

        var model = lease!.Model;
        var (input, problem) = await upload.PreprocessAsync(file, model, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var output = await batcher.PredictAsync(model, input!, cancellationToken);
        return TypedResults.Ok(Describe(output, model, metrics));
    }

    internal static async Task<Results<Ok<BatchPredictionResponse>, ProblemHttpResult>> PredictBatchAsync(
        HttpRequest request, ModelHost host, ImageUpload upload, PredictionBatcher batcher, ServiceMetrics metrics, CancellationToken cancellationToken)
    {
        var (lease, form, refusal) = await BeginAsync(request, host, upload, FilesField, cancellationToken);
        using var _ = lease;
        if (refusal is not null)
        {
            return refusal;
        }

        var files = form!.Files.GetFiles(FilesField);
        if (files.Count == 0)
        {
            return upload.Problem(StatusCodes.Status400BadRequest, "Missing files", $"Send one or more images in the repeated multipart field '{FilesField}'.", "missing_file");
        }

        if (files.Count > upload.Options.MaxBatchFiles)
        {
            return upload.Problem(StatusCodes.Status400BadRequest, "Too many files",
                $"{files.Count} files were sent; a batch takes at most {upload.Options.MaxBatchFiles}.", "too_many_files");
        }

        metrics.BatchRequest(files.Count);
        var model = lease!.Model;
        var results = await Task.WhenAll(files.Select(async file =>
        {
            var (input, problem) = await upload.PreprocessAsync(file, model, cancellationToken);
            if (problem is not null)
            {
                var details = (Microsoft.AspNetCore.Mvc.ProblemDetails)problem.ProblemDetails;
                return new BatchItem(file.FileName, null, null, null, null, details.Detail, details.Status);
            }

            var prediction = Describe(await batcher.PredictAsync(model, input!, cancellationToken), model, metrics);
            return new BatchItem(file.FileName, prediction.Prediction, prediction.Confidence, prediction.Probabilities, prediction.ModelVersion, null, null);
        }));
        return TypedResults.Ok(new BatchPredictionResponse(results));
    }

    /// <summary>
    /// Takes a lease on the served model (the request keeps it through a hot swap) and reads the
    /// form; on refusal the lease, if any, is returned too so the caller disposes it.
    /// </summary>
    private static async Task<(ModelLease? Lease, IFormCollection? Form, ProblemHttpResult? Refusal)> BeginAsync(
        HttpRequest request, ModelHost host, ImageUpload upload, string field, CancellationToken cancellationToken)
    {
        var lease = host.Acquire();
        if (lease is null)
        {
            return (null, null, NotReady(upload));
        }

        var (form, problem) = await upload.ReadFormAsync(request, field, cancellationToken);
        return (lease, form, problem);
    }

    private static PredictionResponse Describe(float[] probabilities, OnnxModel model, ServiceMetrics metrics)
    {
        var best = 0;
        for (var i = 1; i < probabilities.Length; i++)
        {
            if (probabilities[i] > probabilities[best])
            {
                best = i;
            }
        }

        var classes = model.Classes;
        metrics.Predicted(classes[best]);
        var byClass = new Dictionary<string, float>(classes.Count);
        for (var i = 0; i < classes.Count; i++)
        {
            byClass[classes[i]] = probabilities[i];
        }

        return new PredictionResponse(classes[best], probabilities[best], byClass, model.Metadata.Version);
    }

    private static ProblemHttpResult NotReady(ImageUpload upload) =>
        upload.Problem(StatusCodes.Status503ServiceUnavailable, "Model not loaded", "The model is still loading (or failed to load); see /health/ready.", "not_ready");
}
