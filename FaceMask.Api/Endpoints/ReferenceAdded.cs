using FaceMask.Api.Datasets;
using FaceMask.Api.Errors;
using FaceMask.Api.Inference;
using FaceMask.Api.Registry;
using FaceMask.Training.Data;
using FaceMask.Training.Imaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Endpoints;

/// <summary><c>POST /api/reference</c>: the version written and what happened to each file.</summary>
public sealed record ReferenceAdded(ReferenceVersionSummary Version, int Added, int AlreadyIn, IReadOnlyList<RejectedFile> Rejected);
