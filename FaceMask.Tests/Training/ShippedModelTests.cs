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
/// The shipped models' figures can be traced to their split: re-running a model card's commands on the
/// public data gives the split digest the model recorded, and evaluating the model on that split's test
/// part gives exactly its metrics.json (headline, confusion matrix, robustness rows and calibration
/// error), and calibrating it on that split's validation part gives its recorded temperature.
/// </summary>
[Collection(CliCollection.Name)]
public class ShippedModelTests
{
    [Theory]
    [InlineData("facemask-v2")]
    [InlineData("facemask-v3")]
    public async Task The_model_cards_commands_reproduce_a_shipped_models_split_digest_and_figures(string version)
    {
        var shared = RepositoryPaths.SharedFaceMaskDataset;
        Assert.SkipWhen(shared is null, "../shared/datasets/facemask is not on this machine.");
        var model = ModelFolder.Load(Path.Combine(RepositoryPaths.Root, "models", version));
        using var directory = new TempDirectory();
        var split = directory.Combine("Dataset_Split");
        Assert.Equal(CliConsole.Ok, await RebuildSplitAsync(version, shared!, directory.Path, split));
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

        // Training calibrated the model on the validation part; `calibrate --model models/<version> --data Dataset_Split/val` gives the same.
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
        TestContext.Current.SendDiagnosticMessage($"{version}: test macro-F1 {report.MacroF1:0.0000}; worst shift {robustness.Worst} {robustness.WorstMacroF1:0.0000}");
    }

    /// <summary>docs/model-card.md's commands that write <paramref name="version"/>'s split.</summary>
    private static async Task<int> RebuildSplitAsync(string version, string crops, string scratch, string split)
    {
        switch (version)
        {
            case "facemask-v2":
                // split --data <the public crops> --out Dataset_Split --seed 42
                return await FaceMaskCli.RunAsync(["split", "--data", crops, "--out", split, "--seed", "42"]);
            case "facemask-v3":
                // cut-faces --photos <the public photos> --out photo-faces; then
                // split --data <the public crops> --data photo-faces --out Dataset_Split --seed 42 --validation-photos 0.3
                var photos = RepositoryPaths.SharedFaceMaskPhotos;
                Assert.SkipWhen(photos is null, "../shared/datasets/facemask-photos is not on this machine.");
                var faces = Path.Combine(scratch, "photo-faces");
                var cut = await FaceMaskCli.RunAsync(["cut-faces", "--photos", photos!, "--out", faces, "--models", Path.Combine(RepositoryPaths.Root, "models")]);
                return cut != CliConsole.Ok ? cut : await FaceMaskCli.RunAsync(["split", "--data", crops, "--data", faces, "--out", split, "--seed", "42", "--validation-photos", "0.3"]);
            default:
                throw new ArgumentException($"No recipe for {version}.", nameof(version));
        }
    }
}
