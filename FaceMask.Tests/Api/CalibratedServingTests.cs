using System.Net.Http.Json;
using System.Text.Json;
using FaceMask.Tests.Support;
using FaceMask.Training.Common;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Models;
using FaceMask.Training.Synthetic;

namespace FaceMask.Tests.Api;

/// <summary>A calibrated model is served at its recorded temperature, and verdicts under <c>Inference:UncertainBelow</c> say so.</summary>
public sealed class CalibratedServingTests(CalibratedServingTests.Service service) : IClassFixture<CalibratedServingTests.Service>
{
    private const double UncertainBelow = 0.5;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public sealed class Service : ServedApi
    {
        public string ModelPath { get; private set; } = string.Empty;

        protected override IReadOnlyDictionary<string, string?> Settings()
        {
            // An untrained network (about a third per class) made sharp by its temperature: what is served must be the sharpened answer.
            ModelPath = TestModels.Write(Directory.Path, "calibrated-v1", seed: 5);
            var metadataPath = Path.Combine(ModelPath, ModelMetadata.FileName);
            var metadata = Json.Deserialize<ModelMetadata>(File.ReadAllText(metadataPath));
            File.WriteAllText(metadataPath, Json.Serialize(metadata with { Calibration = new CalibrationMetadata(0.02, "val", 100, 0.3, 0.02) }));
            return new Dictionary<string, string?>
            {
                ["Model:Path"] = ModelPath,
                ["Inference:UncertainBelow"] = UncertainBelow.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["RateLimiting:Enabled"] = "false",
            };
        }
    }

    [Fact]
    public async Task Predictions_are_served_at_the_recorded_temperature_and_flag_low_confidence()
    {
        using var onnx = OnnxModel.Load(ModelFolder.Load(service.ModelPath));
        var flagged = new List<bool>();
        for (var seed = 0; seed < 12; seed++)
        {
            var image = TestImages.Face((MaskState)(seed % 3), seed);
            var raw = onnx.Session.Run(Preprocessed(onnx, image), 1)[0];
            var expected = (float[])raw.Clone();
            Calibration.Apply(expected, 0.02);

            using var response = await service.Client.PostAsync("/api/predict", PredictionApiTests.Upload("file", image), Cancel);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            var served = onnx.Classes.Select(c => body.GetProperty("probabilities").GetProperty(c).GetDouble()).ToArray();
            for (var c = 0; c < served.Length; c++)
            {
                Assert.Equal(expected[c], served[c], 4);
            }

            Assert.True(served.Max() > raw.Max() + 0.05, "the temperature sharpens the untrained network's near-even answer");
            var confidence = body.GetProperty("confidence").GetDouble();
            Assert.Equal(confidence < UncertainBelow, body.GetProperty("uncertain").GetBoolean());
            flagged.Add(body.GetProperty("uncertain").GetBoolean());
        }

        TestContext.Current.SendDiagnosticMessage($"{flagged.Count(f => f)} of {flagged.Count} verdicts uncertain below {UncertainBelow}");
    }

    private static float[] Preprocessed(OnnxModel onnx, byte[] image)
    {
        var input = new float[onnx.Preprocessing.InputLength];
        FaceMask.Training.Imaging.ImagePreprocessor.Preprocess(image, onnx.Preprocessing, input);
        return input;
    }
}
