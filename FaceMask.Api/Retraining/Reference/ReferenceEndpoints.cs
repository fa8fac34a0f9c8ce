using FaceMask.Api.Datasets;
using FaceMask.Api.Errors;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Retraining.Reference;

/// <summary>
/// <c>GET /api/reference</c> and <c>POST /api/reference</c> (admin): the reference evaluation set
/// every promotion is judged on. Adding images is the only way it grows after its seed.
/// </summary>
public static class ReferenceEndpoints
{
    public static IEndpointRouteBuilder MapReferenceEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/reference").WithTags("Models");
        group.MapGet("/", Get).WithName("GetReferenceSet").WithSummary("Get the reference set")
            .WithDescription("The reference evaluation set: current version, per-class counts, history.");
        group.MapPost("/", AddAsync)
            .WithName("AddToReferenceSet")
            .WithSummary("Add to the reference set")
            .WithDescription("Add labelled images (repeated 'files' + 'label', or a 'dataset' zip) as a new reference set version. They and their near-duplicates never train a model. Admin.")
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
        var added = await references.AddAsync(read.Files, read.Rejected, host.Current?.Classes, read.NewClassSet, limits.Value.ImageLimits, cancellationToken);
        if (added.Version is null)
        {
            return ApiError.BadRequest(ErrorCodes.NothingAdded, "Nothing to add", "None of the files is a usable image of a known class: " +
                string.Join("; ", added.Rejected.Select(r => $"{r.File}: {r.Reason}"))).ToProblem();
        }

        return TypedResults.Ok(new ReferenceAdded(ReferenceVersionSummary.Of(added.Version), added.Added, added.AlreadyIn, added.Rejected));
    }
}
