using FaceMask.Training.Evaluation;
using FaceMask.Training.Models;

namespace FaceMask.Training.Learning;

/// <summary>The figures of a finished run.</summary>
public sealed record TrainingOutcome(ModelFolder Model, TrainingResult Training, ClassificationReport Test, TimeSpan WallTime, long ModelFileBytes);
