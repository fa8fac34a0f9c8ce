using System.Diagnostics;
using FaceMask.Api.Registry;
using FaceMask.Training.Learning;

namespace FaceMask.Api.Retraining;

/// <summary>Writes training progress to the registry at most every half second (and at every epoch's end).</summary>
public sealed class TrainingProgressReporter(StageRunner runner, RunningStage stage, ILogger logger) : IProgress<PipelineProgress>
{
    private long lastWrite;
    private EpochResult? lastEpoch;

    public void Report(PipelineProgress value)
    {
        var now = Stopwatch.GetTimestamp();
        if (value.Training?.Completed is null && Stopwatch.GetElapsedTime(lastWrite, now) < TimeSpan.FromMilliseconds(500))
        {
            return;
        }

        lastWrite = now;
        var training = value.Training;
        var epoch = lastEpoch = training?.Completed ?? lastEpoch;
        var progress = new RetrainProgress(RetrainStage.Train, value.Message, training?.Epoch, training?.Epochs, training?.Step, training?.Steps,
            training?.Loss, training?.ImagesPerSecond, epoch?.ValAccuracy, epoch?.ValMacroF1);
        // Runs on a thread-pool callback (Progress<T>): it must not throw. A retrain that has
        // ended cancels the stage's token, which the trainer observes.
        try
        {
            runner.TryReportAsync(stage, progress).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not record training progress");
        }
    }
}
