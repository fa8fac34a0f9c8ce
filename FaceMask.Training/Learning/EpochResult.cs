namespace FaceMask.Training.Learning;

/// <summary>What one epoch achieved.</summary>
public sealed record EpochResult(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double ValLoss,
    double ValAccuracy,
    double ValMacroF1,
    double LearningRate,
    double Seconds,
    double ImagesPerSecond);
