namespace FaceMask.Training.Learning;

/// <summary>Stages of a training run, for progress displays.</summary>
public enum TrainingStage
{
    Loading,
    LocatingFaces,
    Training,
    Evaluating,
    Saving,
}
