using FaceMask.Training.Data;
using FaceMask.Training.Imaging;
using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// Which annotated faces of photos a training set has seen: a face counts as seen when its annotated
/// box, cut out, falls in one near-duplicate group with a training crop (the split's grouping: hash,
/// thumbnail correlation, aligned patches). The public dataset's crops were cut from such photos, so a
/// classifier's accuracy on them measures memory as much as generalisation; reports keep them apart.
/// </summary>
public static class SeenFaces
{
    public static IReadOnlyList<VocAnnotation> Mark(IReadOnlyList<VocAnnotation> photos, string trainingImages, IProgress<string>? progress = null)
    {
        progress?.Report("Fingerprinting the training crops");
        var training = DatasetScanner.Scan([trainingImages]).Images.Select(i => i.Fingerprint).ToList();
        progress?.Report("Fingerprinting the annotated faces");
        var faces = new List<(int Photo, int Face, ImageFingerprint Fingerprint)>();
        for (var p = 0; p < photos.Count; p++)
        {
            using var photo = ImageDecoder.DecodeFile(photos[p].ImagePath);
            for (var f = 0; f < photos[p].Faces.Count; f++)
            {
                var rect = FaceCrop.Exact(photos[p].Faces[f].Box, photo.Width, photo.Height);
                if (rect.Width >= 4 && rect.Height >= 4)
                {
                    using var crop = new Mat(photo, rect);
                    faces.Add((p, f, ImageFingerprint.Compute(crop)));
                }
            }
        }

        progress?.Report("Grouping near-duplicates");
        var groups = NearDuplicateGrouper.Group([.. training, .. faces.Select(f => f.Fingerprint)]);
        var trainingGroups = groups.Take(training.Count).ToHashSet();
        var seen = faces.Select((f, i) => (f.Photo, f.Face, Seen: trainingGroups.Contains(groups[training.Count + i]))).ToLookup(f => f.Photo);
        return photos.Select((photo, p) =>
        {
            var marks = seen[p].ToDictionary(f => f.Face, f => f.Seen);
            return photo with { Faces = photo.Faces.Select((face, f) => face with { Seen = marks.GetValueOrDefault(f) }).ToList() };
        }).ToList();
    }
}
