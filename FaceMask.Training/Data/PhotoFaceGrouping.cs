using FaceMask.Training.Imaging;

namespace FaceMask.Training.Data;

/// <summary>
/// The split's grouping when some data are faces cut from photos (<see cref="PhotoFaceManifest"/>):
/// near-duplicate groups as always, joined so that the faces of one photo share a group and a face
/// shares the group of whatever its annotated box is a near-duplicate of. A detector's framing is
/// wider than the public crops' boxes, so the face file alone almost never matches its crop (6 of
/// 1,058 faces of facemask-photos did; their annotated boxes matched 691). Without any manifest the
/// grouping is exactly <see cref="NearDuplicateGrouper.Group"/>'s, so existing splits keep their digest.
/// </summary>
public static class PhotoFaceGrouping
{
    public static int[] Group(IReadOnlyList<DatasetImage> images, NearDuplicateSettings settings) => Group(images, settings, null);

    /// <param name="progress">Told how far the grouping's passes are (<see cref="NearDuplicateGrouper.Group"/>).</param>
    public static int[] Group(IReadOnlyList<DatasetImage> images, NearDuplicateSettings settings, IProgress<GroupingProgress>? progress)
    {
        var manifests = images.Select(i => i.Source).Distinct(StringComparer.Ordinal)
            .Select(source => (source, Manifest: PhotoFaceManifest.Load(source)))
            .Where(m => m.Manifest is not null)
            .ToDictionary(m => m.source, m => m.Manifest!.Faces.ToDictionary(f => f.File, StringComparer.Ordinal), StringComparer.Ordinal);
        var fingerprints = images.Select(i => i.Fingerprint).ToList();
        if (manifests.Count == 0)
        {
            return NearDuplicateGrouper.Group(fingerprints, settings, progress);
        }

        // Each cut face brings its annotated box as one more fingerprint, tied to it.
        var ties = new List<(int Image, int Node)>();
        var photos = new Dictionary<string, int>(StringComparer.Ordinal);
        var photoTies = new List<(int Image, int Photo)>();
        for (var i = 0; i < images.Count; i++)
        {
            if (!manifests.TryGetValue(images[i].Source, out var faces) || !faces.TryGetValue(images[i].RelativePath, out var face))
            {
                continue;
            }

            var annotated = Path.Combine(images[i].Source, face.AnnotatedFile);
            using (var box = ImageDecoder.DecodeFile(annotated))
            {
                ties.Add((i, fingerprints.Count));
                fingerprints.Add(ImageFingerprint.Compute(box));
            }

            var photo = $"{images[i].Source}|{face.Photo}";
            photoTies.Add((i, photos.TryGetValue(photo, out var p) ? p : photos[photo] = photos.Count));
        }

        var groups = NearDuplicateGrouper.Group(fingerprints, settings, progress);
        // Nodes: the grouper's groups, then one per photo.
        var firstPhoto = groups.Max() + 1;
        var joined = new UnionFind(firstPhoto + photos.Count);
        foreach (var (image, node) in ties)
        {
            joined.Union(groups[image], groups[node]);
        }

        foreach (var (image, photo) in photoTies)
        {
            joined.Union(groups[image], firstPhoto + photo);
        }

        // Dense numbers in order of first appearance, as the grouper gives them.
        var numbers = new Dictionary<int, int>();
        return images.Select((_, i) => joined.Find(groups[i])).Select(root => numbers.TryGetValue(root, out var n) ? n : numbers[root] = numbers.Count).ToArray();
    }
}
