using FaceMask.Api.Errors;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Security;
using FaceMask.Training.Data;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FaceMask.Api.Datasets;

/// <summary><c>POST /api/datasets/new</c> (admin) and <c>GET /api/datasets</c>.</summary>
public static class DatasetEndpoints
{
    public static IEndpointRouteBuilder MapDatasetEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/datasets").WithTags("Datasets");
        group.MapGet("/", GetDatasets).WithName("GetDatasets").WithSummary("Count the training data")
            .WithDescription("Per-class counts of Dataset, DatasetNew and the current split.");
        group.MapPost("/new", UploadAsync)
            .WithName("UploadDataset")
            .WithSummary("Add labelled images")
            .WithDescription("Add labelled images: repeated 'files' with a 'label', or a 'dataset' zip of class folders. Admin.")
            .AcceptsLabelledImages();
        return app;
    }

    /// <summary>The conventions of every route that takes labelled images (<see cref="LabelledUploadReader"/>): admin only, form posts, their errors.</summary>
    internal static RouteHandlerBuilder AcceptsLabelledImages(this RouteHandlerBuilder route) => route
        .AcceptsMultipart(
            new MultipartField(LabelledUploadReader.FilesField, MultipartFieldKind.Files, "Images of one class (repeat the field)."),
            new MultipartField(LabelledUploadReader.LabelField, MultipartFieldKind.Text, "The class of the 'files'."),
            new MultipartField(LabelledUploadReader.ZipField, MultipartFieldKind.File, "A zip of class folders: <class>/<image>."),
            new MultipartField(LabelledUploadReader.NewClassesField, MultipartFieldKind.Text, "true to accept classes the served model does not know."))
        .DisableAntiforgery()
        .RequireAdmin()
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    internal static Ok<DatasetsResponse> GetDatasets(DatasetStore store, ServicePaths paths)
    {
        var classes = store.Classes();
        var split = Directory.Exists(Path.Combine(paths.DatasetSplit, SplitPart.Train.FolderName()))
            ? Enum.GetValues<SplitPart>().Select(p => p.FolderName()).ToDictionary(p => p, p => DatasetStore.Counts(Path.Combine(paths.DatasetSplit, p), classes))
            : null;
        return TypedResults.Ok(new DatasetsResponse(classes, DatasetStore.Counts(paths.Dataset, classes), DatasetStore.Counts(paths.DatasetNew, classes), split));
    }

    internal static async Task<Results<Ok<UploadResult>, ProblemHttpResult>> UploadAsync(
        HttpContext context, DatasetStore store, LabelledUploadReader uploads, ClassLookalikes lookalikes, CancellationToken cancellationToken)
    {
        var read = await uploads.ReadAsync(context, requireFiles: true, cancellationToken);
        if (read.Error is { } error)
        {
            return error.ToProblem();
        }

        var upload = read.Value!;
        var suspicious = await Task.Run(() => lookalikes.Find(upload.Files), cancellationToken); // before the upload changes what the check knows
        return TypedResults.Ok(await store.AddAsync(upload.Files, upload.Rejected, cancellationToken, upload.NewClassSet) with { Lookalikes = suspicious });
    }
}
