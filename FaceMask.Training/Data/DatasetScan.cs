using FaceMask.Training.Imaging;

namespace FaceMask.Training.Data;

/// <summary>One readable image of a class-per-folder dataset.</summary>
/// <param name="Source">The dataset root it was found under, as given.</param>
/// <param name="RelativePath">Path below <paramref name="Source"/>, with '/' separators: <c>class/file.jpg</c>.</param>
public sealed record DatasetImage(
    string Source,
    string RelativePath,
    string Class,
    string Sha256,
    ImageHeader Header,
    ImageFingerprint Fingerprint)
{
    public string FullPath => Path.Combine(Source, RelativePath);
}

/// <summary>A file in a class folder that is not a usable image, and why.</summary>
public sealed record UnreadableFile(string Path, string Reason);

/// <summary>The result of scanning one or more class-per-folder datasets.</summary>
/// <param name="Classes">Class names: the union of the sub-folder names, sorted ordinally.</param>
/// <param name="Images">Readable images in a stable order: by class, then source, then path.</param>
public sealed record DatasetScan(
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> Classes,
    IReadOnlyList<DatasetImage> Images,
    IReadOnlyList<UnreadableFile> Unreadable)
{
    /// <summary>Sets of byte-identical files (two or more each).</summary>
    public IReadOnlyList<IReadOnlyList<DatasetImage>> ExactDuplicates() =>
        Images.GroupBy(i => i.Sha256, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => (IReadOnlyList<DatasetImage>)g.ToList())
            .ToList();

    /// <summary>The index into <see cref="Classes"/> of every image's class, in image order.</summary>
    public int[] ClassIndices()
    {
        var index = Classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        return Images.Select(image => index[image.Class]).ToArray();
    }
}
