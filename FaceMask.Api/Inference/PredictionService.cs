using System.Buffers;
using System.Diagnostics;
using FaceMask.Api.Errors;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Monitoring;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Imaging;
using FaceMask.Training.Models;
using FluentValidation;
using Microsoft.Extensions.Options;
using OpenCvSharp;

namespace FaceMask.Api.Inference;

/// <summary>
/// A prediction from upload to answer: takes a lease on the served model (a request keeps its model
/// through a hot swap), validates and preprocesses each image for that model, runs it through the
/// micro-batcher and describes the output. Failures come back as <see cref="ApiError"/> values;
/// rejected images and predicted classes are counted here, where they happen.
/// </summary>
public sealed class PredictionService(
    ModelHost host, PredictionBatcher batcher, IValidator<ImageUpload> validator, IOptions<UploadOptions> uploads, IOptions<InferenceOptions> inference, ServiceMetrics metrics)
{
    /// <summary>A session on the served model; <see cref="ApiError.NotReady"/> before one is loaded. Dispose it when the request ends.</summary>
    public Outcome<PredictionSession> Begin() => host.Acquire() is { } lease ? new PredictionSession(this, lease) : ApiError.NotReady();

    internal int MaxBatchFiles => uploads.Value.MaxBatchFiles;

    internal async Task<Outcome<PredictionResult>> PredictAsync(OnnxModel model, ImageUpload image, CancellationToken cancellationToken)
    {
        var decoded = await DecodeAsync(image, cancellationToken);
        if (decoded.Error is { } error)
        {
            return error;
        }

        using var bgr = decoded.Value!;
        return await ClassifyAsync(model, bgr, cancellationToken);
    }

    /// <summary>An upload decoded to BGR pixels (EXIF orientation applied) under the same checks and errors as a prediction; the caller disposes it.</summary>
    internal async Task<Outcome<Mat>> DecodeAsync(ImageUpload image, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (await ValidateAsync(image, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        try
        {
            var decoded = ImageDecoder.Decode(image.Bytes, uploads.Value.ImageLimits);
            metrics.Stage(RequestStage.Decode, Stopwatch.GetElapsedTime(started));
            return decoded;
        }
        catch (ImageRejectedException e)
        {
            return Rejected(ToError(e));
        }
    }

    /// <summary>Classifies an image already decoded (a face cut from a photo) through the micro-batcher.</summary>
    internal async Task<PredictionResult> ClassifyAsync(OnnxModel model, Mat bgr, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Pooled: the input is half of what a prediction would otherwise allocate. Returned only once
        // the batcher is done with it; a cancelled request's buffer may still be queued, so the GC takes it.
        var input = ArrayPool<float>.Shared.Rent(model.Preprocessing.InputLength);
        using (var resized = ImagePreprocessor.Resize(bgr, model.Preprocessing))
        {
            ImagePreprocessor.WriteInput(resized, model.Preprocessing, input);
        }

        metrics.Stage(RequestStage.Preprocess, Stopwatch.GetElapsedTime(started));
        var probabilities = await batcher.PredictAsync(model, input, cancellationToken);
        ArrayPool<float>.Shared.Return(input);
        return Describe(probabilities, model);
    }

    private async Task<ApiError?> ValidateAsync(ImageUpload image, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(image, cancellationToken);
        if (validation.IsValid)
        {
            return null;
        }

        var error = validation.Errors[0];
        return Rejected(error.ErrorCode == ErrorCodes.UnsupportedMediaType
            ? ApiError.UnsupportedMediaType(error.ErrorMessage)
            : ApiError.BadRequest(error.ErrorCode, "Invalid image", error.ErrorMessage));
    }

    internal ApiError Rejected(ApiError error)
    {
        metrics.Rejected(error.Code);
        return error;
    }

    internal void BatchRequest(int files) => metrics.BatchRequest(files);

    private static ApiError ToError(ImageRejectedException rejection) => rejection.Reason switch
    {
        ImageRejection.TooManyPixels => new(StatusCodes.Status413PayloadTooLarge, ErrorCodes.TooManyPixels, "Image too large", rejection.Message),
        ImageRejection.UnsupportedFormat => ApiError.BadRequest(ErrorCodes.UnsupportedFormat, "Not an image", rejection.Message),
        ImageRejection.Truncated => ApiError.BadRequest(ErrorCodes.Truncated, "Truncated image", rejection.Message),
        _ => ApiError.BadRequest(ErrorCodes.Undecodable, "Undecodable image", rejection.Message),
    };

    private PredictionResult Describe(float[] probabilities, OnnxModel model)
    {
        var best = Probabilities.ArgMax(probabilities);
        var classes = model.Classes;
        metrics.Predicted(classes[best]);
        var byClass = new Dictionary<string, float>(classes.Count); // per request: a plain loop, no LINQ closures
        for (var i = 0; i < classes.Count; i++)
        {
            byClass[classes[i]] = probabilities[i];
        }

        return new PredictionResult(classes[best], probabilities[best], byClass, model.Metadata.Version, Uncertainty.IsUncertain(probabilities[best], inference.Value.UncertainBelow));
    }
}
