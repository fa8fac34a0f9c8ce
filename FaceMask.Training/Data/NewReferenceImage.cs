namespace FaceMask.Training.Data;

/// <summary>An image to add to a reference set: bytes (an upload) or a file to copy (a seed from a split).</summary>
public sealed record NewReferenceImage(string Class, string Sha256, string Extension, byte[]? Bytes = null, string? SourcePath = null);
