using FaceMask.Api.Datasets;

namespace FaceMask.Api.Retraining.Reference;

/// <summary><c>POST /api/reference</c>: the version written and what happened to each file.</summary>
public sealed record ReferenceAdded(ReferenceVersionSummary Version, int Added, int AlreadyIn, IReadOnlyList<RejectedFile> Rejected);
