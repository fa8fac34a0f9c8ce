namespace FaceMask.Training.Learning;

/// <summary>Progress during training, reported every few steps and at the end of each epoch.</summary>
public sealed record TrainingProgress(int Epoch, int Epochs, int Step, int Steps, double Loss, double ImagesPerSecond, EpochResult? Completed);
