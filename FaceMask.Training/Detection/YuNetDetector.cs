using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>
/// YuNet (libfacedetection.train, Apache-2.0; trained on WIDER FACE) on ONNX Runtime: faces and five
/// landmarks in one pass over the whole photo. The photo is resized so its longer side is
/// <see cref="WorkingSide"/> pixels (up for small uploads, down for large ones: the cost is bounded by
/// that setting, not by the upload) and padded to whole strides. The network's three heads (strides
/// 8, 16 and 32, one anchor-free prediction per cell) give a class and an objectness score, a box
/// (centre offset and log size, in strides) and the landmarks (offsets, in strides), decoded here as
/// OpenCV's <c>FaceDetectorYN</c> does; input is BGR pixel values 0-255, channels first.
/// </summary>
public sealed class YuNetDetector : IFaceFinder, IDisposable
{
    public const string NanoModelFile = "yunet_n_dynamic.onnx";
    public const string SmallModelFile = "yunet_s_dynamic.onnx";

    /// <summary>Where the vendored files come from (models/yunet/README.md).</summary>
    public const string Release = "libfacedetection.train 02246e7";

    private static readonly int[] Strides = [8, 16, 32];

    /// <summary>The landmarks, in the network's order ("right" is the person's right: the image's left for a frontal face).</summary>
    public static readonly IReadOnlyList<string> LandmarkNames = ["right_eye", "left_eye", "nose_tip", "mouth_right", "mouth_left"];

    private readonly InferenceSession session;
    private readonly string inputName;
    private readonly string[] outputNames;

    /// <param name="workingSide">The longer side the photo is resized to for the pass.</param>
    /// <param name="minScore">Least confidence kept when the caller does not say (calibrated on annotated photos: docs/detection.md).</param>
    /// <param name="overlap">Detections overlapping a more confident one by more than this IoU are the same face.</param>
    public YuNetDetector(string onnxPath, int workingSide = 640, float minScore = 0.6f, float overlap = 0.3f, int intraOpThreads = 1)
    {
        if (!File.Exists(onnxPath))
        {
            throw new FileNotFoundException($"YuNet model '{onnxPath}' does not exist.", onnxPath);
        }

        if (workingSide is < 64 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(workingSide), workingSide, "The working side must be between 64 and 4096 pixels.");
        }

        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            EnableMemoryPattern = false, // every photo's shape differs
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        session = new InferenceSession(onnxPath, options);
        inputName = session.InputMetadata.Keys.Single();
        outputNames = Heads.Names.SelectMany(head => Strides.Select(stride => $"{head}_{stride}")).ToArray();
        WorkingSide = workingSide;
        MinScore = minScore;
        Overlap = overlap;
        Description = Path.GetFileName(onnxPath) switch
        {
            NanoModelFile => $"yunet-n ({Release}), {workingSide} px",
            SmallModelFile => $"yunet-s ({Release}), {workingSide} px",
            var other => $"{other}, {workingSide} px",
        };
    }

    public int WorkingSide { get; }

    public float MinScore { get; }

    public float Overlap { get; }

    public string Description { get; }

    /// <summary>Measured on annotated photos (docs/detection.md): the crop that classifies best.</summary>
    public float CropWidening => 1.25f;

    /// <summary>YuNet's box is about an annotator's (median 1.05 of the annotated width on real photos), so a face as small as asked for still counts.</summary>
    public const float BoxTolerance = 0.8f;

    public IReadOnlyList<FaceDetection> Find(Mat bgr, int minFace = 16, float? minScore = null)
    {
        var scale = (float)WorkingSide / Math.Max(bgr.Width, bgr.Height);
        var size = new Size(Math.Max(1, (int)MathF.Round(bgr.Width * scale)), Math.Max(1, (int)MathF.Round(bgr.Height * scale)));
        using var resized = new Mat();
        Cv2.Resize(bgr, resized, size, 0, 0, scale < 1 ? InterpolationFlags.Area : InterpolationFlags.Linear);
        var candidates = Run(resized, minScore ?? MinScore, 1 / scale);
        return FaceBoxes.Merge(FaceBoxes.Suppress(candidates, Overlap))
            .Where(f => f.Box.Width >= minFace * BoxTolerance)
            .Select(f => f with { Box = AsAnnotated(f.Box), DetectorBox = f.Box })
            .ToList();
    }

    /// <summary>
    /// YuNet's box (WIDER FACE's: brow to chin) moved to how annotators of face-mask photos box a face
    /// (less forehead, the mask below the chin included): the centre 0.13 of the box's height lower,
    /// 1.05 times as wide, 0.92 times as tall, the medians over the faces matched in the tuning half of
    /// facemask-photos (docs/detection.md, where the held-out half's figures are).
    /// </summary>
    public static Rect2f AsAnnotated(Rect2f box)
    {
        var (width, height) = (box.Width * 1.05f, box.Height * 0.92f);
        var (centreX, centreY) = (box.X + (box.Width / 2), box.Y + (box.Height * (0.5f + 0.13f)));
        return new Rect2f(centreX - (width / 2), centreY - (height / 2), width, height);
    }

    public void Dispose() => session.Dispose();

    private List<FaceDetection> Run(Mat image, float minScore, float toPhoto)
    {
        var (width, height) = (RoundUp(image.Width), RoundUp(image.Height));
        var length = 3 * width * height;
        var input = ArrayPool<float>.Shared.Rent(length);
        try
        {
            WritePlanes(image, input.AsSpan(0, length), width, height);
            using var tensor = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, length), [1, 3, height, width]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [inputName], [tensor], outputNames);
            var candidates = new List<FaceDetection>();
            for (var s = 0; s < Strides.Length; s++)
            {
                var heads = new Heads(
                    outputs[s].GetTensorDataAsSpan<float>(),
                    outputs[Strides.Length + s].GetTensorDataAsSpan<float>(),
                    outputs[(2 * Strides.Length) + s].GetTensorDataAsSpan<float>(),
                    outputs[(3 * Strides.Length) + s].GetTensorDataAsSpan<float>());
                Decode(heads, Strides[s], width / Strides[s], minScore, toPhoto, candidates);
            }

            return candidates;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }

    /// <summary>The image's BGR bytes as three float planes of the padded size, zeros beyond the image.</summary>
    private static void WritePlanes(Mat image, Span<float> planes, int width, int height)
    {
        planes.Clear();
        var plane = width * height;
        var (imageWidth, imageHeight, step) = (image.Width, image.Height, (int)image.Step());
        var pixels = image.AsSpan<byte>();
        for (var y = 0; y < imageHeight; y++)
        {
            var row = pixels.Slice(y * step, imageWidth * 3);
            var offset = y * width;
            for (var x = 0; x < imageWidth; x++)
            {
                planes[offset + x] = row[3 * x];
                planes[plane + offset + x] = row[(3 * x) + 1];
                planes[(2 * plane) + offset + x] = row[(3 * x) + 2];
            }
        }
    }

    /// <summary>One stride's outputs: class and objectness scores per cell, boxes (4 per cell), landmarks (10 per cell).</summary>
    private readonly ref struct Heads(ReadOnlySpan<float> classes, ReadOnlySpan<float> objects, ReadOnlySpan<float> boxes, ReadOnlySpan<float> landmarks)
    {
        /// <summary>The output names' prefixes, in the order of the fields below; each is suffixed with its stride.</summary>
        public static readonly string[] Names = ["cls", "obj", "bbox", "kps"];

        public readonly ReadOnlySpan<float> Classes = classes;
        public readonly ReadOnlySpan<float> Objects = objects;
        public readonly ReadOnlySpan<float> Boxes = boxes;
        public readonly ReadOnlySpan<float> Landmarks = landmarks;
    }

    private static void Decode(Heads heads, int stride, int columns, float minScore, float toPhoto, List<FaceDetection> into)
    {
        for (var cell = 0; cell < heads.Classes.Length; cell++)
        {
            var score = MathF.Sqrt(Math.Clamp(heads.Classes[cell], 0, 1) * Math.Clamp(heads.Objects[cell], 0, 1));
            if (score < minScore)
            {
                continue;
            }

            var (column, row) = (cell % columns, cell / columns);
            var box = heads.Boxes.Slice(cell * 4, 4);
            var centreX = (column + box[0]) * stride;
            var centreY = (row + box[1]) * stride;
            var boxWidth = MathF.Exp(box[2]) * stride;
            var boxHeight = MathF.Exp(box[3]) * stride;
            var landmarks = new Point2f[5];
            for (var k = 0; k < landmarks.Length; k++)
            {
                landmarks[k] = new Point2f((column + heads.Landmarks[(cell * 10) + (2 * k)]) * stride * toPhoto, (row + heads.Landmarks[(cell * 10) + (2 * k) + 1]) * stride * toPhoto);
            }

            var photoBox = new Rect2f((centreX - (boxWidth / 2)) * toPhoto, (centreY - (boxHeight / 2)) * toPhoto, boxWidth * toPhoto, boxHeight * toPhoto);
            into.Add(new FaceDetection(photoBox, score, landmarks, LandmarkNames));
        }
    }

    private static int RoundUp(int pixels) => (pixels + Strides[^1] - 1) / Strides[^1] * Strides[^1];
}
