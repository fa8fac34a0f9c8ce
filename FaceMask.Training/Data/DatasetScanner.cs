using System.Security.Cryptography;
using FaceMask.Training.Imaging;

namespace FaceMask.Training.Data;

/// <summary>
/// Reads class-per-folder datasets (<c>root/&lt;class&gt;/&lt;file&gt;</c>): every file is hashed
/// (sha256 and perceptual), its header checked and its pixels decoded, in parallel. Files that
/// fail are reported with the reason, never silently dropped.
/// </summary>
public static class DatasetScanner
{
    /// <summary>Scans the given roots; <paramref name="progress"/> receives the number of files done so far.</summary>
    /// <exception cref="DirectoryNotFoundException">A root does not exist.</exception>
    public static DatasetScan Scan(
        IReadOnlyList<string> roots,
        ImageLimits? limits = null,
        IProgress<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var candidates = Candidates(roots).ToList();

        // A stable order makes every later step (grouping, split assignment) reproducible.
        candidates.Sort((a, b) =>
        {
            var byClass = string.CompareOrdinal(a.Class, b.Class);
            if (byClass != 0)
            {
                return byClass;
            }

            var bySource = a.SourceIndex.CompareTo(b.SourceIndex);
            return bySource != 0 ? bySource : string.CompareOrdinal(a.RelativePath, b.RelativePath);
        });

        var results = new object[candidates.Count];
        var done = 0;
        Parallel.For(0, candidates.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var (sourceIndex, className, relativePath) = candidates[i];
            results[i] = Read(roots[sourceIndex], className, relativePath, limits);
            var count = Interlocked.Increment(ref done);
            if (count % 64 == 0 || count == candidates.Count)
            {
                progress?.Report(count);
            }
        });

        // Every class folder names a class, even an empty one.
        var classes = roots.SelectMany(root => Directory.EnumerateDirectories(root).Where(IsVisible))
            .Select(directory => Path.GetFileName(directory))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

        return new DatasetScan(
            roots.ToList(),
            classes,
            results.OfType<DatasetImage>().ToList(),
            results.OfType<UnreadableFile>().ToList());
    }

    /// <summary>
    /// Reads one image that is not on disk yet (an upload being checked), exactly as a scan would
    /// read it from <c>source/relativePath</c>.
    /// </summary>
    /// <exception cref="ImageRejectedException">The bytes are not a usable image.</exception>
    public static DatasetImage Read(string source, string className, string relativePath, byte[] bytes, ImageLimits? limits = null)
    {
        using var image = ImageDecoder.Decode(bytes, out var header, limits);
        return new DatasetImage(source, relativePath, className, Convert.ToHexStringLower(SHA256.HashData(bytes)), header, ImageFingerprint.Compute(image));
    }

    private static object Read(string source, string className, string relativePath, ImageLimits? limits)
    {
        var path = Path.Combine(source, relativePath);
        try
        {
            return Read(source, className, relativePath, File.ReadAllBytes(path), limits);
        }
        catch (Exception e) when (e is ImageRejectedException or IOException or UnauthorizedAccessException)
        {
            return new UnreadableFile(path, e.Message);
        }
    }

    /// <summary>How many files a scan of <paramref name="roots"/> reads (a directory listing, no decoding).</summary>
    public static int CountFiles(IReadOnlyList<string> roots) => Candidates(roots).Count();

    private static IEnumerable<(int SourceIndex, string Class, string RelativePath)> Candidates(IReadOnlyList<string> roots)
    {
        for (var sourceIndex = 0; sourceIndex < roots.Count; sourceIndex++)
        {
            var root = roots[sourceIndex];
            if (!Directory.Exists(root))
            {
                throw new DirectoryNotFoundException($"Dataset folder '{root}' does not exist.");
            }

            foreach (var classDirectory in Directory.EnumerateDirectories(root).Where(IsVisible))
            {
                var className = Path.GetFileName(classDirectory);
                foreach (var file in Directory.EnumerateFiles(classDirectory).Where(IsVisible))
                {
                    yield return (sourceIndex, className, $"{className}/{Path.GetFileName(file)}");
                }
            }
        }
    }

    private static bool IsVisible(string path) => !Path.GetFileName(path).StartsWith('.');
}
