using FaceMask.Training.Data;

namespace FaceMask.Api.Retraining.Reference;

/// <summary>One version of the reference set, without its image list.</summary>
public sealed record ReferenceVersionSummary(string Name, int Version, DateTimeOffset Created, string Origin, string Fingerprint, IReadOnlyDictionary<string, int> Counts, int Images)
{
    public static ReferenceVersionSummary Of(ReferenceVersion v) => new(v.Name, v.Version, v.Created, v.Origin, v.Fingerprint, v.Counts, v.Images.Count);
}
