using FaceMask.Training.Keras;

namespace FaceMask.Training.Learning;

/// <summary>The outcome: the best epoch's model, the whole history, and the run's cost.</summary>
public sealed record TrainingResult(KerasModel Model, IReadOnlyList<EpochResult> History, int BestEpoch, TimeSpan Elapsed, double ImagesPerSecond, bool StoppedEarly);
