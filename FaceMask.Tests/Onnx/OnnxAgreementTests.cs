using FaceMask.Tests.Keras;
using FaceMask.Tests.Support;
using FaceMask.Training.Keras;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;
using FaceMask.Training.Onnx;
using Microsoft.ML.OnnxRuntime;
using ModelMetadata = FaceMask.Training.Models.ModelMetadata;

namespace FaceMask.Tests.Onnx;

/// <summary>The ONNX graph the service runs computes what TorchSharp (training) and the numpy reference compute.</summary>
[Collection(FaceMask.Tests.Cli.CliCollection.Name)]
public class OnnxAgreementTests
{
    public static TheoryData<string> Fixtures => [.. KerasFixture.Names];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Onnx_runtime_matches_the_python_reference_and_torchsharp(string name)
    {
        var fixture = KerasFixture.Load(name);
        var model = KerasH5.Read(KerasFixture.ModelPath(name));

        var onnx = Run(model, fixture.Input, (int)fixture.InputShape[0]);
        var torch = KerasH5Tests.Forward(model, fixture);

        KerasH5Tests.AssertClose(fixture.Output, onnx, 1e-5f);
        KerasH5Tests.AssertClose(torch, onnx, 1e-4f);
    }

    /// <summary>Every layer type and option, including those the Python fixtures do not use, with random weights.</summary>
    [Fact]
    public void Every_supported_layer_type_agrees_between_onnx_and_torchsharp()
    {
        var spec = new KerasModelSpec("every_option",
        [
            new InputLayerSpec("input", LayerShape.Image(13, 10, 3)),
            new RescalingSpec("rescale", 2f, -1f),
            new Conv2DSpec("conv_same", 6, new Window(3, 3, 2, 2, Padding.Same), Activation.Relu, UseBias: true),
            new BatchNormalizationSpec("bn_plain", 1e-3f, 0.99f, Center: false, Scale: false),
            new DepthwiseConv2DSpec("dw", new Window(3, 2, 1, 2, Padding.Same), 3, Activation.Relu6, UseBias: false),
            new ActivationSpec("sigmoid", Activation.Sigmoid),
            new SeparableConv2DSpec("sep", 5, new Window(2, 2, 1, 1, Padding.Same), 2, Activation.Linear, UseBias: false),
            new ReLUSpec("relu_capped_leaky", 0.5f, 0.2f),
            new Pooling2DSpec("avg_valid", PoolKind.Average, new Window(2, 2, 1, 1, Padding.Valid)),
            new Pooling2DSpec("max_valid", PoolKind.Max, new Window(3, 1, 2, 1, Padding.Valid)),
            new ActivationSpec("softplus", Activation.Softplus),
            new Conv2DSpec("conv_valid", 4, new Window(1, 2, 1, 1, Padding.Valid), Activation.Swish, UseBias: false),
            new FlattenSpec("flatten"),
            new DenseSpec("dense", 7, Activation.Linear, UseBias: true),
            new BatchNormalizationSpec("bn_vector", 1e-2f, 0.9f, Center: true, Scale: true),
            new ActivationSpec("hard_sigmoid", Activation.HardSigmoid),
            new DropoutSpec("dropout", 0.5f),
            new DenseSpec("out", 3, Activation.Linear, UseBias: false),
            new ActivationSpec("probs", Activation.Softmax, "Softmax"),
        ]);
        var model = RandomWeights(spec, seed: 5);
        var random = new Random(6);
        var input = Enumerable.Range(0, 3 * spec.InputShape.Elements).Select(_ => (float)random.NextDouble()).ToArray();
        var fixture = new KerasFixture([3, 13, 10, 3], input, [3, 3], []);

        var torch = KerasH5Tests.Forward(model, fixture);
        var onnx = Run(model, input, 3);

        KerasH5Tests.AssertClose(torch, onnx, 1e-4f);
    }

    [Fact]
    public async Task Export_onnx_writes_the_graph_the_service_runs()
    {
        using var directory = new TempDirectory();
        var model = KerasH5.Read(KerasFixture.ModelPath("average_head_keras22"));
        var metadata = new ModelMetadata("fixture", ["a", "b", "c"], [6, 6], new PreprocessingMetadata("RGB", 1, 0), "fixture", model.Spec.Parameters, model.Spec.MegaFlops, null, null, null, DateTimeOffset.UtcNow, null);
        ModelFolder.Save(directory.Combine("model"), model, metadata, null, overwrite: false);

        Assert.Equal(0, await FaceMask.Training.Cli.FaceMaskCli.RunAsync(["export-onnx", "--model", directory.Combine("model"), "--out", directory.Combine("model.onnx")]));

        using var session = new InferenceSession(directory.Combine("model.onnx"));
        Assert.Equal([KerasOnnxConverter.InputName], session.InputMetadata.Keys);
        Assert.Equal([-1, 6, 6, 3], session.InputMetadata[KerasOnnxConverter.InputName].Dimensions);
        Assert.Equal(KerasOnnxConverter.ToBytes(model), File.ReadAllBytes(directory.Combine("model.onnx")));
    }

    internal static float[] Run(KerasModel model, float[] input, int count)
    {
        var metadata = new ModelMetadata("test", Enumerable.Range(0, model.Spec.OutputShape.Elements).Select(i => $"c{i}").ToList(),
            [model.Spec.InputShape.Height, model.Spec.InputShape.Width], new PreprocessingMetadata("RGB", 1, 0), "test", 0, 0, null, null, null, DateTimeOffset.UtcNow, null);
        using var onnx = OnnxModel.Load(new ModelFolder("memory", model, metadata, null));
        return onnx.Run(input, count).SelectMany(row => row).ToArray();
    }

    internal static KerasModel RandomWeights(KerasModelSpec spec, int seed)
    {
        var random = new Random(seed);
        var fresh = TrainingPipeline.FreshWeights(spec, seed);
        return new KerasModel(spec, fresh.Weights.ToDictionary(
            layer => layer.Key,
            layer => (IReadOnlyDictionary<string, WeightTensor>)layer.Value.ToDictionary(
                w => w.Key,
                w => new WeightTensor(w.Value.Shape, w.Value.Data.Select(_ => w.Key == "moving_variance" ? 0.5f + (float)random.NextDouble() : (float)(random.NextDouble() - 0.5)).ToArray()))));
    }
}
