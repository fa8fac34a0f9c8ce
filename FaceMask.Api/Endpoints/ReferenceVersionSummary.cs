using FaceMask.Api.Datasets;
using FaceMask.Api.Errors;
using FaceMask.Api.Inference;
using FaceMask.Api.Registry;
using FaceMask.Training.Data;
using FaceMask.Training.Imaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Endpoints;

/// <summary>One version of the reference set, without its image list.</summary>
public sealed record ReferenceVersionSummary(string Name, int Version, DateTimeOffset Created, string Origin, string Fingerprint, IReadOnlyDictionary<string, int> Counts, int Images)
{
    public static ReferenceVersionSummary Of(ReferenceVersion v) => new(v.Name, v.Version, v.Created, v.Origin, v.Fingerprint, v.Counts, v.Images.Count);
}
