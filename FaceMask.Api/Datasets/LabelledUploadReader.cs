using FaceMask.Api.Errors;
using FaceMask.Api.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Datasets;

/// <summary>Reads labelled images from a request: the form fields every dataset-like route shares.</summary>
public sealed class LabelledUploadReader(FormReader forms, IOptions<DatasetUploadOptions> options)
{
    public const string FilesField = "files";
    public const string LabelField = "label";
    public const string ZipField = "dataset";

    /// <summary>Form field or query parameter by which an operator asks for a new class set: labels the served model does not know are then accepted.</summary>
    public const string NewClassesField = "new_classes";

    /// <summary>
    /// Reads an upload of labelled images: repeated <c>files</c> with a <c>label</c>, and/or a
    /// <c>dataset</c> zip. A zip that is unsafe is refused whole. Shared by the dataset, retrain and reference routes.
    /// </summary>
    public async Task<Outcome<LabelledUploadForm>> ReadAsync(HttpContext context, bool requireFiles, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var newClassSet = IsTrue(context.Request.Query[NewClassesField]);
        // Dataset uploads may be larger than a prediction; lift the body limit for this request only.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limits.MaxRequestBytes;
        }

        context.Features.Set<IFormFeature>(new FormFeature(context.Request, new FormOptions { MultipartBodyLengthLimit = limits.MaxRequestBytes }));
        if (!context.Request.HasFormContentType && !requireFiles && (context.Request.ContentLength ?? 0) == 0)
        {
            return new LabelledUploadForm([], [], newClassSet); // a retrain without new data
        }

        var read = await forms.ReadAsync(context.Request, FilesField, cancellationToken, limits.MaxRequestBytes);
        if (read.Error is { } unreadable)
        {
            return unreadable;
        }

        var form = read.Value!;
        newClassSet |= IsTrue(form[NewClassesField]);
        var files = new List<LabelledUpload>();
        var rejected = new List<RejectedFile>();
        var images = form.Files.GetFiles(FilesField);
        var label = form[LabelField].ToString();
        if (images.Count > 0 && string.IsNullOrWhiteSpace(label))
        {
            return ApiError.BadRequest(ErrorCodes.MissingLabel, "Missing label", $"Uploaded files need a '{LabelField}' field naming their class.");
        }

        foreach (var image in images)
        {
            using var buffer = new MemoryStream();
            await image.CopyToAsync(buffer, cancellationToken);
            files.Add(new LabelledUpload(image.FileName, label, buffer.ToArray()));
        }

        if (form.Files.GetFile(ZipField) is { } zip)
        {
            try
            {
                await using var stream = zip.OpenReadStream();
                var (zipped, zipRejected) = DatasetZip.Read(stream, limits);
                files.AddRange(zipped);
                rejected.AddRange(zipRejected);
            }
            catch (UnsafeZipException e)
            {
                return ApiError.BadRequest(ErrorCodes.UnsafeZip, "Zip refused", e.Message);
            }
        }

        if (requireFiles && files.Count == 0 && rejected.Count == 0)
        {
            return ApiError.BadRequest(ErrorCodes.MissingFile, "Nothing uploaded",
                $"Send images in the repeated field '{FilesField}' with a '{LabelField}', or a zip of class folders in '{ZipField}'.");
        }

        return new LabelledUploadForm(files, rejected, newClassSet);
    }

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) =>
        bool.TryParse(value.ToString(), out var flag) ? flag : value.ToString() == "1";
}
