using FaceMask.Training.Models;

namespace FaceMask.Training.Learning;

/// <summary>What to train: where the split is, where the model goes, how.</summary>
public sealed record TrainingRequest
{
    public required string SplitDirectory { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>The version recorded in metadata.json; defaults to the output folder's name.</summary>
    public string? Version { get; init; }

    public string Architecture { get; init; } = Architectures.Default;

    public int InputSize { get; init; } = 64;

    public TrainingOptions Options { get; init; } = new();

    /// <summary>Start from this model's weights (same architecture) instead of from scratch; recorded as the parent.</summary>
    public ModelFolder? Parent { get; init; }

    public bool Overwrite { get; init; }

    /// <summary>
    /// The BlazeFace ONNX file that places painted masks and frames faces as serving will; without
    /// it (or when the file is absent) faces get the aligned-portrait geometry.
    /// </summary>
    public string? FaceDetectorPath { get; init; }
}
