namespace FaceMask.Api.Datasets;

/// <summary>What an upload did: <c>{"added", "duplicates", "rejected": [{"file", "reason"}], "lookalikes": [...]}</c>.</summary>
public sealed record UploadResult(int Added, int Duplicates, IReadOnlyList<RejectedFile> Rejected)
{
    /// <summary>Uploaded images that are the same picture as one already under another class: probably the wrong class.</summary>
    public IReadOnlyList<Lookalike> Lookalikes { get; init; } = [];
}
