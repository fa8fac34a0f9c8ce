using FaceMask.Api.Datasets;
using FaceMask.Api.Errors;
using FaceMask.Api.Inference;
using FaceMask.Api.Registry;
using FaceMask.Training.Data;
using FaceMask.Training.Imaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Endpoints;

/// <summary><c>GET /api/reference</c>: the current version and the history.</summary>
public sealed record ReferenceSetResponse(ReferenceVersionSummary? Current, IReadOnlyList<ReferenceVersionSummary> Versions);
