using System.Security.Cryptography;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FaceMask.Training.Common;
using FaceMask.Training.Imaging;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Datasets;

/// <summary>One image to add, with its class.</summary>
public sealed record LabelledUpload(string FileName, string Label, byte[] Bytes);
