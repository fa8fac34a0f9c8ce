using FaceMask.Api.Inference;
using FaceMask.Training.Imaging;
using FaceMask.Training.Onnx;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Endpoints;

/// <summary>One uploaded file as the prediction endpoints see it.</summary>
public sealed record UploadedImage(string FileName, string? ContentType, long Length);

/// <summary>Rules for an uploaded image that need no decoding: present, not empty, not a declared non-image.</summary>
public sealed class UploadedImageValidator : AbstractValidator<UploadedImage>
{
    public UploadedImageValidator()
    {
        RuleFor(u => u.Length).GreaterThan(0).WithMessage("The file is empty.");
        RuleFor(u => u.ContentType)
            .Must(IsImageOrUnspecified)
            .WithErrorCode(StatusCodes.Status415UnsupportedMediaType.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithMessage(u => $"Content type '{u.ContentType}' is not an image; send a JPEG, PNG, BMP or WebP file.");
    }

    private static bool IsImageOrUnspecified(string? contentType) =>
        string.IsNullOrEmpty(contentType)
        || contentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
        || contentType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Reading, validating and preprocessing uploads, and the ProblemDetails for what goes wrong.</summary>
public sealed class ImageUpload(IOptions<UploadOptions> options, IValidator<UploadedImage> validator, ServiceMetrics metrics)
{
    public UploadOptions Options { get; } = options.Value;

    /// <summary>Reads the multipart form, turning malformed or oversized bodies into ProblemDetails.</summary>
    /// <param name="maxBytes">The body limit in force for this request, for the message (default: the prediction limit).</param>
    public async Task<(IFormCollection? Form, ProblemHttpResult? Problem)> ReadFormAsync(HttpRequest request, string field, CancellationToken cancellationToken, long? maxBytes = null)
    {
        if (!request.HasFormContentType)
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the image as multipart/form-data in the field '{field}'.", "unsupported_media_type"));
        }

        try
        {
            return (await request.ReadFormAsync(cancellationToken), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxBytes));
        }
        catch (InvalidDataException e) when (e.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TooLarge(maxBytes));
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "Malformed upload", $"The multipart body could not be read: {e.Message}", "malformed_body"));
        }
    }

    /// <summary>Validates and preprocesses one file into a rented buffer of the model's input length.</summary>
    public async Task<(float[]? Input, ProblemHttpResult? Problem)> PreprocessAsync(IFormFile file, OnnxModel model, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(new UploadedImage(file.FileName, file.ContentType, file.Length), cancellationToken);
        if (!validation.IsValid)
        {
            var error = validation.Errors[0];
            var unsupported = error.ErrorCode == "415";
            return (null, Problem(unsupported ? StatusCodes.Status415UnsupportedMediaType : StatusCodes.Status400BadRequest,
                unsupported ? "Unsupported media type" : "Invalid image", error.ErrorMessage, unsupported ? "unsupported_media_type" : "empty_file"));
        }

        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        }

        var input = new float[model.Preprocessing.InputLength];
        try
        {
            ImagePreprocessor.Preprocess(bytes, model.Preprocessing, input, Options.ImageLimits);
            return (input, null);
        }
        catch (ImageRejectedException e)
        {
            return (null, Rejected(e));
        }
    }

    public ProblemHttpResult Rejected(ImageRejectedException rejection)
    {
        var (status, title, code) = rejection.Reason switch
        {
            ImageRejection.TooManyPixels => (StatusCodes.Status413PayloadTooLarge, "Image too large", "too_many_pixels"),
            ImageRejection.UnsupportedFormat => (StatusCodes.Status400BadRequest, "Not an image", "unsupported_format"),
            ImageRejection.Truncated => (StatusCodes.Status400BadRequest, "Truncated image", "truncated"),
            _ => (StatusCodes.Status400BadRequest, "Undecodable image", "undecodable"),
        };
        return Problem(status, title, rejection.Message, code);
    }

    public ProblemHttpResult TooLarge(long? maxBytes = null) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Upload too large", $"The request body is over the limit of {(maxBytes ?? Options.MaxRequestBytes) / (1024.0 * 1024):0.#} MB.", "body_too_large");

    public ProblemHttpResult Problem(int status, string title, string detail, string code)
    {
        metrics.Rejected(code);
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });
    }
}
