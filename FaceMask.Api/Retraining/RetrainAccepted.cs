using FaceMask.Api.Datasets;
using FaceMask.Api.Registry;

namespace FaceMask.Api.Retraining;

/// <summary><c>202</c> answer to a retrain request.</summary>
public sealed record RetrainAccepted(Guid JobId, string StatusUrl, RetrainState State, bool AlreadyRunning, UploadResult? Upload, string? ReferenceSet);
