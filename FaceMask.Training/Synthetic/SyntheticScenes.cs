using FaceMask.Training.Common;
using FaceMask.Training.Imaging;
using OpenCvSharp;

namespace FaceMask.Training.Synthetic;

/// <summary>Where a drawn face was put in a scene: its drawing's square, its state and its nose tip.</summary>
public sealed record SceneFace(Rect Square, MaskState State, Point2f NoseTip);

/// <summary>
/// Whole "photos" for detection without a real face in the repository: drawn faces pasted at known
/// places and sizes onto a plain or noisy background, masked and not.
/// </summary>
public static class SyntheticScenes
{
    /// <summary>Faces drawn at the given squares (top-left corner and side), onto one background.</summary>
    public static (Mat Scene, IReadOnlyList<SceneFace> Faces) Compose(int width, int height, IEnumerable<(int X, int Y, int Size, MaskState State)> placements, int seed = 100)
    {
        var scene = new Mat(height, width, MatType.CV_8UC3, new Scalar(110, 130, 120));
        var faces = new List<SceneFace>();
        var i = 0;
        foreach (var (x, y, size, state) in placements)
        {
            var (face, landmarks) = SyntheticFaces.DrawWithLandmarks(state, seed + i++, size);
            using (face)
            using (var target = new Mat(scene, new Rect(x, y, size, size)))
            {
                face.CopyTo(target);
            }

            faces.Add(new SceneFace(new Rect(x, y, size, size), state, new Point2f(x + landmarks.NoseTip.X, y + landmarks.NoseTip.Y)));
        }

        return (scene, faces);
    }

    /// <summary>A scene of <paramref name="count"/> faces of random states, 60 to 140 px drawings, not overlapping.</summary>
    public static (Mat Scene, IReadOnlyList<SceneFace> Faces) Random(int width, int height, int count, int seed)
    {
        var random = new Random(seed);
        var placed = new List<(int X, int Y, int Size, MaskState State)>();
        for (var attempt = 0; placed.Count < count && attempt < count * 50; attempt++)
        {
            var size = random.Next(60, Math.Max(61, Math.Min(141, Math.Min(width, height))));
            var candidate = new Rect(random.Next(0, width - size + 1), random.Next(0, height - size + 1), size, size);
            if (placed.All(p => !candidate.IntersectsWith(new Rect(p.X, p.Y, p.Size, p.Size))))
            {
                placed.Add((candidate.X, candidate.Y, size, (MaskState)random.Next(3)));
            }
        }

        return Compose(width, height, placed, seed);
    }

    /// <summary>Writes <paramref name="count"/> JPEG scenes of 2 to 5 faces into <paramref name="directory"/>; returns the paths.</summary>
    public static IReadOnlyList<string> Write(string directory, int count, int width, int height, int seed)
    {
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var sceneSeed = Seeds.Mix(seed, i, 0x5ce);
            var (scene, _) = Random(width, height, 2 + (sceneSeed % 4), sceneSeed);
            using (scene)
            {
                var path = Path.Combine(directory, $"scene-{seed}-{i:D5}.jpg");
                File.WriteAllBytes(path, SyntheticFaces.Encode(scene, ImageFormat.Jpeg));
                paths.Add(path);
            }
        }

        return paths;
    }
}
