namespace FaceMask.Api.Datasets;

/// <summary>An upload of labelled images as read from the form: the files, those refused outright, and whether a new class set was asked for.</summary>
public sealed record LabelledUploadForm(IReadOnlyList<LabelledUpload> Files, IReadOnlyList<RejectedFile> Rejected, bool NewClassSet);
