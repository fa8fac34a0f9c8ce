using System.Security.Cryptography;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FaceMask.Training.Common;
using FaceMask.Training.Imaging;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Datasets;

/// <summary>A file that was not added, and why.</summary>
public sealed record RejectedFile(string File, string Reason);
