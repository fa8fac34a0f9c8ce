using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Registry;
using FaceMask.Training.Common;
using FaceMask.Training.Data;
using FaceMask.Training.Models;
using FaceMask.Training.Training;
using Hangfire;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Jobs;

/// <summary>What <c>GET /api/jobs/{id}</c> shows as <c>progress</c>.</summary>
public sealed record RetrainProgress(
    string Stage,
    string Message,
    int? Epoch = null,
    int? Epochs = null,
    int? Step = null,
    int? Steps = null,
    double? Loss = null,
    double? ImagesPerSecond = null,
    double? ValAccuracy = null,
    double? ValMacroF1 = null,
    double? CandidateMacroF1 = null,
    double? ActiveMacroF1 = null,
    string? ActiveVersion = null);

/// <summary>
/// The four Hangfire jobs of a retrain, chained as continuations: split, train, evaluate, promote.
/// Each stage can run again after a crash or restart and reaches the same result: the split and
/// the model folder are written atomically, a model folder that is already complete is reused,
/// and the registry rows are upserts.
/// </summary>
public sealed class RetrainJobs(
    IModelRegistry registry,
    ResolvedPaths paths,
    ActiveModelWatcher watcher,
    TimeProvider time,
    IOptions<RetrainOptions> options,
    ILogger<RetrainJobs> logger)
{
    private readonly RetrainOptions settings = options.Value;

    [DisplayName("Retrain {0}: split")]
    [AutomaticRetry(Attempts = 2, DelaysInSeconds = [2, 10], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task<string> SplitAsync(Guid retrainId, CancellationToken cancellationToken)
    {
        var retrain = await BeginStageAsync(retrainId, "split", "Grouping near-duplicates and splitting", cancellationToken);
        var sources = new[] { paths.Dataset, paths.DatasetNew }
            .Where(d => Directory.Exists(d) && Directory.EnumerateDirectories(d).Any())
            .ToList();
        if (sources.Count == 0)
        {
            throw new InvalidOperationException($"No class folders in {paths.Dataset} or {paths.DatasetNew}: nothing to train on.");
        }

        var scan = DatasetScanner.Scan(sources, cancellationToken: cancellationToken);
        if (scan.Images.Count == 0)
        {
            throw new InvalidOperationException("The datasets hold no readable images.");
        }

        var plan = SplitPlan.Create(scan, new SplitOptions { Seed = settings.Seed, Fractions = new SplitFractions(settings.ValFraction, settings.TestFraction) });
        var written = SplitWriter.Write(plan, paths.DatasetSplit, time.GetUtcNow());
        var counts = string.Join(", ", written.Manifest.Counts.Select(p => $"{p.Key} {p.Value.Values.Sum()}"));
        await ReportAsync(retrain with { ProgressJson = Progress(new RetrainProgress("split", $"{scan.Images.Count} images in {plan.GroupCount} groups: {counts}")) }, cancellationToken);
        return $"{scan.Images.Count} images, {plan.GroupCount} near-duplicate groups, {counts}; {scan.Unreadable.Count} unreadable";
    }

    [DisplayName("Retrain {0}: train")]
    [AutomaticRetry(Attempts = 2, DelaysInSeconds = [2, 10], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task<string> TrainAsync(Guid retrainId, CancellationToken cancellationToken)
    {
        var retrain = await BeginStageAsync(retrainId, "train", "Loading images", cancellationToken);
        var manifest = SplitManifest.Load(paths.DatasetSplit);
        var output = Path.Combine(paths.Models, retrain.TargetVersion);
        var existing = TryLoad(output);
        ModelFolder model;
        if (existing?.Metadata.DatasetFingerprint == manifest.Fingerprint)
        {
            model = existing; // finished by an earlier attempt that stopped before recording it
        }
        else
        {
            var active = await registry.GetActiveAsync(cancellationToken);
            var parent = settings.FineTune && active is not null ? TryLoad(active.Path) : null;
            if (parent is not null && !parent.Metadata.Classes.SequenceEqual(manifest.Classes))
            {
                logger.LogInformation("The data's classes ({Data}) differ from {Version}'s; training from scratch", string.Join(", ", manifest.Classes), parent.Metadata.Version);
                parent = null;
            }

            var reporter = new ThrottledReporter(this, logger, retrain, cancellationToken);
            var outcome = TrainingPipeline.Run(new TrainingRequest
            {
                SplitDirectory = paths.DatasetSplit,
                OutputDirectory = output,
                Version = retrain.TargetVersion,
                Architecture = settings.Architecture,
                InputSize = settings.InputSize,
                Options = settings.ToTrainingOptions(),
                Parent = parent,
                Overwrite = true,
            }, reporter, cancellationToken);
            model = outcome.Model;
        }

        var metadata = model.Metadata;
        await registry.UpsertAsync(new ModelRecord(metadata.Version, Path.GetFullPath(output), ModelState.Candidate, metadata.Metrics?.Accuracy, metadata.Metrics?.MacroF1,
            metadata.DatasetFingerprint, metadata.ParentVersion, metadata.Created, null, "trained; awaiting evaluation"), cancellationToken);
        var summary = $"{metadata.Version}: {metadata.Training?.Epochs} epochs (best {metadata.Training?.BestEpoch}), test accuracy {metadata.Metrics?.Accuracy:0.0000}, macro-F1 {metadata.Metrics?.MacroF1:0.0000}";
        await ReportAsync(retrain with { ProgressJson = Progress(new RetrainProgress("train", summary)) }, cancellationToken);
        return summary;
    }

    [DisplayName("Retrain {0}: evaluate")]
    [AutomaticRetry(Attempts = 2, DelaysInSeconds = [2, 10], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task<string> EvaluateAsync(Guid retrainId, CancellationToken cancellationToken)
    {
        var retrain = await BeginStageAsync(retrainId, "evaluate", "Evaluating the new and the active model on the same test split", cancellationToken);
        var candidate = ModelFolder.Load(Path.Combine(paths.Models, retrain.TargetVersion));
        var testSets = new Dictionary<int, LabelledImages>(); // loaded once per input size
        var candidateF1 = MacroF1OnTestSplit(candidate, testSets);
        var activeRecord = await registry.GetActiveAsync(cancellationToken);
        var active = activeRecord is null ? null : TryLoad(activeRecord.Path);
        double? activeF1 = active is null || !active.Metadata.Classes.SequenceEqual(candidate.Metadata.Classes) ? null : MacroF1OnTestSplit(active, testSets);
        var message = activeF1 is null
            ? $"{candidate.Metadata.Version} macro-F1 {candidateF1:0.0000}; no comparable active model"
            : $"{candidate.Metadata.Version} macro-F1 {candidateF1:0.0000} vs {active!.Metadata.Version} {activeF1:0.0000} on the same test split";
        await ReportAsync(retrain with
        {
            ProgressJson = Progress(new RetrainProgress("evaluate", message, CandidateMacroF1: candidateF1, ActiveMacroF1: activeF1, ActiveVersion: active?.Metadata.Version)),
        }, cancellationToken);
        return message;
    }

    [DisplayName("Retrain {0}: promote")]
    [AutomaticRetry(Attempts = 2, DelaysInSeconds = [2, 10], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task<string> PromoteAsync(Guid retrainId, CancellationToken cancellationToken)
    {
        var retrain = await LoadAsync(retrainId, cancellationToken);
        var evaluation = retrain.ProgressJson is null ? null : Json.Deserialize<RetrainProgress>(retrain.ProgressJson);
        if (evaluation?.CandidateMacroF1 is not { } candidateF1)
        {
            throw new InvalidOperationException("The evaluation stage has not recorded its figures.");
        }

        var version = retrain.TargetVersion;
        string decision;
        var activeNow = await registry.GetActiveAsync(cancellationToken);
        if (evaluation.ActiveMacroF1 is not { } activeF1 || activeNow is null)
        {
            decision = $"promoted: macro-F1 {candidateF1:0.0000}, no comparable active model";
        }
        else if (candidateF1 >= activeF1 - settings.PromotionMargin)
        {
            decision = $"promoted: macro-F1 {candidateF1:0.0000} >= {evaluation.ActiveVersion} {activeF1:0.0000} - margin {settings.PromotionMargin} on the same test split";
        }
        else
        {
            decision = $"kept as candidate: macro-F1 {candidateF1:0.0000} < {evaluation.ActiveVersion} {activeF1:0.0000} - margin {settings.PromotionMargin} on the same test split";
        }

        if (decision.StartsWith("promoted", StringComparison.Ordinal))
        {
            await registry.ActivateAsync(version, decision, time.GetUtcNow(), cancellationToken);
            watcher.RefreshNow();
        }
        else
        {
            await registry.SetReasonAsync(version, decision, cancellationToken);
        }

        await registry.UpdateRetrainAsync(retrain with
        {
            State = RetrainState.Succeeded,
            Stage = "done",
            Finished = time.GetUtcNow(),
            ResultVersion = version,
            Decision = decision,
            ProgressJson = Progress(evaluation with { Stage = "done", Message = decision }),
        }, cancellationToken);
        logger.LogInformation("Retrain {Id}: {Decision}", retrainId, decision);
        return decision;
    }

    private static string Progress(RetrainProgress progress) => JsonSerializer.Serialize(progress, Json.Options);

    private static ModelFolder? TryLoad(string path)
    {
        try
        {
            return Directory.Exists(path) ? ModelFolder.Load(path) : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private double MacroF1OnTestSplit(ModelFolder model, Dictionary<int, LabelledImages> testSets)
    {
        var preprocessing = model.Metadata.ToPreprocessing();
        if (!testSets.TryGetValue(preprocessing.Width, out var test))
        {
            test = testSets[preprocessing.Width] = LabelledImages.Load(Path.Combine(paths.DatasetSplit, "test"), model.Metadata.Classes, preprocessing.Width);
        }

        return TrainingPipeline.Evaluate(model.Model, preprocessing, test).MacroF1;
    }

    private async Task<RetrainRecord> LoadAsync(Guid retrainId, CancellationToken cancellationToken) =>
        await registry.GetRetrainAsync(retrainId, cancellationToken) ?? throw new InvalidOperationException($"Retrain {retrainId} is not in the registry.");

    private async Task<RetrainRecord> BeginStageAsync(Guid retrainId, string stage, string message, CancellationToken cancellationToken)
    {
        var retrain = await LoadAsync(retrainId, cancellationToken);
        retrain = retrain with
        {
            State = RetrainState.Processing,
            Stage = stage,
            Started = retrain.Started ?? time.GetUtcNow(),
            ProgressJson = Progress(new RetrainProgress(stage, message)),
        };
        await registry.UpdateRetrainAsync(retrain, cancellationToken);
        return retrain;
    }

    private Task ReportAsync(RetrainRecord retrain, CancellationToken cancellationToken) => registry.UpdateRetrainAsync(retrain, cancellationToken);

    /// <summary>Writes training progress to the registry at most every half second (and at every epoch's end).</summary>
    private sealed class ThrottledReporter(RetrainJobs jobs, ILogger logger, RetrainRecord retrain, CancellationToken cancellationToken) : IProgress<PipelineProgress>
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
            var progress = new RetrainProgress("train", value.Message, training?.Epoch, training?.Epochs, training?.Step, training?.Steps,
                training?.Loss, training?.ImagesPerSecond, epoch?.ValAccuracy, epoch?.ValMacroF1);
            try
            {
                jobs.ReportAsync(retrain with { ProgressJson = Progress(progress) }, cancellationToken).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not record training progress");
            }
        }
    }
}
