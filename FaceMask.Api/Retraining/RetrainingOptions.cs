using System.ComponentModel.DataAnnotations;
using FaceMask.Training.Data;
using FaceMask.Training.Learning;

namespace FaceMask.Api.Retraining;

/// <summary><c>Retraining:*</c> (formerly <c>Training:*</c>, still read): how a retrain splits, trains and decides.</summary>
public sealed class RetrainingOptions : IValidatableObject
{
    public const string Section = "Retraining";

    /// <summary>The section's name before 2026-12; its keys still apply, under any set in <see cref="Section"/>.</summary>
    public const string LegacySection = "Training";

    /// <summary>Most epochs of a retrain (early stopping may end sooner).</summary>
    [Range(1, 1000)]
    public int Epochs { get; set; } = 15;

    [Range(1, 4096)]
    public int BatchSize { get; set; } = 64;

    /// <summary>Peak learning rate; fine-tuning starts from trained weights, so lower than from scratch.</summary>
    [Range(1e-6, 1)]
    public double LearningRate { get; set; } = 1e-3;

    [Range(1, 1000)]
    public int Patience { get; set; } = 6;

    /// <summary>Start from the active model's weights when its classes match the data (otherwise train from scratch).</summary>
    public bool FineTune { get; set; } = true;

    /// <summary>Architecture and input size when training from scratch: one of <see cref="Architectures.Names"/>, checked at start-up.</summary>
    [Required]
    public string Architecture { get; set; } = Architectures.Default;

    [Range(16, 512)]
    public int InputSize { get; set; } = 64;

    public int Seed { get; set; } = 42;

    /// <summary>Painted faces added to each epoch as a fraction of the training images, as <c>facemask train --paint-ratio</c> (0: none).</summary>
    [Range(0, 4)]
    public double PaintRatio { get; set; } = new TrainingOptions().PaintRatio;

    [Range(0, 0.9)]
    public double ValFraction { get; set; } = 0.15;

    [Range(0, 0.9)]
    public double TestFraction { get; set; } = 0.15;

    /// <summary>
    /// The share of the photos behind faces cut by <c>facemask cut-faces</c> (a folder with
    /// <c>faces.json</c> in the data) held out whole for validation, as <c>facemask split
    /// --validation-photos</c> in facemask-v3's recipe. No effect on data without such faces.
    /// </summary>
    [Range(0, 0.9)]
    public double ValidationPhotos { get; set; } = 0.3;

    /// <summary>
    /// A new model is promoted only when its macro-F1 on the reference set is above the active
    /// model's minus this margin. 0: better (a tie keeps the served model); a negative margin
    /// demands more than that much improvement.
    /// </summary>
    [Range(-1, 1)]
    public double PromotionMargin { get; set; }

    /// <summary>...and no class's recall on the reference set is lower than the active model's by more than this.</summary>
    [Range(0, 1)]
    public double MaxClassRecallDrop { get; set; } = 0.02;

    /// <summary>
    /// ...and its worst robustness row on the reference set (macro-F1 under the shift it handles
    /// worst: framing, exposure, blur, greyscale, JPEG, painted masks) is lower than the active
    /// model's worst by no more than this: a model good only on photos like the dataset's never replaces one that holds up elsewhere.
    /// </summary>
    [Range(0, 1)]
    public double MaxRobustnessDrop { get; set; } = 0.02;

    /// <summary>
    /// The gate judges only on a reference set with at least this many images of every class; on a
    /// smaller one every candidate stays a candidate (with 10 images, one face decides a tenth of a recall).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MinReferencePerClass { get; set; } = 30;

    /// <summary>A retrain is refused before anything is enqueued when a class has fewer distinct images than this.</summary>
    [Range(1, 1_000_000)]
    public int MinImagesPerClass { get; set; } = 50;

    /// <summary>The split every retrain (and the reference set's seed) uses.</summary>
    public SplitOptions ToSplitOptions() => new() { Seed = Seed, Fractions = new SplitFractions(ValFraction, TestFraction), ValidationPhotos = ValidationPhotos };

    public TrainingOptions ToTrainingOptions() => new()
    {
        Epochs = Epochs,
        BatchSize = BatchSize,
        LearningRate = LearningRate,
        Patience = Patience,
        Seed = Seed,
        PaintRatio = PaintRatio,
        WarmupEpochs = Math.Min(1, Epochs - 1),
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Architectures.Names.Contains(Architecture, StringComparer.Ordinal))
        {
            yield return new ValidationResult(
                $"Unknown architecture '{Architecture}'; expected one of: {string.Join(", ", Architectures.Names)}.", [nameof(Architecture)]);
        }
    }
}
