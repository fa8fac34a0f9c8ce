namespace FaceMask.Training.Detection;

/// <summary>The detectors the project ships, opened by name from a models folder.</summary>
public static class FaceFinders
{
    /// <summary>YuNet-n (<c>models/yunet/</c>): the default, chosen by measurement on real photos (docs/detection.md).</summary>
    public const string YuNet = "yunet";

    /// <summary>MediaPipe BlazeFace front swept as a pyramid (<c>models/blazeface/</c>): the former detector, kept for painting and comparison.</summary>
    public const string BlazeFace = "blazeface";

    public static IReadOnlyList<string> Names { get; } = [YuNet, BlazeFace];

    /// <summary>
    /// <paramref name="detector"/> by name, or a YuNet ONNX file by path (another variant, such as
    /// <c>yunet_s_dynamic.onnx</c>). <paramref name="workingSide"/> and <paramref name="minScore"/> apply to YuNet.
    /// </summary>
    public static IFaceFinder Open(string modelsDirectory, string detector = YuNet, int workingSide = 640, float? minScore = null) => detector switch
    {
        YuNet => OpenYuNet(Path.Combine(modelsDirectory, "yunet", YuNetDetector.NanoModelFile), workingSide, minScore),
        BlazeFace => new FaceFinder(BlazeFaceDetector.Front(modelsDirectory), ownsDetector: true),
        _ when detector.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) => OpenYuNet(detector, workingSide, minScore),
        _ => throw new ArgumentException($"Unknown detector '{detector}': use {string.Join(" or ", Names)}, or a YuNet .onnx file."),
    };

    /// <summary>A detector by its ONNX file: BlazeFace's front model by its name, any other file as YuNet.</summary>
    public static IFaceFinder OpenFile(string path, int workingSide = 640, float? minScore = null) =>
        string.Equals(Path.GetFileName(path), BlazeFaceDetector.FrontModelFile, StringComparison.Ordinal)
            ? new FaceFinder(new BlazeFaceDetector(path), ownsDetector: true)
            : OpenYuNet(path, workingSide, minScore);

    private static YuNetDetector OpenYuNet(string path, int workingSide, float? minScore) =>
        minScore is { } score ? new YuNetDetector(path, workingSide, score) : new YuNetDetector(path, workingSide);
}
