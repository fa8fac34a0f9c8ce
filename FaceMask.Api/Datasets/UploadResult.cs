namespace FaceMask.Api.Datasets;

/// <summary>What an upload did: <c>{"added", "duplicates", "rejected": [{"file", "reason"}]}</c>.</summary>
public sealed record UploadResult(int Added, int Duplicates, IReadOnlyList<RejectedFile> Rejected);
