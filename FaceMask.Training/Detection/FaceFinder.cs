using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// Finds faces of any size in a photo. BlazeFace finds faces between about
/// <see cref="BlazeFaceDetector.SmallestFace"/> and <see cref="BlazeFaceDetector.LargestFace"/>
/// pixels of its input, so the photo is swept whole at a pyramid of scales (the first puts the
/// smallest face asked for at the smallest size found; each next one is <see cref="LevelStep"/>
/// times smaller, so the levels' ranges overlap), then seen whole in the model's own 128 px view,
/// which finds the largest faces. The passes' detections are merged by weighted non-maximum
/// suppression. Nearly all the cost is the first level: it grows with the square of
/// 1 / <c>minFace</c>.
/// </summary>
public sealed class FaceFinder(BlazeFaceDetector detector)
{
    /// <summary>The ratio between pyramid levels: the model's size range (about 4.5x) with a margin.</summary>
    public const float LevelStep = 3f;

    /// <summary>
    /// A face counts as <c>minFace</c> wide when its box is at least this fraction of it: BlazeFace's
    /// box is tighter than annotators' (median 0.927 of the annotated width on composed scenes of the
    /// dataset's crops: <c>evaluate-detection</c>'s last row; docs/detection.md).
    /// </summary>
    public const float BoxTolerance = 0.8f;

    /// <summary>Faces at least <paramref name="minFace"/> pixels wide, most confident first, in the photo's pixels.</summary>
    public IReadOnlyList<FaceDetection> Find(Mat bgr, int minFace = 16, float minScore = 0.5f, float overlap = 0.3f)
    {
        var scales = Scales(bgr.Width, bgr.Height, minFace, detector.InputSize);
        var passes = new IReadOnlyList<FaceDetection>[scales.Count + 1];
        Parallel.For(0, passes.Length, i => passes[i] = i < scales.Count
            ? detector.DetectScaled(bgr, scales[i], minScore)
            : detector.Detect(bgr, minScore, overlap));
        var merged = BlazeFaceDetector.Suppress(passes.SelectMany(p => p), overlap);
        return DropNested(merged).Where(f => f.Box.Width >= minFace * BoxTolerance).ToList();
    }

    /// <summary>
    /// Passes at different scales can report one face at sizes too different for IoU to pair them
    /// (a 16 px box inside a 30 px one overlaps it by 0.28): a box lying mostly
    /// (<see cref="NestedOverlap"/>) inside or around a more confident one is that face.
    /// </summary>
    private static List<FaceDetection> DropNested(IEnumerable<FaceDetection> faces)
    {
        var kept = new List<FaceDetection>();
        foreach (var face in faces.OrderByDescending(f => f.Score))
        {
            if (!kept.Any(k => OverlapOfSmaller(face.Box, k.Box) >= NestedOverlap))
            {
                kept.Add(face);
            }
        }

        return kept;
    }

    /// <summary>The share of the smaller box two boxes have in common.</summary>
    private const float NestedOverlap = 0.6f;

    private static float OverlapOfSmaller(Rect2f a, Rect2f b)
    {
        var width = Math.Min(a.Right, b.Right) - Math.Max(a.Left, b.Left);
        var height = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Top, b.Top);
        return width <= 0 || height <= 0 ? 0 : width * height / Math.Min(a.Width * a.Height, b.Width * b.Height);
    }

    /// <summary>The <paramref name="maxFaces"/> largest faces, largest first, and whether more were found.</summary>
    public (IReadOnlyList<FaceDetection> Faces, bool Truncated) FindLargest(Mat bgr, int minFace, int maxFaces, float minScore = 0.5f)
    {
        var found = Find(bgr, minFace, minScore).OrderByDescending(f => f.Box.Width * f.Box.Height).ToList();
        return (found.Take(maxFaces).ToList(), found.Count > maxFaces);
    }

    /// <summary>
    /// The sweep's scales, largest first: from the one that shows a <paramref name="minFace"/> face at
    /// the smallest size the model finds, down by <see cref="LevelStep"/> while the level still
    /// reaches faces below the smallest the whole-photo view (the photo letterboxed into
    /// <paramref name="inputSize"/>) finds. Empty when that view alone finds <paramref name="minFace"/> faces.
    /// </summary>
    public static IReadOnlyList<float> Scales(int width, int height, int minFace, int inputSize)
    {
        var letterbox = (float)inputSize / Math.Max(width, height);
        var wholeViewSmallest = BlazeFaceDetector.SmallestFace / letterbox; // in photo pixels
        var scales = new List<float>();
        for (var scale = BlazeFaceDetector.SmallestFace / Math.Max(minFace, 1); minFace * Math.Pow(LevelStep, scales.Count) < wholeViewSmallest; scale /= LevelStep)
        {
            scales.Add(scale);
        }

        return scales;
    }
}
