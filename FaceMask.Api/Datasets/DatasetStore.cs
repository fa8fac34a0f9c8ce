using System.Security.Cryptography;
using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FaceMask.Training.Common;
using FaceMask.Training.Imaging;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Datasets;

/// <summary>
/// Adds labelled images to <c>DatasetNew/&lt;class&gt;/</c>: each is validated with the shared image
/// code (decodable, within the pixel limit), named by its sha256 (content-addressed), skipped when
/// the same bytes are already in <c>Dataset/</c> or <c>DatasetNew/</c>, and written atomically.
/// A rejected file changes nothing.
/// </summary>
public sealed class DatasetStore(ServicePaths paths, ModelHost host, IOptions<UploadOptions> uploads, ILogger<DatasetStore> logger) : IDisposable
{
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly Dictionary<string, (long Length, DateTime Modified, string Sha256)> hashCache = new(StringComparer.Ordinal);

    /// <summary>Raised after an upload added images, so work that depends on the data (grouping it ahead of a retrain) can start.</summary>
    public event Action? Changed;

    /// <summary>Classes uploads may use: the served model's, else the class folders of Dataset/.</summary>
    public IReadOnlyList<string> Classes()
    {
        if (host.Current is { } model)
        {
            return model.Classes;
        }

        return Directory.Exists(paths.Dataset)
            ? Directory.EnumerateDirectories(paths.Dataset).Select(Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>The content-addressed name of an image file: <c>&lt;sha256&gt;.&lt;ext&gt;</c>.</summary>
    public static string FileName(string sha256, ImageFormat format) => sha256 + format.FileExtension();

    /// <param name="newClassSet">The operator asked for a new class set: labels the served model does not know are accepted (they must be valid folder names).</param>
    public async Task<UploadResult> AddAsync(IReadOnlyList<LabelledUpload> files, IReadOnlyList<RejectedFile> alreadyRejected, CancellationToken cancellationToken, bool newClassSet = false)
    {
        var classes = Classes();
        var rejected = alreadyRejected.ToList();
        var accepted = new List<(LabelledUpload File, string Sha256, ImageFormat Format)>();
        foreach (var file in files)
        {
            if (ClassLabels.Refusal(file.Label, classes, newClassSet) is { } refusal)
            {
                rejected.Add(new RejectedFile(file.FileName, refusal));
                continue;
            }

            try
            {
                using var decoded = ImageDecoder.Decode(file.Bytes, out var header, uploads.Value.ImageLimits);
                accepted.Add((file, Convert.ToHexStringLower(SHA256.HashData(file.Bytes)), header.Format));
            }
            catch (ImageRejectedException e)
            {
                rejected.Add(new RejectedFile(file.FileName, e.Message));
            }
        }

        int added = 0, duplicates = 0;
        await writeLock.WaitAsync(cancellationToken);
        try
        {
            var known = KnownHashes();
            foreach (var (file, sha256, format) in accepted)
            {
                if (!known.Add(sha256))
                {
                    duplicates++;
                    continue;
                }

                var target = Path.Combine(paths.DatasetNew, file.Label, FileName(sha256, format));
                AtomicFile.WriteAllBytes(target, file.Bytes);
                added++;
            }
        }
        finally
        {
            writeLock.Release();
        }

        logger.LogInformation("Dataset upload: {Added} added, {Duplicates} duplicates, {Rejected} rejected", added, duplicates, rejected.Count);
        if (added > 0)
        {
            Changed?.Invoke();
        }

        return new UploadResult(added, duplicates, rejected);
    }

    /// <summary>Per-class image counts of a class-per-folder directory (empty when it does not exist).</summary>
    public static IReadOnlyDictionary<string, int> Counts(string directory, IReadOnlyList<string> classes) =>
        classes.ToDictionary(c => c, c => Directory.Exists(Path.Combine(directory, c))
            ? Directory.EnumerateFiles(Path.Combine(directory, c)).Count(f => !Path.GetFileName(f).StartsWith('.'))
            : 0);

    /// <summary>sha256 of every image in Dataset/ and DatasetNew/, re-hashing only files that changed since last time.</summary>
    private HashSet<string> KnownHashes()
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in new[] { paths.Dataset, paths.DatasetNew }.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateDirectories(root).SelectMany(Directory.EnumerateFiles))
            {
                var info = new FileInfo(file);
                if (info.Name.StartsWith('.'))
                {
                    continue;
                }

                if (!hashCache.TryGetValue(file, out var cached) || cached.Length != info.Length || cached.Modified != info.LastWriteTimeUtc)
                {
                    using var stream = info.OpenRead();
                    cached = (info.Length, info.LastWriteTimeUtc, Convert.ToHexStringLower(SHA256.HashData(stream)));
                    hashCache[file] = cached;
                }

                known.Add(cached.Sha256);
            }
        }

        return known;
    }

    public void Dispose() => writeLock.Dispose();
}
