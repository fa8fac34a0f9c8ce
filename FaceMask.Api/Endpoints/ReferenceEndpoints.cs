using FaceMask.Api.Datasets;
using FaceMask.Api.Errors;
using FaceMask.Api.Inference;
using FaceMask.Api.Registry;
using FaceMask.Training.Data;
using FaceMask.Training.Imaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Endpoints;

/// <summary>
/// <c>GET /api/reference</c> and <c>POST /api/reference</c> (admin): the reference evaluation set
/// every promotion is judged on. Adding images is the only way it grows after its seed.
/// </summary>
public static class ReferenceEndpoints
{
    public static IEndpointRouteBuilder MapReferenceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reference").WithTags("Model registry");
        group.MapGet("/", Get).WithName("GetReferenceSet").WithSummary("The reference evaluation set: current version, per-class counts, history.");
        group.MapPost("/", AddAsync)
            .WithName("AddToReferenceSet")
            .WithSummary("Add labelled images (repeated 'files' + 'label', or a 'dataset' zip) as a new reference set version. They and their near-duplicates never train a model. Admin.")
            .AcceptsLabelledImages();
        return app;
    }

    internal static Ok<ReferenceSetResponse> Get(ReferenceSets references)
    {
        var versions = references.Set.Versions().Select(ReferenceVersionSummary.Of).ToList();
        return TypedResults.Ok(new ReferenceSetResponse(versions.LastOrDefault(), versions));
    }

    internal static async Task<Results<Ok<ReferenceAdded>, ProblemHttpResult>> AddAsync(
        HttpContext context, ReferenceSets references, ModelHost host, LabelledUploadReader uploads, IOptions<UploadOptions> limits, CancellationToken cancellationToken)
    {
        var upload = await uploads.ReadAsync(context, requireFiles: true, cancellationToken);
        if (upload.Error is { } unreadable)
        {
            return unreadable.ToProblem();
        }

        var read = upload.Value!;
        var classes = host.Current?.Classes;
        var rejected = read.Rejected.ToList();
        var accepted = new List<(LabelledUpload File, DatasetImage Image)>();
        foreach (var file in read.Files)
        {
            if (classes is not null && !read.NewClassSet && !classes.Contains(file.Label, StringComparer.Ordinal))
            {
                rejected.Add(new RejectedFile(file.FileName, $"Unknown label '{file.Label}': the served model's classes are {string.Join(", ", classes)}."));
                continue;
            }

            if (!DatasetStore.IsClassName(file.Label))
            {
                rejected.Add(new RejectedFile(file.FileName, $"'{file.Label}' cannot name a class."));
                continue;
            }

            try
            {
                accepted.Add((file, DatasetScanner.Read(references.Set.ImagesDirectory, file.Label, file.Label, file.Bytes, limits.Value.ImageLimits)));
            }
            catch (ImageRejectedException e)
            {
                rejected.Add(new RejectedFile(file.FileName, e.Message));
            }
        }

        var before = references.Current();
        var known = before?.Images.Select(i => i.Sha256).ToHashSet(StringComparer.Ordinal) ?? [];
        var fresh = accepted.Where(a => !known.Contains(a.Image.Sha256)).DistinctBy(a => a.Image.Sha256).ToList();
        if (fresh.Count == 0)
        {
            return before is null
                ? ApiError.BadRequest("nothing_added", "Nothing to add", "None of the files is a usable image of a known class: " +
                    string.Join("; ", rejected.Select(r => $"{r.File}: {r.Reason}"))).ToProblem()
                : TypedResults.Ok(new ReferenceAdded(ReferenceVersionSummary.Of(before), 0, accepted.Count, rejected));
        }

        var version = await references.AddAsync(fresh, cancellationToken);
        return TypedResults.Ok(new ReferenceAdded(ReferenceVersionSummary.Of(version), fresh.Count, accepted.Count - fresh.Count, rejected));
    }
}
