using FaceMask.Api.Infrastructure;
using FaceMask.Api.Registry;
using FaceMask.Training.Data;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Retraining;

/// <summary>
/// Stage 2: trains the candidate on the retrain's split, fine-tuning the active model when its
/// classes match, and registers it as awaiting evaluation. A folder an earlier attempt finished is reused.
/// </summary>
public sealed class TrainStage(StageRunner runner, IModelRegistry registry, ServicePaths paths, IOptions<RetrainingOptions> options, ILogger<TrainStage> logger)
{
    public async Task<string> RunAsync(RunningStage stage)
    {
        var split = paths.RetrainSplit(stage.Retrain.TargetVersion);
        var manifest = SplitManifest.Load(split);
        var output = runner.ModelPath(stage.Retrain);
        var model = runner.TryLoad(output) is { } existing && existing.Metadata.DatasetFingerprint == manifest.Fingerprint
            ? existing // finished by an earlier attempt that stopped before recording it
            : await TrainAsync(stage, split, manifest, output);

        var metadata = model.Metadata;
        await registry.UpsertAsync(ModelRecords.For(model, Path.GetFullPath(output), "trained; awaiting evaluation"), stage.Token);
        var summary = $"{metadata.Version}: {metadata.Training?.Epochs} epochs (best {metadata.Training?.BestEpoch}), test accuracy {metadata.Metrics?.Accuracy:0.0000}, macro-F1 {metadata.Metrics?.MacroF1:0.0000}";
        await runner.ReportAsync(stage, new RetrainProgress(RetrainStage.Train, summary));
        return summary;
    }

    private async Task<ModelFolder> TrainAsync(RunningStage stage, string split, SplitManifest manifest, string output)
    {
        var settings = options.Value;
        var active = await registry.GetActiveAsync(stage.Token);
        var parent = settings.FineTune && active is not null ? runner.TryLoad(active.Path) : null;
        if (parent is not null && !parent.Metadata.Classes.SequenceEqual(manifest.Classes))
        {
            logger.LogInformation("The data's classes ({Data}) differ from {Version}'s; training from scratch", string.Join(", ", manifest.Classes), parent.Metadata.Version);
            parent = null;
        }

        if (!File.Exists(paths.FaceDetector))
        {
            logger.LogWarning("No face detector at {Path}: painted masks and detector framing use the aligned-portrait geometry", paths.FaceDetector);
        }

        return TrainingPipeline.Run(new TrainingRequest
        {
            SplitDirectory = split,
            OutputDirectory = output,
            Version = stage.Retrain.TargetVersion,
            Architecture = settings.Architecture,
            InputSize = settings.InputSize,
            Options = settings.ToTrainingOptions(),
            Parent = parent,
            Overwrite = true,
            FaceDetectorPath = paths.FaceDetector,
        }, new TrainingProgressReporter(runner, stage, logger), stage.Token).Model;
    }
}
