namespace FaceMask.Api.Datasets;

/// <summary>A file that was not added, and why.</summary>
public sealed record RejectedFile(string File, string Reason);
