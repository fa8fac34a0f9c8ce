namespace FaceMask.Training.Keras;

/// <summary>One layer with the shapes flowing in and out of it.</summary>
public sealed record TracedLayer(KerasLayer Layer, LayerShape Input, LayerShape Output);

/// <summary>
/// A Keras model's architecture: for now a Sequential stack starting with an InputLayer.
/// Parsed from and written to the Keras <c>model_config</c> JSON by <see cref="KerasConfig"/>.
/// </summary>
public sealed class KerasModelSpec
{
    public KerasModelSpec(string name, IReadOnlyList<KerasLayer> layers)
    {
        if (layers.Count == 0 || layers[0] is not InputLayerSpec)
        {
            throw new InvalidDataException("A Sequential model must start with an InputLayer (or a layer with batch_input_shape).");
        }

        var duplicate = layers.GroupBy(l => l.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"Layer name '{duplicate.Key}' is used more than once.");
        }

        Name = name;
        Layers = layers;

        // Walking the shapes once validates the whole stack (windows fit, Dense gets a vector).
        var traced = new List<TracedLayer>();
        var shape = ((InputLayerSpec)layers[0]).Shape;
        foreach (var layer in layers)
        {
            var output = layer.OutputShape(shape);
            traced.Add(new TracedLayer(layer, shape, output));
            shape = output;
        }

        Traced = traced;
    }

    public string Name { get; }

    public IReadOnlyList<KerasLayer> Layers { get; }

    /// <summary>Every layer with its input and output shape, in order.</summary>
    public IReadOnlyList<TracedLayer> Traced { get; }

    public LayerShape InputShape => ((InputLayerSpec)Layers[0]).Shape;

    public LayerShape OutputShape => Traced[^1].Output;

    /// <summary>Layers that carry weights, in order, with the weights each expects.</summary>
    public IEnumerable<(KerasLayer Layer, IReadOnlyList<WeightSpec> Weights)> WeightedLayers() =>
        Traced.Select(t => (t.Layer, t.Layer.Weights(t.Input))).Where(l => l.Item2.Count > 0);

    public long Parameters => Traced.Sum(t => t.Layer.Weights(t.Input).Sum(w => (long)w.Elements));

    public long MultiplyAccumulates => Traced.Sum(t => t.Layer.MultiplyAccumulates(t.Input));

    /// <summary>Floating-point operations per image, in millions (two per multiply-accumulate).</summary>
    public double MegaFlops => MultiplyAccumulates * 2 / 1e6;
}
