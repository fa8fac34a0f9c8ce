using System.Diagnostics;
using FaceMask.Training.Common;
using FaceMask.Training.Data;
using FaceMask.Training.Detection;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Imaging;
using FaceMask.Training.Keras;
using FaceMask.Training.Models;
using FaceMask.Training.Torch;
using static TorchSharp.torch;

namespace FaceMask.Training.Learning;

/// <summary>
/// One training run end to end, shared by the CLI and the service's jobs: load the split, train,
/// calibrate the best epoch's confidence on the validation part, evaluate it on the test part, and
/// save the model folder (model.h5, metadata.json, metrics.json, history.json, plots) atomically.
/// </summary>
public static class TrainingPipeline
{
    public const string HistoryFile = "history.json";

    public static TrainingOutcome Run(TrainingRequest request, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var wall = Stopwatch.StartNew();
        if (!request.Overwrite && Directory.Exists(request.OutputDirectory))
        {
            // Checked before any work: finding out after the last epoch wastes the whole run.
            throw new ArgumentException($"Model folder '{request.OutputDirectory}' already exists; choose another name or pass --overwrite.");
        }

        var split = request.SplitDirectory;
        var manifestPath = Path.Combine(split, SplitManifest.FileName);
        var manifest = File.Exists(manifestPath) ? SplitManifest.Load(split) : null;
        var classes = request.Parent?.Metadata.Classes
            ?? manifest?.Classes
            ?? (Directory.Exists(Path.Combine(split, SplitPart.Train.FolderName()))
                ? Directory.EnumerateDirectories(Path.Combine(split, SplitPart.Train.FolderName())).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
                : throw new DirectoryNotFoundException($"'{split}' has no train/ folder: run `facemask split` first."));

        var spec = request.Parent?.Model.Spec ?? Architectures.Create(request.Architecture, request.InputSize, classes.Count);
        var preprocessing = request.Parent?.Metadata.ToPreprocessing() ?? new Preprocessing(request.InputSize, request.InputSize);

        progress?.Report(new PipelineProgress(TrainingStage.Loading, "Loading images"));
        var trainSide = (int)Math.Round(preprocessing.Width * Trainer.TrainingImageMargin);
        var train = LabelledImages.Load(Path.Combine(split, SplitPart.Train.FolderName()), classes, trainSide);
        var validation = LabelledImages.Load(Path.Combine(split, SplitPart.Val.FolderName()), classes, EvaluationSide(preprocessing));
        var test = LabelledImages.Load(Path.Combine(split, SplitPart.Test.FolderName()), classes, EvaluationSide(preprocessing));
        cancellationToken.ThrowIfCancellationRequested();

        progress?.Report(new PipelineProgress(TrainingStage.LocatingFaces, "Locating faces"));
        using var detector = OpenDetector(request.FaceDetectorPath);
        train.LocateFaces(detector);
        validation.LocateFaces(detector);
        var validationSet = ValidationSet.WithShifts(validation, preprocessing);
        cancellationToken.ThrowIfCancellationRequested();

        var initial = request.Parent?.Model ?? FreshWeights(spec, request.Options.Seed);
        var result = Trainer.Fit(initial, preprocessing, train, validationSet, request.Options,
            progress is null ? null : new Progress<TrainingProgress>(p => progress.Report(new PipelineProgress(TrainingStage.Training, "Training", p))),
            cancellationToken);

        // Calibrated on the validation part (held out from the weights, not from the choice of epoch:
        // the usual practice), so the test figures below measure the confidence users will see.
        progress?.Report(new PipelineProgress(TrainingStage.Evaluating, "Calibrating on the validation split"));
        var calibration = ModelEvaluator.Calibrate(result.Model, preprocessing, validation, SplitPart.Val.FolderName());
        progress?.Report(new PipelineProgress(TrainingStage.Evaluating, "Evaluating on the test split"));
        var report = ModelEvaluator.EvaluateWithRobustness(result.Model, preprocessing, test, detector, temperature: calibration.Temperature);

        progress?.Report(new PipelineProgress(TrainingStage.Saving, "Saving the model"));
        var version = request.Version ?? Path.GetFileName(Path.GetFullPath(request.OutputDirectory).TrimEnd(Path.DirectorySeparatorChar));
        var metadata = new ModelMetadata(
            version,
            classes,
            [preprocessing.Height, preprocessing.Width],
            ModelMetadata.Describe(preprocessing),
            request.Parent?.Metadata.Architecture ?? request.Architecture,
            spec.Parameters,
            Math.Round(spec.MegaFlops, 2),
            new MetricsSummary(report.Count, report.Accuracy, report.MacroF1),
            manifest?.Fingerprint,
            request.Parent?.Metadata.Version,
            DateTimeOffset.UtcNow,
            new TrainingSummary(result.History.Count, result.BestEpoch, result.StoppedEarly, Math.Round(result.Elapsed.TotalSeconds, 1),
                Math.Round(result.ImagesPerSecond, 1), request.Options.Seed, train.Count, validation.Count, test.Count),
            manifest?.AssignmentDigest,
            calibration);
        ModelFolder.Save(request.OutputDirectory, result.Model, metadata, report, request.Overwrite, staging =>
        {
            File.WriteAllText(Path.Combine(staging, HistoryFile), Json.Serialize(result.History));
            TrainingCurvesPlot.Save(result.History, result.BestEpoch, Path.Combine(staging, TrainingCurvesPlot.FileName));
            Plots.ConfusionMatrix(report.ConfusionMatrix, Path.Combine(staging, Plots.ConfusionMatrixFile));
        });

        var saved = ModelFolder.Load(request.OutputDirectory);
        var bytes = new FileInfo(Path.Combine(request.OutputDirectory, ModelFolder.ModelFile)).Length;
        return new TrainingOutcome(saved, result, report, wall.Elapsed, bytes);
    }

    /// <summary>
    /// The side test images are loaded at: twice the input, so the robustness shifts (blur, JPEG,
    /// framing) work on pixels the network has not yet lost, and resizing is the serving path's.
    /// </summary>
    public static int EvaluationSide(Preprocessing preprocessing) => preprocessing.Width * 2;

    /// <summary>The detector at <paramref name="path"/>, or null when no path is given or the file is absent (faces then get the aligned-portrait geometry).</summary>
    public static BlazeFaceDetector? OpenDetector(string? path) =>
        path is not null && File.Exists(path) ? new BlazeFaceDetector(path) : null;

    /// <summary>Keras-default initial weights for a spec, reproducible from the seed.</summary>
    public static KerasModel FreshWeights(KerasModelSpec spec, int seed)
    {
        manual_seed(seed);
        using var model = new TorchKerasModel(spec);
        return model.ToKeras();
    }
}
