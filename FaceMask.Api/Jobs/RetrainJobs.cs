using System.ComponentModel;
using System.Diagnostics;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Registry;
using FaceMask.Training.Data;
using FaceMask.Training.Detection;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;
using Hangfire;
using Hangfire.Server;

namespace FaceMask.Api.Jobs;

/// <summary>
/// The four Hangfire jobs of a retrain, chained as continuations: split, train, evaluate, promote.
/// Each stage can run again after a crash or restart and reaches the same result: the split and
/// the model folder are written atomically, a model folder that is already complete is reused,
/// and the registry rows are upserts. While a stage runs it beats (<see cref="StageHeartbeat"/>);
/// a stage of a retrain that has ended (cancelled, failed) does nothing.
/// </summary>
public sealed class RetrainJobs(RetrainJobServices services)
{
    private readonly IModelRegistry registry = services.Registry;
    private readonly ServicePaths paths = services.Paths;
    private readonly RetrainOptions settings = services.Options.Value;
    private readonly ILogger logger = services.Logger;

    [DisplayName("Retrain {0}: split")]
    [AutomaticRetry(Attempts = 2, DelaysInSeconds = [2, 10], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public Task<string> SplitAsync(Guid retrainId, PerformContext? context, CancellationToken cancellationToken) =>
        RunStageAsync(retrainId, RetrainStage.Split, "Grouping near-duplicates and splitting", context, cancellationToken, async stage =>
        {
            var data = services.Preflight.Scan(stage.Token);
            var reference = services.References.Current();
            var readiness = services.Preflight.Check(data, null, reference, stage.Token);
            if (readiness.Refusal is { } refusal)
            {
                return await FailAsync(stage.Retrain, $"split refused the data ({refusal.Code}): {refusal.Detail}");
            }

            if (readiness.Seed is { } seed)
            {
                reference = await services.References.SeedAsync(seed, $"seeded by retrain {retrainId} from the test split of the primary data (seed {settings.Seed})", stage.Token);
            }

            var plan = readiness.Plan!;
            var written = SplitWriter.Write(plan, paths.RetrainSplit(stage.Retrain.TargetVersion), services.Time.GetUtcNow());
            var counts = string.Join(", ", written.Manifest.Counts.Select(p => $"{p.Key} {p.Value.Values.Sum()}"));
            var summary = $"{plan.Scan.Images.Count} images in {plan.GroupCount} groups: {counts}; {plan.Withheld.Count} withheld as copies of reference set {reference?.Name}; {data.Unreadable.Count} unreadable";
            await ReportAsync(stage, new RetrainProgress(RetrainStage.Split, summary));
            return summary;
        });

    [DisplayName("Retrain {0}: train")]
    [AutomaticRetry(Attempts = 2, DelaysInSeconds = [2, 10], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public Task<string> TrainAsync(Guid retrainId, PerformContext? context, CancellationToken cancellationToken) =>
        RunStageAsync(retrainId, RetrainStage.Train, "Loading images", context, cancellationToken, async stage =>
        {
            var split = paths.RetrainSplit(stage.Retrain.TargetVersion);
            var manifest = SplitManifest.Load(split);
            var output = ModelPath(stage.Retrain);
            var existing = TryLoad(output);
            ModelFolder model;
            if (existing?.Metadata.DatasetFingerprint == manifest.Fingerprint)
            {
                model = existing; // finished by an earlier attempt that stopped before recording it
            }
            else
            {
                var active = await registry.GetActiveAsync(stage.Token);
                var parent = settings.FineTune && active is not null ? TryLoad(active.Path) : null;
                if (parent is not null && !parent.Metadata.Classes.SequenceEqual(manifest.Classes))
                {
                    logger.LogInformation("The data's classes ({Data}) differ from {Version}'s; training from scratch", string.Join(", ", manifest.Classes), parent.Metadata.Version);
                    parent = null;
                }

                if (!File.Exists(paths.FaceDetector))
                {
                    logger.LogWarning("No face detector at {Path}: painted masks and detector framing use the aligned-portrait geometry", paths.FaceDetector);
                }

                var outcome = TrainingPipeline.Run(new TrainingRequest
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
                }, new ThrottledReporter(this, stage), stage.Token);
                model = outcome.Model;
            }

            var metadata = model.Metadata;
            await registry.UpsertAsync(ModelRecords.For(model, Path.GetFullPath(output), "trained; awaiting evaluation"), stage.Token);
            var summary = $"{metadata.Version}: {metadata.Training?.Epochs} epochs (best {metadata.Training?.BestEpoch}), test accuracy {metadata.Metrics?.Accuracy:0.0000}, macro-F1 {metadata.Metrics?.MacroF1:0.0000}";
            await ReportAsync(stage, new RetrainProgress(RetrainStage.Train, summary));
            return summary;
        });

    [DisplayName("Retrain {0}: evaluate")]
    [AutomaticRetry(Attempts = 2, DelaysInSeconds = [2, 10], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public Task<string> EvaluateAsync(Guid retrainId, PerformContext? context, CancellationToken cancellationToken) =>
        RunStageAsync(retrainId, RetrainStage.Evaluate, "Evaluating the new and the active model on the reference set and the new test split", context, cancellationToken, async stage =>
        {
            var version = stage.Retrain.TargetVersion;
            var candidate = ModelFolder.Load(ModelPath(stage.Retrain));
            var activeRecord = await registry.GetActiveAsync(stage.Token);
            var active = activeRecord is null ? null : TryLoad(activeRecord.Path);
            var reference = services.References.Current();
            using var detector = TrainingPipeline.OpenDetector(paths.FaceDetector);
            var sets = new EvaluationSets(services.References, reference, paths.RetrainSplit(version), detector);

            var candidateFigures = sets.Figures(candidate);
            var activeFigures = active is not null && active.Metadata.Classes.SequenceEqual(candidate.Metadata.Classes) ? sets.Figures(active) : null;
            var decision = PromotionGate.Decide(candidate.Metadata, candidateFigures, active?.Metadata, activeFigures, reference, settings);
            var comparison = new RetrainComparison(reference?.Name, candidateFigures, activeFigures, decision);

            foreach (var figures in new[] { candidateFigures, activeFigures }.OfType<ModelFigures>().Where(f => f.Reference is not null))
            {
                await registry.SetEvaluationAsync(figures.Version, new ModelEvaluation(reference!.Name, figures.Reference!, version, figures.TestSplit), stage.Token);
            }

            var message = activeFigures is null
                ? $"{version} macro-F1 {candidateFigures.Reference?.MacroF1:0.0000} on {reference?.Name ?? "no reference set"}; no comparable active model"
                : $"{version} macro-F1 {candidateFigures.Reference?.MacroF1:0.0000} vs {activeFigures.Version} {activeFigures.Reference?.MacroF1:0.0000} on {reference?.Name}; " +
                  $"on the new test split {candidateFigures.TestSplit.MacroF1:0.0000} vs {activeFigures.TestSplit.MacroF1:0.0000}";
            await ReportAsync(stage, new RetrainProgress(RetrainStage.Evaluate, message,
                CandidateMacroF1: candidateFigures.Reference?.MacroF1, ActiveMacroF1: activeFigures?.Reference?.MacroF1, ActiveVersion: activeFigures?.Version, Comparison: comparison));
            return message + ". " + decision.Summary;
        });

    [DisplayName("Retrain {0}: promote")]
    [AutomaticRetry(Attempts = 2, DelaysInSeconds = [2, 10], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public Task<string> PromoteAsync(Guid retrainId, PerformContext? context, CancellationToken cancellationToken) =>
        RunStageAsync(retrainId, RetrainStage.Promote, "Deciding", context, cancellationToken, async stage =>
        {
            var evaluation = stage.Previous;
            if (evaluation?.Comparison is not { } comparison)
            {
                throw new InvalidOperationException("The evaluation stage has not recorded its figures.");
            }

            var version = stage.Retrain.TargetVersion;
            var decision = comparison.Decision;
            var activeNow = await registry.GetActiveAsync(stage.Token);
            if (decision.Promote && activeNow?.Version != comparison.Active?.Version)
            {
                var reason = $"the active model changed to {activeNow?.Version ?? "none"} after the evaluation against {comparison.Active?.Version}";
                decision = new PromotionDecision(false, "kept as candidate: " + reason, [reason]);
            }

            var progress = evaluation with { Stage = RetrainStage.Done, Message = decision.Summary, Comparison = comparison with { Decision = decision }, Attempt = stage.Attempt };
            var finished = stage.Retrain with
            {
                State = RetrainState.Succeeded,
                Stage = RetrainStage.Done,
                Finished = services.Time.GetUtcNow(),
                ResultVersion = version,
                Decision = decision,
                Progress = progress,
            };

            // Promotion cannot be cancelled (the cancel route refuses once this stage has begun), so
            // the record and the registry agree whatever happens between these two writes.
            if (decision.Promote)
            {
                await registry.ActivateAsync(version, decision.Summary, services.Time.GetUtcNow(), stage.Token);
                services.Watcher.RefreshNow();
            }
            else
            {
                await registry.SetReasonAsync(version, decision.Summary, stage.Token);
            }

            await registry.UpdateRetrainAsync(finished, stage.Token);
            logger.LogInformation("Retrain {Id}: {Decision}", retrainId, decision.Summary);
            return decision.Summary;
        });

    private string ModelPath(RetrainRecord retrain) => Path.Combine(paths.Models, retrain.TargetVersion);

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

    /// <summary>
    /// Runs one stage: skips it when the retrain has ended, records the stage (and whether it is a
    /// re-run after a dead worker), beats while it runs, and turns a cancellation by an operator
    /// into a clean end (nothing half-written left) rather than a failure.
    /// </summary>
    private async Task<string> RunStageAsync(Guid retrainId, RetrainStage stageName, string message, PerformContext? context, CancellationToken hangfireToken, Func<Stage, Task<string>> body)
    {
        var retrain = await registry.GetRetrainAsync(retrainId, hangfireToken) ?? throw new InvalidOperationException($"Retrain {retrainId} is not in the registry.");
        if (!retrain.IsRunning)
        {
            return $"skipped: the retrain is {retrain.State}";
        }

        var previous = retrain.Progress;
        var rerun = retrain.State == RetrainState.Processing && retrain.Stage == stageName;
        var attempt = rerun ? (previous?.Attempt ?? 1) + 1 : 1;
        var recovery = rerun
            ? $"attempt {attempt}: the previous attempt of this stage did not finish (last heartbeat {retrain.Heartbeat?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "never"})"
            : null;
        if (rerun)
        {
            await RemoveLeftoversAsync(retrain);
            logger.LogWarning("Retrain {Id}: {Stage} runs again, {Recovery}", retrainId, stageName, recovery);
        }

        using var cancellation = services.Cancellations.Register(retrainId, hangfireToken);
        var now = services.Time.GetUtcNow();
        retrain = retrain with
        {
            State = RetrainState.Processing,
            Stage = stageName,
            Started = retrain.Started ?? now,
            Heartbeat = now,
            Progress = new RetrainProgress(stageName, message, Attempt: attempt, Recovery: recovery, Comparison: previous?.Comparison),
        };
        if (!await registry.UpdateRetrainAsync(retrain, hangfireToken))
        {
            return "skipped: the retrain ended meanwhile";
        }

        var jobId = context?.BackgroundJob.Id;
        await using var heartbeat = StageHeartbeat.Start(
            async () =>
            {
                if (jobId is not null)
                {
                    services.KeepAlive.Touch(jobId);
                }

                return await registry.HeartbeatRetrainAsync(retrainId, services.Time.GetUtcNow(), CancellationToken.None);
            },
            cancellation.Cancel,
            TimeSpan.FromSeconds(services.Jobs.Value.HeartbeatSeconds),
            logger);
        try
        {
            return await body(new Stage(retrain, previous, attempt, recovery, cancellation));
        }
        catch (OperationCanceledException)
        {
            // An operator's cancel ends the stage cleanly; a shutdown rethrows, so Hangfire re-queues it.
            if (await registry.GetRetrainAsync(retrainId, CancellationToken.None) is not { State: RetrainState.Cancelled } cancelled)
            {
                throw;
            }

            await RemoveLeftoversAsync(cancelled, removeSplit: true);
            logger.LogInformation("Retrain {Id}: {Stage} stopped, the retrain was cancelled", retrainId, stageName);
            return "cancelled";
        }
    }

    /// <summary>
    /// Removes what an interrupted or cancelled stage may have left: staging folders, and for a
    /// cancelled retrain its split and an unregistered model folder. A registered model is never touched.
    /// </summary>
    private async Task RemoveLeftoversAsync(RetrainRecord retrain, bool removeSplit = false)
    {
        var split = paths.RetrainSplit(retrain.TargetVersion);
        var staging = (Directory.Exists(split) ? Directory.EnumerateDirectories(split, ".staging-*") : [])
            .Concat(Directory.Exists(paths.Models) ? Directory.EnumerateDirectories(paths.Models, $".{retrain.TargetVersion}.staging-*") : []);
        var doomed = staging.ToList();
        if (removeSplit)
        {
            doomed.Add(split);
            var model = ModelPath(retrain);
            if (await registry.GetAsync(retrain.TargetVersion) is null)
            {
                doomed.Add(model);
            }
        }

        foreach (var directory in doomed.Where(Directory.Exists))
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "Could not remove {Directory}", directory);
            }
        }
    }

    private async Task<string> FailAsync(RetrainRecord retrain, string error)
    {
        await registry.UpdateRetrainAsync(retrain with { State = RetrainState.Failed, Finished = services.Time.GetUtcNow(), Error = error });
        logger.LogWarning("Retrain {Id} failed: {Error}", retrain.Id, error);
        return error;
    }

    /// <summary>Records progress of a running stage; when the retrain has ended meanwhile, cancels the stage and throws.</summary>
    private async Task ReportAsync(Stage stage, RetrainProgress progress)
    {
        if (!await TryReportAsync(stage, progress))
        {
            stage.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Records progress; false (and the stage's token cancelled) when the retrain has ended meanwhile. Never throws for that.</summary>
    private async Task<bool> TryReportAsync(Stage stage, RetrainProgress progress)
    {
        var recorded = await registry.UpdateRetrainAsync(stage.Retrain with
        {
            Heartbeat = services.Time.GetUtcNow(),
            Progress = progress with { Attempt = stage.Attempt, Recovery = stage.Recovery, Comparison = progress.Comparison ?? stage.Previous?.Comparison },
        }, CancellationToken.None);
        if (!recorded)
        {
            stage.Cancel();
        }

        return recorded;
    }

    /// <summary>One running stage: its record as it began, the progress before it, and its cancellation.</summary>
    private sealed record Stage(RetrainRecord Retrain, RetrainProgress? Previous, int Attempt, string? Recovery, RetrainCancellations.Registration Cancellation)
    {
        public CancellationToken Token => Cancellation.Token;

        public void Cancel() => Cancellation.Cancel();
    }

    /// <summary>
    /// The reference set and a retrain's test split, each decoded once per input size; the
    /// reference set is also measured under every robustness shift, its faces located once.
    /// </summary>
    private sealed class EvaluationSets(ReferenceSets references, ReferenceVersion? reference, string split, BlazeFaceDetector? detector)
    {
        private readonly Dictionary<(string Set, int Side), LabelledImages> loaded = [];

        public ModelFigures Figures(ModelFolder model)
        {
            var preprocessing = model.Metadata.ToPreprocessing();
            var classes = model.Metadata.Classes;
            var test = Load("test", preprocessing.Width, () => LabelledImages.Load(Path.Combine(split, "test"), classes, preprocessing.Width));
            ClassificationReport? onReference = null;
            RobustnessReport? robustness = null;
            if (reference is { Images.Count: > 0 })
            {
                var images = Load(reference.Name, preprocessing.Width, () => LabelledImages.Load(classes, references.Set.Files(reference, classes), preprocessing.Width));
                var report = ModelEvaluator.EvaluateWithRobustness(model.Model, preprocessing, images, detector);
                (onReference, robustness) = (report with { Robustness = null }, report.Robustness);
            }

            return new ModelFigures(model.Metadata.Version, onReference, ModelEvaluator.Evaluate(model.Model, preprocessing, test), robustness);
        }

        private LabelledImages Load(string set, int side, Func<LabelledImages> load) =>
            loaded.TryGetValue((set, side), out var images) ? images : loaded[(set, side)] = load();
    }

    /// <summary>Writes training progress to the registry at most every half second (and at every epoch's end).</summary>
    private sealed class ThrottledReporter(RetrainJobs jobs, Stage stage) : IProgress<PipelineProgress>
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
                jobs.TryReportAsync(stage, progress).GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                jobs.logger.LogWarning(e, "Could not record training progress");
            }
        }
    }
}
