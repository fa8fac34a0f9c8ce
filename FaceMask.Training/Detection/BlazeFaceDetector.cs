using System.Buffers;
using FaceMask.Training.Imaging;
using FaceMask.Training.Onnx;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// MediaPipe BlazeFace (short-range "front" model, trained at 128x128) on ONNX Runtime: finds faces
/// and six keypoints each. The vendored ONNX file (<c>models/blazeface/</c>) has two heads, one per
/// anchor grid (stride 8 with 2 anchors per cell, stride 16 with 6: 896 anchors at 128 px); each
/// anchor gives a score logit and 16 numbers: the box centre offset and size, then six keypoint
/// offsets, in input pixels relative to the anchor's cell centre (MediaPipe's anchors all have
/// unit size, so no anchor scaling). Besides the model's own view of a photo letterboxed into
/// 128 px (<see cref="Detect"/>, the file as exported), a copy of the graph freed from its size at
/// load (<see cref="SizeFreeGraph"/>) sweeps a whole photo at any scale in one pass
/// (<see cref="DetectScaled"/>), as a sliding window would but sharing the computation.
/// Decoding and non-maximum suppression are written here, as in MediaPipe's calculators; pixels
/// go through the shared <see cref="ImagePreprocessor"/> (RGB, scaled to [-1, 1]).
/// </summary>
public sealed class BlazeFaceDetector : IDisposable
{
    public const string FrontModelFile = "face_detection_front_128x128_barracuda.onnx";

    /// <summary>Input sides must be multiples of the coarsest grid's stride.</summary>
    public const int Stride = 16;

    private static readonly (int Stride, int AnchorsPerCell)[] Grids = [(8, 2), (16, 6)];

    private readonly InferenceSession session; // the file as exported: the 128 px view, bit for bit what painting was trained with
    private readonly InferenceSession sweep;   // the same graph freed from its size (SizeFreeGraph)
    private readonly string inputName;
    private readonly string[] outputNames; // per grid: scores, then boxes

    public BlazeFaceDetector(string onnxPath, int intraOpThreads = 1)
    {
        if (!File.Exists(onnxPath))
        {
            throw new FileNotFoundException($"BlazeFace model '{onnxPath}' does not exist.", onnxPath);
        }

        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath));
        var input = model.Graph.Input.Single();
        inputName = input.Name;
        InputSize = (int)input.Type.TensorType.Shape.Dim[1].DimValue; // NHWC

        // Pair each grid with its score and box outputs by their sizes at the export size (anchors, anchors x 16).
        var sizes = model.Graph.Output.ToDictionary(o => o.Name, o => o.Type.TensorType.Shape.Dim.Aggregate(1L, (a, d) => a * d.DimValue));
        outputNames = Grids.SelectMany(g =>
        {
            var anchors = (long)(InputSize / g.Stride) * (InputSize / g.Stride) * g.AnchorsPerCell;
            return new[] { sizes.Single(s => s.Value == anchors).Key, sizes.Single(s => s.Value == anchors * 16).Key };
        }).ToArray();

        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, // the converted file carries unused initializers ORT warns about
        };
        session = new InferenceSession(model.ToByteArray(), options);
        options.EnableMemoryPattern = false; // a plan made for one shape; the sweep's shapes vary with every photo
        sweep = new InferenceSession(SizeFreeGraph.Free(model).ToByteArray(), options);
    }

    /// <summary>The side the network was trained at, in pixels.</summary>
    public int InputSize { get; }

    /// <summary>The vendored front model under a models folder (<c>models/blazeface/</c>).</summary>
    public static BlazeFaceDetector Front(string modelsDirectory, int intraOpThreads = 1) =>
        new(Path.Combine(modelsDirectory, "blazeface", FrontModelFile), intraOpThreads);

    /// <summary>
    /// Faces in a BGR image as the model was trained to see it: letterboxed (centred) into one
    /// <see cref="InputSize"/> square. Finds faces from about a seventh of the longer side up.
    /// Most confident first, in the image's pixels.
    /// </summary>
    /// <param name="minScore">Least confidence kept (MediaPipe uses 0.5 to 0.75).</param>
    /// <param name="overlap">Detections overlapping a kept one by more than this IoU are the same face.</param>
    public IReadOnlyList<FaceDetection> Detect(Mat bgr, float minScore = 0.5f, float overlap = 0.3f)
    {
        var side = Math.Max(bgr.Width, bgr.Height);
        var (left, top) = ((side - bgr.Width) / 2, (side - bgr.Height) / 2);
        using var square = new Mat();
        Cv2.CopyMakeBorder(bgr, square, top, side - bgr.Height - top, left, side - bgr.Width - left, BorderTypes.Constant, Scalar.Black);
        using var canvas = ImagePreprocessor.Resize(square, new Preprocessing(InputSize, InputSize));
        var toPixels = (float)side / InputSize;
        return Suppress(Run(session, canvas, minScore, new Point2f(toPixels, toPixels), new Point2f(-left, -top)), overlap);
    }

    /// <summary>
    /// Faces in one pass over the whole image scaled by <paramref name="scale"/> (padded with black
    /// to whole strides): finds faces whose side, scaled, lies between about
    /// <see cref="SmallestFace"/> and <see cref="LargestFace"/> pixels. Not suppressed: callers
    /// merge passes first. In the image's pixels.
    /// </summary>
    public List<FaceDetection> DetectScaled(Mat bgr, float scale, float minScore = 0.5f)
    {
        var size = new Size(Math.Max(1, (int)MathF.Round(bgr.Width * scale)), Math.Max(1, (int)MathF.Round(bgr.Height * scale)));
        using var canvas = new Mat(RoundUp(size.Height), RoundUp(size.Width), MatType.CV_8UC3, Scalar.Black);
        using (var target = new Mat(canvas, new Rect(0, 0, size.Width, size.Height)))
        {
            Cv2.Resize(bgr, target, size, 0, 0, scale < 1 ? InterpolationFlags.Area : InterpolationFlags.Linear);
        }

        return Run(sweep, canvas, minScore, new Point2f((float)bgr.Width / size.Width, (float)bgr.Height / size.Height), new Point2f(0, 0));
    }

    /// <summary>The smallest face side, in input pixels, the model finds reliably (measured: see docs/detection.md).</summary>
    public const float SmallestFace = 20;

    /// <summary>The largest face side, in input pixels, it finds reliably within a larger input (it was trained on 128 px views).</summary>
    public const float LargestFace = 90;

    public void Dispose()
    {
        session.Dispose();
        sweep.Dispose();
    }

    /// <summary>Runs the network on a canvas whose sides are whole strides; maps boxes to the image by <c>p * toPixels + offset</c>.</summary>
    private List<FaceDetection> Run(InferenceSession network, Mat canvas, float minScore, Point2f toPixels, Point2f offset)
    {
        var spec = new Preprocessing(canvas.Height, canvas.Width, ColorOrder.Rgb, 2f / 255f, -1f);
        var input = ArrayPool<float>.Shared.Rent(spec.InputLength);
        try
        {
            ImagePreprocessor.WriteInput(canvas, spec, input);
            using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, spec.InputLength), [1, canvas.Height, canvas.Width, 3]);
            using var runOptions = new RunOptions();
            using var outputs = network.Run(runOptions, [inputName], [tensor], outputNames);
            var candidates = new List<FaceDetection>();
            for (var g = 0; g < Grids.Length; g++)
            {
                Decode(Grids[g], canvas.Width / Grids[g].Stride, outputs[2 * g].GetTensorDataAsSpan<float>(), outputs[(2 * g) + 1].GetTensorDataAsSpan<float>(), minScore, toPixels, offset, candidates);
            }

            return candidates;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }

    private static int RoundUp(int pixels) => (pixels + Stride - 1) / Stride * Stride;

    private static void Decode((int Stride, int AnchorsPerCell) grid, int columns, ReadOnlySpan<float> scores, ReadOnlySpan<float> boxes, float minScore, Point2f toPixels, Point2f offset, List<FaceDetection> into)
    {
        var logitFloor = MathF.Log(minScore / (1 - minScore)); // sigmoid(x) >= minScore
        for (var anchor = 0; anchor < scores.Length; anchor++)
        {
            if (scores[anchor] < logitFloor)
            {
                continue;
            }

            var cell = anchor / grid.AnchorsPerCell;
            var centreX = ((cell % columns) + 0.5f) * grid.Stride;
            var centreY = ((cell / columns) + 0.5f) * grid.Stride;
            var values = boxes.Slice(anchor * 16, 16);
            Point2f ToImage(float x, float y) => new(((centreX + x) * toPixels.X) + offset.X, ((centreY + y) * toPixels.Y) + offset.Y);

            var middle = ToImage(values[0], values[1]);
            var (width, height) = (values[2] * toPixels.X, values[3] * toPixels.Y);
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
            var cluster = remaining.Where(c => FaceBoxes.IntersectionOverUnion(best.Box, c.Box) > overlap).ToList();
            remaining.RemoveAll(cluster.Contains);
            var total = cluster.Sum(c => c.Score);
            float Mean(Func<FaceDetection, float> value) => cluster.Sum(c => value(c) * c.Score) / total;
            var box = new Rect2f(Mean(c => c.Box.X), Mean(c => c.Box.Y), Mean(c => c.Box.Width), Mean(c => c.Box.Height));
            var keypoints = Enumerable.Range(0, 6).Select(k => new Point2f(Mean(c => c.Keypoints[k].X), Mean(c => c.Keypoints[k].Y))).ToArray();
            kept.Add(new FaceDetection(box, best.Score, keypoints));
        }

        return kept;
    }
}
