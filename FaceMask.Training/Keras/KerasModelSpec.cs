namespace FaceMask.Training.Keras;

/// <summary>One layer with the layers feeding it and the shapes flowing in and out of it.</summary>
public sealed record TracedLayer(KerasLayer Layer, IReadOnlyList<string> From, IReadOnlyList<LayerShape> Inputs, LayerShape Output)
{
    /// <summary>The (first) input's shape: what a one-input layer's weights are sized by.</summary>
    public LayerShape Input => Inputs[0];
}

/// <summary>
/// A Keras model's architecture: a graph of layers in an order where each comes after the layers
/// feeding it, from one InputLayer to one output (the last layer). A Sequential model is the chain
/// where each layer is fed by the one before. Parsed from and written to the Keras
/// <c>model_config</c> JSON by <see cref="KerasConfig"/>.
/// </summary>
public sealed class KerasModelSpec
{
    /// <param name="inbound">The names of the layers feeding each layer (none for the InputLayer); null: a chain, each fed by the one before.</param>
    /// <param name="weightGroups">Layers of a nested model whose weights a Keras file keeps under that model's group: layer name to group name.</param>
    public KerasModelSpec(string name, IReadOnlyList<KerasLayer> layers, IReadOnlyList<IReadOnlyList<string>>? inbound = null, IReadOnlyDictionary<string, string>? weightGroups = null)
    {
        if (layers.Count == 0 || layers[0] is not InputLayerSpec)
        {
            throw new InvalidDataException("A model must start with an InputLayer (or a layer with batch_input_shape).");
        }

        if (layers.Skip(1).FirstOrDefault(l => l is InputLayerSpec) is { } secondInput)
        {
            throw new InvalidDataException($"Layer '{secondInput.Name}' is a second input: only models with one input can be read.");
        }

        var duplicate = layers.GroupBy(l => l.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"Layer name '{duplicate.Key}' is used more than once.");
        }

        inbound ??= layers.Select((_, i) => i == 0 ? Array.Empty<string>() : [layers[i - 1].Name]).ToList();
        if (inbound.Count != layers.Count)
        {
            throw new ArgumentException("Every layer needs its list of inbound layers.", nameof(inbound));
        }

        // Walking the shapes once, in order, validates the whole graph (windows fit, merges match, Dense gets a vector).
        var shapes = new Dictionary<string, LayerShape>(StringComparer.Ordinal);
        var traced = new List<TracedLayer>();
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var from = inbound[i];
            if (i == 0 ? from.Count != 0 : from.Count == 0)
            {
                throw new InvalidDataException(i == 0 ? $"The InputLayer '{layer.Name}' cannot take inputs." : $"Layer '{layer.Name}' takes no input.");
            }

            var inputs = i == 0
                ? [((InputLayerSpec)layer).Shape]
                : from.Select(f => shapes.TryGetValue(f, out var shape) ? shape
                    : throw new InvalidDataException($"Layer '{layer.Name}' takes its input from '{f}', which is not a layer before it.")).ToList();
            var output = layer.OutputShape(inputs);
            traced.Add(new TracedLayer(layer, from, inputs, output));
            shapes[layer.Name] = output;
        }

        var used = inbound.SelectMany(f => f).ToHashSet(StringComparer.Ordinal);
        if (layers.Take(layers.Count - 1).FirstOrDefault(l => !used.Contains(l.Name)) is { } deadEnd)
        {
            throw new InvalidDataException($"Layer '{deadEnd.Name}' feeds no other layer and is not the output: only models with one output can be read.");
        }

        Name = name;
        Layers = layers;
        Traced = traced;
        WeightGroups = weightGroups ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    public string Name { get; }

    public IReadOnlyList<KerasLayer> Layers { get; }

    /// <summary>Every layer with its inputs and output shape, in order.</summary>
    public IReadOnlyList<TracedLayer> Traced { get; }

    /// <summary>Where a nested model's layers keep their weights in the file they were read from (layer name to the nested model's group).</summary>
    public IReadOnlyDictionary<string, string> WeightGroups { get; }

    /// <summary>Each layer fed by the one before it: written as a Sequential model.</summary>
    public bool IsChain => Traced.Skip(1).Select((t, i) => t.From.Count == 1 && t.From[0] == Layers[i].Name).All(x => x);

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
