using System.Text.Json.Serialization;
using FaceMask.Training.Imaging;

namespace FaceMask.Training.Models;

/// <summary>The network input's preprocessing: <c>pixel * scale + offset</c> after resizing, channels in <c>color_order</c> (RGB, BGR, or GRAY: one channel).</summary>
public sealed record PreprocessingMetadata(string ColorOrder, float Scale, float Offset);

/// <summary>Headline test figures, repeated from metrics.json for quick listing.</summary>
public sealed record MetricsSummary(int Count, double Accuracy, double MacroF1);

/// <summary>How the model was trained.</summary>
public sealed record TrainingSummary(
    int Epochs,
    int BestEpoch,
    bool StoppedEarly,
    double Seconds,
    double ImagesPerSecond,
    int Seed,
    int TrainImages,
    int ValImages,
    int TestImages);

/// <summary>
/// How the model's confidence was calibrated (<see cref="Evaluation.Calibration"/>): the temperature
/// its logits are divided by, the images it was fitted on, and the expected calibration error
/// (15 bins) on them before and after.
/// </summary>
public sealed record CalibrationMetadata(double Temperature, string FittedOn, int Images, double ErrorBefore, double ErrorAfter);

/// <summary>
/// <c>metadata.json</c> of a model folder: what a server needs to use <c>model.h5</c> correctly
/// (classes in output order, input size as [height, width], preprocessing) and where it came from
/// (<c>split_digest</c>: the assignment digest of the split its figures were measured on).
/// </summary>
public sealed record ModelMetadata(
    string Version,
    IReadOnlyList<string> Classes,
    int[] InputSize,
    PreprocessingMetadata Preprocessing,
    string Architecture,
    long Parameters,
    double MegaFlops,
    MetricsSummary? Metrics,
    string? DatasetFingerprint,
    string? ParentVersion,
    DateTimeOffset Created,
    TrainingSummary? Training,
    string? SplitDigest = null,
    CalibrationMetadata? Calibration = null)
{
    public const string FileName = "metadata.json";

    /// <summary>The temperature every served probability is computed at: the calibrated one, or 1 (the network's own softmax) for a model never calibrated.</summary>
    [JsonIgnore]
    public double Temperature => Calibration?.Temperature ?? 1;

    public Preprocessing ToPreprocessing() => new(
        InputSize[0],
        InputSize[1],
        Preprocessing.ColorOrder.ToUpperInvariant() switch
        {
            "RGB" => ColorOrder.Rgb,
            "BGR" => ColorOrder.Bgr,
            "GRAY" => ColorOrder.Gray,
            var other => throw new InvalidDataException($"Unknown color_order '{other}' in {FileName} (RGB, BGR or GRAY)."),
        },
        Preprocessing.Scale,
        Preprocessing.Offset);

    public static PreprocessingMetadata Describe(Preprocessing preprocessing) =>
        new(preprocessing.ColorOrder.ToString().ToUpperInvariant(), preprocessing.Scale, preprocessing.Offset);
}
