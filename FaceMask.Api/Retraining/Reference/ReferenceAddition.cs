using FaceMask.Api.Datasets;
using FaceMask.Training.Data;

namespace FaceMask.Api.Retraining.Reference;

/// <summary>What an operator's addition to the reference set did: the version now current (null if none exists), and each file's fate.</summary>
public sealed record ReferenceAddition(ReferenceVersion? Version, int Added, int AlreadyIn, IReadOnlyList<RejectedFile> Rejected);
