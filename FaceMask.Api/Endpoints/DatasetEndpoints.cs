using FaceMask.Api.Datasets;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Endpoints;

/// <summary>Per-class counts of the primary data, the uploads waiting for a retrain, and the current split.</summary>
public sealed record DatasetsResponse(
    IReadOnlyList<string> Classes,
    IReadOnlyDictionary<string, int> Dataset,
    IReadOnlyDictionary<string, int> DatasetNew,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? Split);

/// <summary>An upload of labelled images as read from the form: the files, those refused outright, and whether a new class set was asked for.</summary>
public sealed record LabelledUploadForm(IReadOnlyList<LabelledUpload> Files, IReadOnlyList<RejectedFile> Rejected, bool NewClassSet)
{
    public static LabelledUploadForm Empty { get; } = new([], [], false);
}

/// <summary><c>POST /api/datasets/new</c> (admin) and <c>GET /api/datasets</c>.</summary>
public static class DatasetEndpoints
{
    public const string LabelField = "label";
    public const string ZipField = "dataset";

    /// <summary>Form field or query parameter by which an operator asks for a new class set: labels the served model does not know are then accepted.</summary>
    public const string NewClassesField = "new_classes";

    public static IEndpointRouteBuilder MapDatasetEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/datasets").WithTags("Datasets");
        group.MapGet("/", GetDatasets).WithName("GetDatasets").WithSummary("Per-class counts of Dataset, DatasetNew and the current split.");
        group.MapPost("/new", UploadAsync)
            .WithName("UploadDataset")
            .WithSummary("Add labelled images: repeated 'files' with a 'label', or a 'dataset' zip of class folders. Admin.")
            .AcceptsLabelledImages();
        return app;
    }

    /// <summary>The conventions of every route that takes labelled images (<see cref="ReadUploadAsync"/>): admin only, form posts, their errors.</summary>
    internal static RouteHandlerBuilder AcceptsLabelledImages(this RouteHandlerBuilder route) => route
        .DisableAntiforgery()
        .RequireAdmin()
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    internal static Ok<DatasetsResponse> GetDatasets(DatasetStore store, ResolvedPaths paths)
    {
        var classes = store.Classes();
        var split = Directory.Exists(Path.Combine(paths.DatasetSplit, "train"))
            ? new[] { "train", "val", "test" }.ToDictionary(p => p, p => DatasetStore.Counts(Path.Combine(paths.DatasetSplit, p), classes))
            : null;
        return TypedResults.Ok(new DatasetsResponse(classes, DatasetStore.Counts(paths.Dataset, classes), DatasetStore.Counts(paths.DatasetNew, classes), split));
    }

    internal static async Task<Results<Ok<UploadResult>, ProblemHttpResult>> UploadAsync(
        HttpContext context, DatasetStore store, ImageUpload upload, IOptions<DatasetUploadOptions> limits, CancellationToken cancellationToken)
    {
        var (read, problem) = await ReadUploadAsync(context, upload, limits.Value, cancellationToken, requireFiles: true);
        return problem ?? (Results<Ok<UploadResult>, ProblemHttpResult>)TypedResults.Ok(await store.AddAsync(read.Files, read.Rejected, cancellationToken, read.NewClassSet));
    }

    /// <summary>
    /// Reads an upload of labelled images: repeated <c>files</c> with a <c>label</c>, and/or a
    /// <c>dataset</c> zip. A zip that is unsafe is refused whole. Shared with <c>POST /api/retrain</c>.
    /// </summary>
    internal static async Task<(LabelledUploadForm Upload, ProblemHttpResult? Problem)> ReadUploadAsync(
        HttpContext context, ImageUpload upload, DatasetUploadOptions limits, CancellationToken cancellationToken, bool requireFiles)
    {
        var newClassSet = IsTrue(context.Request.Query[NewClassesField]);
        // Dataset uploads may be larger than a prediction; lift the body limit for this request only.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limits.MaxRequestBytes;
        }

        context.Features.Set<IFormFeature>(new FormFeature(context.Request, new FormOptions { MultipartBodyLengthLimit = limits.MaxRequestBytes }));
        if (!context.Request.HasFormContentType && !requireFiles && (context.Request.ContentLength ?? 0) == 0)
        {
            return (new([], [], newClassSet), null); // a retrain without new data
        }

        var (form, problem) = await upload.ReadFormAsync(context.Request, "files", cancellationToken, limits.MaxRequestBytes);
        if (problem is not null)
        {
            return (LabelledUploadForm.Empty, problem);
        }

        newClassSet |= IsTrue(form![NewClassesField]);
        var files = new List<LabelledUpload>();
        var rejected = new List<RejectedFile>();
        var images = form!.Files.GetFiles("files");
        var label = form[LabelField].ToString();
        if (images.Count > 0 && string.IsNullOrWhiteSpace(label))
        {
            return (LabelledUploadForm.Empty, upload.Problem(StatusCodes.Status400BadRequest, "Missing label", $"Uploaded files need a '{LabelField}' field naming their class.", "missing_label"));
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
                return (LabelledUploadForm.Empty, upload.Problem(StatusCodes.Status400BadRequest, "Zip refused", e.Message, "unsafe_zip"));
            }
        }

        if (requireFiles && files.Count == 0 && rejected.Count == 0)
        {
            return (LabelledUploadForm.Empty, upload.Problem(StatusCodes.Status400BadRequest, "Nothing uploaded",
                $"Send images in the repeated field 'files' with a '{LabelField}', or a zip of class folders in '{ZipField}'.", "missing_file"));
        }

        return (new LabelledUploadForm(files, rejected, newClassSet), null);
    }

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) =>
        bool.TryParse(value.ToString(), out var flag) ? flag : value.ToString() == "1";
}
