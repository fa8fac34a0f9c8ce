using FaceMask.Api.Errors;
using FluentValidation;

namespace FaceMask.Api.Inference;

/// <summary>Rules for an uploaded image that need no decoding: not empty, not a declared non-image. Error codes are the API's.</summary>
public sealed class ImageUploadValidator : AbstractValidator<ImageUpload>
{
    public ImageUploadValidator()
    {
        RuleFor(u => u.Bytes.Length).GreaterThan(0).WithErrorCode(ErrorCodes.EmptyFile).WithMessage("The file is empty.");
        RuleFor(u => u.ContentType)
            .Must(IsImageOrUnspecified)
            .WithErrorCode(ErrorCodes.UnsupportedMediaType)
            .WithMessage(u => $"Content type '{u.ContentType}' is not an image; send a JPEG, PNG, BMP or WebP file.");
    }

    private static bool IsImageOrUnspecified(string? contentType) =>
        string.IsNullOrEmpty(contentType)
        || contentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase)
        || contentType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase);
}
