using FaceMask.Tests.Cli;
using FaceMask.Tests.Support;
using FaceMask.Training.Cli;
using FaceMask.Training.Data;
using FaceMask.Training.Detection;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;

namespace FaceMask.Tests.Training;

/// <summary>
/// The shipped model's figures can be traced to their split: re-running the model card's split command
/// on the public dataset gives the split digest the model recorded, and evaluating the model on that
/// split's test part gives exactly its metrics.json (headline, confusion matrix, robustness rows and
/// calibration error), and calibrating it on that split's validation part gives its recorded temperature.
/// </summary>
[Collection(CliCollection.Name)]
public class ShippedModelTests
{
    public const string ShippedModel = "facemask-v2";

    [Fact]
    public async Task The_readme_split_reproduces_the_shipped_models_digest_and_figures()
    {
        var shared = RepositoryPaths.SharedFaceMaskDataset;
        Assert.SkipWhen(shared is null, "../shared/datasets/facemask is not on this machine.");
        var model = ModelFolder.Load(Path.Combine(RepositoryPaths.Root, "models", ShippedModel));
        using var directory = new TempDirectory();
        var split = directory.Combine("Dataset_Split");

        // docs/model-card.md: `split --data <the public dataset> --out Dataset_Split --seed 42`.
        Assert.Equal(0, await FaceMaskCli.RunAsync(["split", "--data", shared!, "--out", split, "--seed", "42"]));
        var manifest = SplitManifest.Load(split);
        Assert.NotNull(model.Metadata.SplitDigest);
        Assert.Equal(model.Metadata.SplitDigest, manifest.AssignmentDigest);
        Assert.Equal(model.Metadata.DatasetFingerprint, manifest.Fingerprint);

        var preprocessing = model.Metadata.ToPreprocessing();
        var test = LabelledImages.Load(Path.Combine(split, "test"), model.Metadata.Classes, TrainingPipeline.EvaluationSide(preprocessing));
        ClassificationReport report;
        using (var detector = BlazeFaceDetector.Front(Path.Combine(RepositoryPaths.Root, "models")))
        {
            report = ModelEvaluator.EvaluateWithRobustness(model.Model, preprocessing, test, detector, temperature: model.Metadata.Temperature);
        }

        // docs/model-card.md: `calibrate --model models/facemask-v2 --data Dataset_Split/val`.
        var validation = LabelledImages.Load(Path.Combine(split, "val"), model.Metadata.Classes, TrainingPipeline.EvaluationSide(preprocessing));
        Assert.NotNull(model.Metadata.Calibration);
        Assert.Equal(model.Metadata.Calibration, ModelEvaluator.Calibrate(model.Model, preprocessing, validation, "val"));

        var recorded = model.Metrics!;
        Assert.Equal(recorded.Count, report.Count);
        Assert.Equal(recorded.Accuracy, report.Accuracy, 12);
        Assert.Equal(recorded.MacroF1, report.MacroF1, 12);
        Assert.Equal(recorded.ConfusionMatrix.Matrix, report.ConfusionMatrix.Matrix);
        Assert.NotNull(recorded.CalibrationError);
        Assert.Equal(recorded.CalibrationError!.Value, report.CalibrationError!.Value, 12);

        var robustness = report.Robustness!;
        Assert.NotNull(recorded.Robustness);
        Assert.Equal(recorded.Robustness!.Rows.Select(r => (r.Shift, r.Count)), robustness.Rows.Select(r => (r.Shift, r.Count)));
        Assert.All(recorded.Robustness.Rows.Zip(robustness.Rows), pair => Assert.Equal(pair.First.MacroF1, pair.Second.MacroF1, 12));
        TestContext.Current.SendDiagnosticMessage($"{ShippedModel}: test macro-F1 {report.MacroF1:0.0000}; worst shift {robustness.Worst} {robustness.WorstMacroF1:0.0000}");
    }
}
