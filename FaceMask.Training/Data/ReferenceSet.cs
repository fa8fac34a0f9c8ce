using System.Security.Cryptography;
using System.Text;
using FaceMask.Training.Common;

namespace FaceMask.Training.Data;

/// <summary>
/// A reference evaluation set: labelled images that no training run uses, kept to judge every
/// model on the same fixed ground. Images are content-addressed (<c>images/&lt;class&gt;/&lt;sha256&gt;.&lt;ext&gt;</c>);
/// versions are manifests (<c>versions/v0001.json</c>, ...) written atomically, each the previous
/// one plus what was added, so a figure quoted against <c>ref-v2</c> can always be reproduced.
/// </summary>
public sealed class ReferenceSet(string root)
{
    public const string ImagesFolder = "images";
    public const string VersionsFolder = "versions";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The folder of class folders holding every image any version uses (scan it to find near-duplicates).</summary>
    public string ImagesDirectory => Path.Combine(Root, ImagesFolder);

    public IReadOnlyList<ReferenceVersion> Versions()
    {
        var directory = Path.Combine(Root, VersionsFolder);
        return Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "v*.json").Order(StringComparer.Ordinal)
                .Select(f => Json.Deserialize<ReferenceVersion>(File.ReadAllText(f))).ToList()
            : [];
    }

    /// <summary>The newest version, or null when the set has never been seeded.</summary>
    public ReferenceVersion? Current() => Versions() is [.., var last] ? last : null;

    /// <summary>
    /// Adds images and writes a new version (the current one plus the new images); images already in
    /// the set are skipped. Returns the current version unchanged when nothing is new.
    /// </summary>
    public ReferenceVersion Add(IEnumerable<NewReferenceImage> images, string origin, DateTimeOffset created)
    {
        var current = Current();
        var all = (current?.Images ?? []).ToList();
        var known = all.Select(i => i.Sha256).ToHashSet(StringComparer.Ordinal);
        foreach (var image in images)
        {
            if (!known.Add(image.Sha256))
            {
                continue;
            }

            var relative = $"{ImagesFolder}/{image.Class}/{image.Sha256}{image.Extension}";
            var target = Path.Combine(Root, relative);
            if (!File.Exists(target))
            {
                if (image.Bytes is { } bytes)
                {
                    AtomicFile.WriteAllBytes(target, bytes);
                }
                else
                {
                    AtomicFile.Write(target, stream =>
                    {
                        using var source = File.OpenRead(image.SourcePath ?? throw new ArgumentException("A new reference image needs bytes or a source file."));
                        source.CopyTo(stream);
                    });
                }
            }

            all.Add(new ReferenceImage(image.Class, image.Sha256, relative));
        }

        if (current is not null && all.Count == current.Images.Count)
        {
            return current;
        }

        var ordered = all.OrderBy(i => i.Class, StringComparer.Ordinal).ThenBy(i => i.Sha256, StringComparer.Ordinal).ToList();
        var version = new ReferenceVersion(
            (current?.Version ?? 0) + 1,
            created,
            origin,
            Fingerprint(ordered),
            ordered.GroupBy(i => i.Class, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            ordered);
        var path = Path.Combine(Root, VersionsFolder, $"v{version.Version:D4}.json");
        if (File.Exists(path))
        {
            throw new IOException($"Reference set version {version.Name} was written by someone else at the same moment; try again.");
        }

        AtomicFile.WriteAllText(path, Json.Serialize(version));
        return version;
    }

    /// <summary>The files of a version with their class index in <paramref name="classes"/> (images of other classes left out).</summary>
    public IReadOnlyList<(string Path, int Label)> Files(ReferenceVersion version, IReadOnlyList<string> classes)
    {
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        return version.Images.Where(i => index.ContainsKey(i.Class))
            .Select(i => (Path.Combine(Root, i.File), index[i.Class]))
            .ToList();
    }

    /// <summary>Identity of a version's content: its classes and image hashes.</summary>
    public static string Fingerprint(IEnumerable<ReferenceImage> images)
    {
        var lines = images.Select(i => $"{i.Class}\t{i.Sha256}").Order(StringComparer.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));
    }
}
