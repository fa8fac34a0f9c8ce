using FaceMask.Training.Painting;

namespace FaceMask.Training.Learning;

/// <summary>Settings of one training run.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 40;

    public int BatchSize { get; init; } = 64;

    /// <summary>Peak learning rate of AdamW, reached after the warm-up and decayed along a cosine to 1% of it.</summary>
    public double LearningRate { get; init; } = 3e-3;

    public double WeightDecay { get; init; } = 1e-4;

    public int WarmupEpochs { get; init; } = 1;

    /// <summary>Stop after this many epochs without a better validation macro-F1; the best epoch's weights are kept.</summary>
    public int Patience { get; init; } = 40;

    public double LabelSmoothing { get; init; } = 0.05;

    /// <summary>Weight the loss by inverse class frequency, so a small class counts as much as a large one.</summary>
    public bool ClassWeighting { get; init; } = true;

    /// <summary>
    /// Decay of an exponential moving average of the weights that is validated and kept instead of
    /// the weights themselves (0: off). It smooths the validation curve, but did not improve test
    /// figures on the public dataset (docs/model-card.md), so it is off by default.
    /// </summary>
    public double AverageDecay { get; init; }

    public int Seed { get; init; } = 42;

    /// <summary>
    /// Painted faces added to every epoch, as a fraction of the training images: no-mask training
    /// faces with a mask painted over the nose, below it or on the chin, or a look-alike
    /// (<see cref="FacePainting"/>). 0 turns painting off; it is off anyway unless the classes are
    /// the three painting makes.
    /// </summary>
    public double PaintRatio { get; init; } = 0.4;

    public void Validate()
    {
        if (Epochs < 1 || BatchSize < 1 || LearningRate <= 0 || Patience < 1 || WarmupEpochs < 0 || LabelSmoothing is < 0 or >= 1 || AverageDecay is < 0 or >= 1 || PaintRatio is < 0 or > 4)
        {
            throw new ArgumentException("Epochs, batch size and patience must be at least 1, the learning rate positive, label smoothing and the average decay in [0, 1), the paint ratio in [0, 4].");
        }
    }
}
