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
public sealed class FaceFinder(BlazeFaceDetector detector, bool ownsDetector = false) : IFaceFinder
{
    /// <summary>Disposes the detector when this finder opened it (<see cref="FaceFinders.Open"/>); a shared one is its owner's.</summary>
    public void Dispose()
    {
        if (ownsDetector)
        {
            detector.Dispose();
        }
    }

    /// <summary>The ratio between pyramid levels: the model's size range (about 4.5x) with a margin.</summary>
    public const float LevelStep = 3f;

    /// <summary>
    /// A face counts as <c>minFace</c> wide when its box is at least this fraction of it: BlazeFace's
    /// box is tighter than annotators' (median 0.927 of the annotated width on composed scenes of the
    /// dataset's crops: <c>evaluate-detection</c>'s last row; docs/detection.md).
    /// </summary>
    public const float BoxTolerance = 0.8f;

    /// <summary>BlazeFace's least confidence kept when the caller does not say (MediaPipe uses 0.5 to 0.75).</summary>
    public const float DefaultMinScore = 0.5f;

    private const float Overlap = 0.3f;

    public string Description => "blazeface front, pyramid sweep";

    public float CropWidening => FaceCrop.BlazeFaceWidening;

    /// <summary>Faces at least <paramref name="minFace"/> pixels wide, most confident first, in the photo's pixels.</summary>
    public IReadOnlyList<FaceDetection> Find(Mat bgr, int minFace = 16, float? minScore = null)
    {
        var (score, overlap) = (minScore ?? DefaultMinScore, Overlap);
        var scales = Scales(bgr.Width, bgr.Height, minFace, detector.InputSize);
        var passes = new IReadOnlyList<FaceDetection>[scales.Count + 1];
        Parallel.For(0, passes.Length, i => passes[i] = i < scales.Count
            ? detector.DetectScaled(bgr, scales[i], score)
            : detector.Detect(bgr, score, overlap));
        var merged = BlazeFaceDetector.Suppress(passes.SelectMany(p => p), overlap);
        return FaceBoxes.Merge(merged).Where(f => f.Box.Width >= minFace * BoxTolerance).ToList();
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
