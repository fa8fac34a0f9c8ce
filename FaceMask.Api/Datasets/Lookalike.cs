namespace FaceMask.Api.Datasets;

/// <summary>An uploaded image that is the same picture as one already filed under another class: <c>{"file", "label", "like_class", "like"}</c>.</summary>
/// <param name="Like">The image it matches, as a path inside Dataset/ or DatasetNew/.</param>
public sealed record Lookalike(string File, string Label, string LikeClass, string Like);
