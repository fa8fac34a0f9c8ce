namespace FaceMask.Training.Data;

/// <summary>One version of a reference set: the full list of its images (a version only ever adds to the one before).</summary>
public sealed record ReferenceVersion(
    int Version,
    DateTimeOffset Created,
    string Origin,
    string Fingerprint,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<ReferenceImage> Images)
{
    public string Name => $"ref-v{Version}";
}
