using FaceMask.Training.Keras;

namespace FaceMask.Training.Learning;

/// <summary>
/// The model architectures the trainer can build, as Keras specs. <see cref="Default"/> is the one
/// the shipped model uses; docs/model-card.md records what was measured when choosing it.
/// </summary>
public static class Architectures
{
    public const string Default = "facemask-wide";

    public static IReadOnlyList<string> Names { get; } = ["facemask-cnn", "facemask-separable", "facemask-wide"];

    public static KerasModelSpec Create(string name, int inputSize, int classes) => name switch
    {
        "facemask-cnn" => Plain(name, inputSize, classes, [16, 32, 64, 128]),
        "facemask-wide" => Plain(name, inputSize, classes, [24, 48, 96, 192]),
        "facemask-separable" => Separable(name, inputSize, classes),
        _ => throw new ArgumentException($"Unknown architecture '{name}'. Known: {string.Join(", ", Names)}."),
    };

    /// <summary>
    /// A strided stem, then 3x3 convolution + batch norm + ReLU blocks with max pooling between them,
    /// global average pooling and a softmax classifier.
    /// </summary>
    private static KerasModelSpec Plain(string name, int inputSize, int classes, int[] widths)
    {
        var layers = new List<KerasLayer> { new InputLayerSpec("input", LayerShape.Image(inputSize, inputSize, 3)) };
        for (var block = 0; block < widths.Length; block++)
        {
            var stride = block == 0 ? 2 : 1;
            layers.Add(new Conv2DSpec($"conv{block + 1}", widths[block], new Window(3, 3, stride, stride, Padding.Same), Activation.Linear, UseBias: false));
            layers.Add(new BatchNormalizationSpec($"bn{block + 1}", 1e-3f, 0.99f, Center: true, Scale: true));
            layers.Add(new ActivationSpec($"relu{block + 1}", Activation.Relu));
            if (block is > 0 and < 3)
            {
                layers.Add(new Pooling2DSpec($"pool{block + 1}", PoolKind.Max, new Window(2, 2, 2, 2, Padding.Valid)));
            }
        }

        layers.Add(new GlobalPooling2DSpec("gap", PoolKind.Average));
        layers.Add(new DropoutSpec("dropout", 0.3f));
        layers.Add(new DenseSpec("predictions", classes, Activation.Softmax, UseBias: true));
        return new KerasModelSpec(name, layers);
    }

    /// <summary>A MobileNet-style stack of depthwise-separable blocks: about a quarter of the plain CNN's operations.</summary>
    private static KerasModelSpec Separable(string name, int inputSize, int classes)
    {
        var layers = new List<KerasLayer>
        {
            new InputLayerSpec("input", LayerShape.Image(inputSize, inputSize, 3)),
            new Conv2DSpec("stem", 16, new Window(3, 3, 2, 2, Padding.Same), Activation.Linear, UseBias: false),
            new BatchNormalizationSpec("stem_bn", 1e-3f, 0.99f, true, true),
            new ReLUSpec("stem_relu", 6, 0),
        };
        var widths = new[] { 32, 64, 128, 128 };
        for (var block = 0; block < widths.Length; block++)
        {
            var stride = block is 1 or 2 ? 2 : 1;
            layers.Add(new DepthwiseConv2DSpec($"dw{block + 1}", new Window(3, 3, stride, stride, Padding.Same), 1, Activation.Linear, UseBias: false));
            layers.Add(new BatchNormalizationSpec($"dw{block + 1}_bn", 1e-3f, 0.99f, true, true));
            layers.Add(new ReLUSpec($"dw{block + 1}_relu", 6, 0));
            layers.Add(new Conv2DSpec($"pw{block + 1}", widths[block], new Window(1, 1, 1, 1, Padding.Valid), Activation.Linear, UseBias: false));
            layers.Add(new BatchNormalizationSpec($"pw{block + 1}_bn", 1e-3f, 0.99f, true, true));
            layers.Add(new ReLUSpec($"pw{block + 1}_relu", 6, 0));
        }

        layers.Add(new GlobalPooling2DSpec("gap", PoolKind.Average));
        layers.Add(new DropoutSpec("dropout", 0.3f));
        layers.Add(new DenseSpec("predictions", classes, Activation.Softmax, UseBias: true));
        return new KerasModelSpec(name, layers);
    }
}
