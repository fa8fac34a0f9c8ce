using FaceMask.Training.Keras;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Activation = FaceMask.Training.Keras.Activation;

namespace FaceMask.Training.Torch;

/// <summary>
/// A Keras model spec built as TorchSharp modules, for training. Takes NHWC batches (what the
/// shared preprocessing writes, and what Keras takes), computes in NCHW, returns what Keras returns.
/// Weights move in and out in Keras layout, so a trained model saves as a Keras .h5.
/// </summary>
public sealed class TorchKerasModel : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<KerasTorchLayer> layers = new();

    /// <summary>Builds the layers with Keras' default initialisation (glorot_uniform kernels, zero biases).</summary>
    public TorchKerasModel(KerasModelSpec spec) : base(spec.Name)
    {
        Spec = spec;
        foreach (var traced in spec.Traced.Where(t => t.Layer is not InputLayerSpec))
        {
            layers.Add(traced.Layer switch
            {
                RescalingSpec rescaling => new RescalingLayer(rescaling),
                Conv2DSpec or DepthwiseConv2DSpec or SeparableConv2DSpec => new ConvolutionLayer(traced.Layer, traced.Input),
                Pooling2DSpec pooling => new PoolingLayer(pooling),
                GlobalPooling2DSpec global => new GlobalPoolingLayer(global),
                BatchNormalizationSpec norm => new BatchNormalizationLayer(norm, traced.Input),
                ActivationSpec activation => new ActivationLayer(activation),
                ReLUSpec relu => new ReLULayer(relu),
                DropoutSpec dropout => new DropoutLayer(dropout),
                FlattenSpec flatten => new FlattenLayer(flatten),
                DenseSpec dense => new DenseLayer(dense, traced.Input),
                MergeSpec merge => new MergeLayer(merge),
                ZeroPadding2DSpec pad => new ZeroPaddingLayer(pad),
                ReshapeSpec reshape => new ReshapeLayer(reshape, traced.Output),
                _ => throw new InvalidDataException($"Layer '{traced.Layer.Name}' ({traced.Layer.ClassName}) has no TorchSharp builder."),
            });
        }

        register_module("layers", layers);
    }

    public KerasModelSpec Spec { get; }

    public static TorchKerasModel FromKeras(KerasModel model)
    {
        var torchModel = new TorchKerasModel(model.Spec);
        foreach (var layer in torchModel.layers)
        {
            if (model.Weights.TryGetValue(layer.GetName(), out var weights))
            {
                layer.Load(weights);
            }
        }

        return torchModel;
    }

    /// <summary>The current weights as a Keras model.</summary>
    public KerasModel ToKeras() =>
        new(Spec, layers.Select(l => (l.GetName(), Weights: l.Export()))
            .Where(l => l.Weights.Count > 0)
            .ToDictionary(l => l.Item1, l => l.Weights));

    /// <summary>
    /// The scores before the final softmax, for a numerically sound cross-entropy loss. The model
    /// must end in a softmax (a Dense layer with softmax activation, or a softmax activation layer).
    /// </summary>
    public Tensor ForwardLogits(Tensor input) => Run(input, logits: true);

    /// <summary>Runs an NHWC batch (or a (batch, features) one for vector-input models).</summary>
    public override Tensor forward(Tensor input)
    {
        var x = Run(input, logits: false);
        return x.dim() == 4 ? x.permute(0, 2, 3, 1) : x;
    }

    /// <summary>Each layer on the tensors of the layers feeding it, in the spec's order; the last one's output.</summary>
    private Tensor Run(Tensor input, bool logits)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [Spec.Layers[0].Name] = input.dim() == 4 ? input.permute(0, 3, 1, 2) : input };
        for (var i = 0; i < layers.Count; i++)
        {
            var inputs = Spec.Traced[i + 1].From.Select(f => tensors[f]).ToList();
            tensors[Spec.Traced[i + 1].Layer.Name] = i < layers.Count - 1 || !logits ? layers[i].Forward(inputs) : Logits(layers[i], inputs);
        }

        return tensors[Spec.Layers[^1].Name];
    }

    private static Tensor Logits(KerasTorchLayer last, List<Tensor> inputs) => last switch
    {
        DenseLayer dense when dense.Activation == Activation.Softmax => dense.Linear(inputs.Single()),
        ActivationLayer activation when activation.Activation == Activation.Softmax => inputs.Single(),
        _ => throw new InvalidOperationException($"The model must end in a softmax to be trained as a classifier; its last layer '{last.GetName()}' does not."),
    };
}
