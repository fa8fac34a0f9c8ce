using FaceMask.Training.Imaging;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// MediaPipe BlazeFace (short-range "front" model, 128x128) on ONNX Runtime: finds faces and six
/// keypoints each. The vendored ONNX file (<c>models/blazeface/</c>) has two heads, one per anchor
/// grid (16x16 cells with 2 anchors, 8x8 with 6: 896 anchors); each anchor gives a score logit and
/// 16 numbers: the box centre offset and size, then six keypoint offsets, in input pixels relative
/// to the anchor's cell centre (MediaPipe's anchors all have unit size, so no anchor scaling).
/// Decoding and non-maximum suppression are written here, as in MediaPipe's calculators.
/// The image is padded to a square (centred) so faces keep their proportions, and goes through
/// the shared <see cref="ImagePreprocessor"/> (RGB, scaled to [-1, 1]).
/// </summary>
public sealed class BlazeFaceDetector : IDisposable
{
    public const string FrontModelFile = "face_detection_front_128x128_barracuda.onnx";

    private static readonly (int Cells, int AnchorsPerCell)[] Grids = [(16, 2), (8, 6)];

    private readonly InferenceSession session;
    private readonly string inputName;
    private readonly Preprocessing preprocessing;
    private readonly (string Scores, string Boxes)[] heads;

    public BlazeFaceDetector(string onnxPath, int intraOpThreads = 1)
    {
        if (!File.Exists(onnxPath))
        {
            throw new FileNotFoundException($"BlazeFace model '{onnxPath}' does not exist.", onnxPath);
        }

        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, // the converted file carries unused initializers ORT warns about
        };
        session = new InferenceSession(onnxPath, options);
        var input = session.InputMetadata.Single();
        inputName = input.Key;
        var side = input.Value.Dimensions[1]; // NHWC
        InputSize = side;
        preprocessing = new Preprocessing(side, side, ColorOrder.Rgb, 2f / 255f, -1f);

        // Pair each grid with its score and box outputs by their sizes (anchors, anchors x 16).
        var sizes = session.OutputMetadata.ToDictionary(o => o.Key, o => o.Value.Dimensions.Where(d => d > 0).Aggregate(1, (a, d) => a * d));
        heads = Grids.Select(g =>
        {
            var anchors = g.Cells * g.Cells * g.AnchorsPerCell;
            var scores = sizes.Single(s => s.Value == anchors).Key;
            var boxes = sizes.Single(s => s.Value == anchors * 16).Key;
            return (scores, boxes);
        }).ToArray();
    }

    /// <summary>The network's input side in pixels.</summary>
    public int InputSize { get; }

    /// <summary>The vendored front model under a models folder (<c>models/blazeface/</c>).</summary>
    public static BlazeFaceDetector Front(string modelsDirectory, int intraOpThreads = 1) =>
        new(Path.Combine(modelsDirectory, "blazeface", FrontModelFile), intraOpThreads);

    /// <summary>Faces in a BGR image, most confident first, in the image's pixels.</summary>
    /// <param name="minScore">Least confidence kept (MediaPipe uses 0.5 to 0.75).</param>
    /// <param name="overlap">Detections overlapping a kept one by more than this IoU are the same face.</param>
    public IReadOnlyList<FaceDetection> Detect(Mat bgr, float minScore = 0.5f, float overlap = 0.3f)
    {
        var side = Math.Max(bgr.Width, bgr.Height);
        var (left, top) = ((side - bgr.Width) / 2, (side - bgr.Height) / 2);
        using var square = new Mat();
        Cv2.CopyMakeBorder(bgr, square, top, side - bgr.Height - top, left, side - bgr.Width - left, BorderTypes.Constant, Scalar.Black);
        using var resized = ImagePreprocessor.Resize(square, preprocessing);
        var input = new float[preprocessing.InputLength];
        ImagePreprocessor.WriteInput(resized, preprocessing, input);

        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, InputSize, InputSize, 3]);
        using var runOptions = new RunOptions();
        var names = heads.SelectMany(h => new[] { h.Scores, h.Boxes }).ToArray();
        using var outputs = session.Run(runOptions, [inputName], [tensor], names);

        var candidates = new List<FaceDetection>();
        for (var g = 0; g < Grids.Length; g++)
        {
            Decode(Grids[g], outputs[2 * g].GetTensorDataAsSpan<float>(), outputs[(2 * g) + 1].GetTensorDataAsSpan<float>(), minScore, side, left, top, candidates);
        }

        return Suppress(candidates, overlap);
    }

    public void Dispose() => session.Dispose();

    private void Decode((int Cells, int AnchorsPerCell) grid, ReadOnlySpan<float> scores, ReadOnlySpan<float> boxes, float minScore, int side, int left, int top, List<FaceDetection> into)
    {
        var logitFloor = MathF.Log(minScore / (1 - minScore)); // sigmoid(x) >= minScore
        var toPixels = (float)side / InputSize;
        for (var anchor = 0; anchor < scores.Length; anchor++)
        {
            if (scores[anchor] < logitFloor)
            {
                continue;
            }

            var cell = anchor / grid.AnchorsPerCell;
            var centreX = ((cell % grid.Cells) + 0.5f) * InputSize / grid.Cells;
            var centreY = ((cell / grid.Cells) + 0.5f) * InputSize / grid.Cells;
            var values = boxes.Slice(anchor * 16, 16);
            Point2f ToImage(float x, float y) => new(((centreX + x) * toPixels) - left, ((centreY + y) * toPixels) - top);

            var middle = ToImage(values[0], values[1]);
            var (width, height) = (values[2] * toPixels, values[3] * toPixels);
            var keypoints = new Point2f[6];
            for (var k = 0; k < 6; k++)
            {
                keypoints[k] = ToImage(values[4 + (2 * k)], values[5 + (2 * k)]);
            }

            var score = 1f / (1f + MathF.Exp(-Math.Clamp(scores[anchor], -80f, 80f)));
            into.Add(new FaceDetection(new Rect2f(middle.X - (width / 2), middle.Y - (height / 2), width, height), score, keypoints));
        }
    }

    /// <summary>
    /// MediaPipe's weighted non-maximum suppression: each kept face is the score-weighted mean of
    /// the detections that overlap its best one, which steadies boxes and keypoints.
    /// </summary>
    public static List<FaceDetection> Suppress(IEnumerable<FaceDetection> candidates, float overlap)
    {
        var remaining = candidates.OrderByDescending(c => c.Score).ToList();
        var kept = new List<FaceDetection>();
        while (remaining.Count > 0)
        {
            var best = remaining[0];
            var cluster = remaining.Where(c => IntersectionOverUnion(best.Box, c.Box) > overlap).ToList();
            remaining.RemoveAll(cluster.Contains);
            var total = cluster.Sum(c => c.Score);
            float Mean(Func<FaceDetection, float> value) => cluster.Sum(c => value(c) * c.Score) / total;
            var box = new Rect2f(Mean(c => c.Box.X), Mean(c => c.Box.Y), Mean(c => c.Box.Width), Mean(c => c.Box.Height));
            var keypoints = Enumerable.Range(0, 6).Select(k => new Point2f(Mean(c => c.Keypoints[k].X), Mean(c => c.Keypoints[k].Y))).ToArray();
            kept.Add(new FaceDetection(box, best.Score, keypoints));
        }

        return kept;
    }

    /// <summary>Overlap of two boxes: intersection over union, 0 to 1.</summary>
    public static float IntersectionOverUnion(Rect2f a, Rect2f b)
    {
        var width = Math.Min(a.Right, b.Right) - Math.Max(a.Left, b.Left);
        var height = Math.Min(a.Bottom, b.Bottom) - Math.Max(a.Top, b.Top);
        if (width <= 0 || height <= 0)
        {
            return 0;
        }

        var inner = width * height;
        return inner / ((a.Width * a.Height) + (b.Width * b.Height) - inner);
    }
}
