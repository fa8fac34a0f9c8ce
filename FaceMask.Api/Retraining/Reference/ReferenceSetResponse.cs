namespace FaceMask.Api.Retraining.Reference;

/// <summary><c>GET /api/reference</c>: the current version and the history.</summary>
public sealed record ReferenceSetResponse(ReferenceVersionSummary? Current, IReadOnlyList<ReferenceVersionSummary> Versions);
