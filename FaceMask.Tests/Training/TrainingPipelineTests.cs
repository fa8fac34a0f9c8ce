using System.Text.Json;
using FaceMask.Tests.Cli;
using FaceMask.Tests.Support;
using FaceMask.Training.Cli;
using FaceMask.Training.Common;
using FaceMask.Training.Data;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Imaging;
using FaceMask.Training.Keras;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;

namespace FaceMask.Tests.Training;

/// <summary>Trains small models on generated faces: real pixels, real TorchSharp, real files.</summary>
[Collection(CliCollection.Name)]
public sealed class TrainingPipelineTests : IClassFixture<TrainingPipelineTests.TrainedModel>
{
    private readonly TrainedModel trained;

    public TrainingPipelineTests(TrainedModel trained) => this.trained = trained;

    /// <summary>One generated dataset, split, and a model trained on it through the CLI, shared by the tests.</summary>
    public sealed class TrainedModel : IDisposable
    {
        private readonly TempDirectory directory = new();

        public TrainedModel()
        {
            Data = directory.Combine("Dataset");
            Split = directory.Combine("Dataset_Split");
            ModelPath = directory.Combine("models", "synthetic-v1");
            Run("generate", "--out", Data, "--per-class", "150", "--seed", "11");
            Run("split", "--data", Data, "--out", Split, "--seed", "1", "--val", "0.2", "--test", "0.2");
            ExitCode = FaceMaskCli.RunAsync(["train", "--split", Split, "--out", ModelPath, "--epochs", "30", "--input-size", "40", "--batch-size", "16", "--seed", "3", "--architecture", "facemask-cnn"]).GetAwaiter().GetResult();
        }

        public string Data { get; }

        public string Split { get; }

        public string ModelPath { get; }

        public int ExitCode { get; }

        public string Combine(params string[] parts) => directory.Combine(parts);

        public void Dispose() => directory.Dispose();

        private static void Run(params string[] args) => Assert.Equal(0, FaceMaskCli.RunAsync(args).GetAwaiter().GetResult());
    }

    [Fact]
    public void Training_learns_the_three_mask_states()
    {
        Assert.Equal(0, trained.ExitCode);
        var folder = ModelFolder.Load(trained.ModelPath);

        // 90 test faces never seen in training, from 270 training faces and 510 steps: chance is 0.33 (0.73 measured).
        Assert.NotNull(folder.Metrics);
        Assert.True(folder.Metrics!.Accuracy >= 0.55, $"test accuracy {folder.Metrics.Accuracy:0.000}");
        var history = JsonSerializer.Deserialize<JsonElement[]>(File.ReadAllText(Path.Combine(trained.ModelPath, "history.json")))!;
        var firstLoss = history[0].GetProperty("train_loss").GetDouble();
        var lastLoss = history[^1].GetProperty("train_loss").GetDouble();
        Assert.True(lastLoss < firstLoss * 0.8, $"training loss went from {firstLoss:0.000} to {lastLoss:0.000}");
    }

    [Fact]
    public void The_model_folder_holds_everything_a_server_and_a_person_need()
    {
        var folder = ModelFolder.Load(trained.ModelPath);
        var metadata = folder.Metadata;
        var manifest = SplitManifest.Load(trained.Split);

        Assert.Equal("synthetic-v1", metadata.Version);
        Assert.Equal(["mask_weared_incorrect", "with_mask", "without_mask"], metadata.Classes);
        Assert.Equal([40, 40], metadata.InputSize);
        Assert.Equal(new PreprocessingMetadata("RGB", 1f / 255f, 0f), metadata.Preprocessing);
        Assert.Equal(manifest.Fingerprint, metadata.DatasetFingerprint);
        Assert.Equal(folder.Model.Spec.Parameters, metadata.Parameters);
        Assert.True(metadata.MegaFlops > 0);
        Assert.NotNull(metadata.Training);
        Assert.InRange(metadata.Training!.BestEpoch, 1, 30);
        foreach (var png in new[] { "training_curves.png", "confusion_matrix.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(trained.ModelPath, png));
            Assert.True(bytes.Length > 5000, $"{png} is only {bytes.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        }

        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(trained.ModelPath, "metrics.json")));
        Assert.Equal(
            ["count", "accuracy", "macro_precision", "macro_recall", "macro_f1", "per_class", "confusion_matrix", "robustness", "calibration_error", "uncertainty"],
            metrics.RootElement.EnumerateObject().Select(p => p.Name));
        var robustness = metrics.RootElement.GetProperty("robustness");
        Assert.Equal(["rows", "worst", "worst_macro_f1"], robustness.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["shift", "description", "count", "accuracy", "macro_f1", "recall"], robustness.GetProperty("rows")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("as_is", robustness.GetProperty("rows")[0].GetProperty("shift").GetString());
        Assert.Equal(metrics.RootElement.GetProperty("macro_f1").GetDouble(), robustness.GetProperty("rows")[0].GetProperty("macro_f1").GetDouble(), 12);
        Assert.Equal(manifest.AssignmentDigest, metadata.SplitDigest);
        // Calibrated on the validation part, recorded with its figures there.
        Assert.NotNull(metadata.Calibration);
        Assert.Equal(("val", metadata.Training.ValImages), (metadata.Calibration!.FittedOn, metadata.Calibration.Images));
        Assert.InRange(metadata.Calibration.Temperature, Calibration.MinTemperature, Calibration.MaxTemperature);
        Assert.InRange(metrics.RootElement.GetProperty("calibration_error").GetDouble(), 0, 1);
        Assert.Equal(
            ["precision", "recall", "f1", "support"],
            metrics.RootElement.GetProperty("per_class").GetProperty("with_mask").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["labels", "matrix"], metrics.RootElement.GetProperty("confusion_matrix").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Evaluate_writes_the_report_and_handles_a_folder_missing_a_class()
    {
        var partial = trained.Combine("partial");
        Directory.CreateDirectory(Path.Combine(partial, "with_mask"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(trained.Split, "test", "with_mask")).Take(5))
        {
            File.Copy(file, Path.Combine(partial, "with_mask", Path.GetFileName(file)));
        }

        var json = trained.Combine("eval.json");
        Assert.Equal(0, await FaceMaskCli.RunAsync(["evaluate", "--model", trained.ModelPath, "--data", partial, "--json", json]));

        using var report = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(5, report.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(0, report.RootElement.GetProperty("per_class").GetProperty("without_mask").GetProperty("support").GetInt32());
        Assert.Equal(5, report.RootElement.GetProperty("per_class").GetProperty("with_mask").GetProperty("support").GetInt32());
    }

    [Fact]
    public async Task Evaluate_mistakes_puts_every_wrong_verdict_on_a_contact_sheet()
    {
        // Masked test faces filed as bare ones, with a few bare ones: the verdicts on the masked ones are mistakes.
        var mislabelled = Path.Combine(trained.Combine("mislabelled"), "without_mask");
        Directory.CreateDirectory(mislabelled);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(trained.Split, "test", "with_mask")).Take(12)
            .Concat(Directory.EnumerateFiles(Path.Combine(trained.Split, "test", "without_mask")).Take(4)))
        {
            File.Copy(file, Path.Combine(mislabelled, Path.GetFileName(file)));
        }

        var json = trained.Combine("mislabelled.json");
        var sheet = trained.Combine("mistakes.png");
        Assert.Equal(0, await FaceMaskCli.RunAsync(["evaluate", "--model", trained.ModelPath, "--data", Path.GetDirectoryName(mislabelled)!, "--json", json, "--mistakes", sheet]));

        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var matrix = report.RootElement.GetProperty("confusion_matrix").GetProperty("matrix").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
        var wrong = 16 - Enumerable.Range(0, matrix.Length).Sum(c => matrix[c][c]);
        Assert.True(wrong >= 10, $"{wrong} of 16 wrong");
        using var image = ImageDecoder.DecodeFile(sheet);
        Assert.Equal((Math.Min(10, wrong) * 128, (wrong + 9) / 10 * (128 + 16)), (image.Width, image.Height)); // one captioned tile per mistake
    }

    [Fact]
    public async Task Predict_prints_one_json_object_per_image()
    {
        var images = Directory.EnumerateFiles(Path.Combine(trained.Split, "test", "without_mask")).Take(2).ToList();
        var garbage = trained.Combine("garbage.jpg");
        File.WriteAllText(garbage, "not an image");
        var (exitCode, output) = await CliCapture.RunAsync(["predict", "--model", trained.ModelPath, images[0], images[1], garbage]);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("{\"file\":", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.Equal(CliConsole.BadInput, exitCode);
        using var first = JsonDocument.Parse(lines[0]);
        Assert.Equal(images[0], first.RootElement.GetProperty("file").GetString());
        var probabilities = first.RootElement.GetProperty("probabilities").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(["mask_weared_incorrect", "with_mask", "without_mask"], probabilities.Keys);
        Assert.Equal(1.0, probabilities.Values.Sum(), 4);
        Assert.Equal(probabilities.Values.Max(), first.RootElement.GetProperty("confidence").GetDouble(), 6);
        Assert.Equal(probabilities.MaxBy(p => p.Value).Key, first.RootElement.GetProperty("prediction").GetString());
        Assert.Equal(first.RootElement.GetProperty("confidence").GetDouble() < 0.8, first.RootElement.GetProperty("uncertain").GetBoolean());
        using var error = JsonDocument.Parse(lines[2]);
        Assert.Contains("not a JPEG, PNG, BMP or WebP", error.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Calibrate_refits_the_temperature_training_recorded_on_the_validation_part()
    {
        var copy = trained.Combine($"calibrated-{Guid.NewGuid():N}");
        var original = ModelFolder.Load(trained.ModelPath);
        ModelFolder.Save(copy, original.Model, original.Metadata with { Calibration = null }, original.Metrics, overwrite: false);

        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["calibrate", "--model", copy, "--data", Path.Combine(trained.Split, "val")]));

        var calibrated = ModelFolder.Load(copy).Metadata;
        Assert.Equal(original.Metadata.Calibration, calibrated.Calibration); // the same images, the same fit
        Assert.Equal(Json.Serialize(original.Metadata with { Calibration = null }), Json.Serialize(calibrated with { Calibration = null })); // nothing else changed
        Assert.Equal(CliConsole.BadInput, await FaceMaskCli.RunAsync(["calibrate", "--model", copy, "--data", trained.Combine("missing")]));
    }

    [Fact]
    public void The_saved_h5_reproduces_the_trained_networks_outputs()
    {
        var folder = ModelFolder.Load(trained.ModelPath);
        var preprocessing = folder.Metadata.ToPreprocessing();
        var images = LabelledImages.Load(Path.Combine(trained.Split, "test"), folder.Metadata.Classes, TrainingPipeline.EvaluationSide(preprocessing)); // as the pipeline holds them

        var fromFile = ModelEvaluator.Evaluate(KerasH5.Read(Path.Combine(trained.ModelPath, "model.h5")), preprocessing, images, folder.Metadata.Temperature);

        Assert.Equal(folder.Metrics!.Accuracy, fromFile.Accuracy, 10);
        Assert.Equal(folder.Metrics.ConfusionMatrix.Matrix, fromFile.ConfusionMatrix.Matrix);
        Assert.Equal(folder.Metrics.CalibrationError!.Value, fromFile.CalibrationError!.Value, 6); // at the recorded temperature
    }

    [Fact]
    public async Task Training_into_an_existing_folder_is_refused_unless_asked()
    {
        var exitCode = await FaceMaskCli.RunAsync(["train", "--split", trained.Split, "--out", trained.ModelPath, "--epochs", "1"]);

        Assert.Equal(CliConsole.BadInput, exitCode);
        Assert.NotNull(ModelFolder.Load(trained.ModelPath).Metrics); // untouched
    }
}
