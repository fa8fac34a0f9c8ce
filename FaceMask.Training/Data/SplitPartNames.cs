namespace FaceMask.Training.Data;

/// <summary>Folder names of split parts, as written to disk and into <c>split.json</c>.</summary>
public static class SplitPartNames
{
    public static string FolderName(this SplitPart part) => part.ToString().ToLowerInvariant();
}
