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

/// <summary><c>POST /api/datasets/new</c> (admin) and <c>GET /api/datasets</c>.</summary>
public static class DatasetEndpoints
{
    public const string LabelField = "label";
    public const string ZipField = "dataset";

    public static IEndpointRouteBuilder MapDatasetEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/datasets").WithTags("Datasets");
        group.MapGet("/", GetDatasets).WithName("GetDatasets").WithSummary("Per-class counts of Dataset, DatasetNew and the current split.");
        group.MapPost("/new", UploadAsync)
            .WithName("UploadDataset")
            .WithSummary("Add labelled images: repeated 'files' with a 'label', or a 'dataset' zip of class folders. Admin.")
            .DisableAntiforgery()
            .RequireAdmin()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

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
        var (files, rejected, problem) = await ReadUploadAsync(context, upload, limits.Value, cancellationToken, requireFiles: true);
        return problem ?? (Results<Ok<UploadResult>, ProblemHttpResult>)TypedResults.Ok(await store.AddAsync(files, rejected, cancellationToken));
    }

    /// <summary>
    /// Reads an upload of labelled images: repeated <c>files</c> with a <c>label</c>, and/or a
    /// <c>dataset</c> zip. A zip that is unsafe is refused whole. Shared with <c>POST /api/retrain</c>.
    /// </summary>
    internal static async Task<(IReadOnlyList<LabelledUpload> Files, IReadOnlyList<RejectedFile> Rejected, ProblemHttpResult? Problem)> ReadUploadAsync(
        HttpContext context, ImageUpload upload, DatasetUploadOptions limits, CancellationToken cancellationToken, bool requireFiles)
    {
        // Dataset uploads may be larger than a prediction; lift the body limit for this request only.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limits.MaxRequestBytes;
        }

        context.Features.Set<IFormFeature>(new FormFeature(context.Request, new FormOptions { MultipartBodyLengthLimit = limits.MaxRequestBytes }));
        if (!context.Request.HasFormContentType && !requireFiles && (context.Request.ContentLength ?? 0) == 0)
        {
            return ([], [], null); // a retrain without new data
        }

        var (form, problem) = await upload.ReadFormAsync(context.Request, "files", cancellationToken);
        if (problem is not null)
        {
            return ([], [], problem);
        }

        var files = new List<LabelledUpload>();
        var rejected = new List<RejectedFile>();
        var images = form!.Files.GetFiles("files");
        var label = form[LabelField].ToString();
        if (images.Count > 0 && string.IsNullOrWhiteSpace(label))
        {
            return ([], [], upload.Problem(StatusCodes.Status400BadRequest, "Missing label", $"Uploaded files need a '{LabelField}' field naming their class.", "missing_label"));
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
                return ([], [], upload.Problem(StatusCodes.Status400BadRequest, "Zip refused", e.Message, "unsafe_zip"));
            }
        }

        if (requireFiles && files.Count == 0 && rejected.Count == 0)
        {
            return ([], [], upload.Problem(StatusCodes.Status400BadRequest, "Nothing uploaded",
                $"Send images in the repeated field 'files' with a '{LabelField}', or a zip of class folders in '{ZipField}'.", "missing_file"));
        }

        return (files, rejected, null);
    }
}
