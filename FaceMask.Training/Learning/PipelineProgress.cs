namespace FaceMask.Training.Learning;

/// <summary>Progress of a whole run: the stage, and during training the trainer's progress.</summary>
public sealed record PipelineProgress(TrainingStage Stage, string Message, TrainingProgress? Training = null);
