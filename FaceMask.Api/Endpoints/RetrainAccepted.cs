using System.Globalization;
using FaceMask.Api.Datasets;
using FaceMask.Api.Errors;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Jobs;
using FaceMask.Api.Registry;
using FaceMask.Api.Security;
using FaceMask.Training.Common;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Endpoints;

/// <summary><c>202</c> answer to a retrain request.</summary>
public sealed record RetrainAccepted(Guid JobId, string StatusUrl, RetrainState State, bool AlreadyRunning, UploadResult? Upload, string? ReferenceSet);
