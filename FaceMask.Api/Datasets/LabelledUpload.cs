namespace FaceMask.Api.Datasets;

/// <summary>One image to add, with its class.</summary>
public sealed record LabelledUpload(string FileName, string Label, byte[] Bytes);
