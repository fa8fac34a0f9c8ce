using System.Security.Cryptography;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FaceMask.Training.Common;
using FaceMask.Training.Imaging;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Datasets;

/// <summary>What an upload did: <c>{"added", "duplicates", "rejected": [{"file", "reason"}]}</c>.</summary>
public sealed record UploadResult(int Added, int Duplicates, IReadOnlyList<RejectedFile> Rejected);
