namespace FaceMask.Training.Keras;

/// <summary>A weight tensor in Keras layout (conv kernels HWIO, dense kernels (in, out)), row-major.</summary>
public sealed record WeightTensor(int[] Shape, float[] Data)
{
    public int Elements => Data.Length;
}

/// <summary>
/// A Keras model: architecture plus weights, keyed by layer name and then by Keras weight name
/// (<c>kernel</c>, <c>bias</c>, <c>gamma</c>, ...). The exchange format between the .h5 file,
/// the TorchSharp trainer and the ONNX builder.
/// </summary>
public sealed class KerasModel
{
    public KerasModel(KerasModelSpec spec, IReadOnlyDictionary<string, IReadOnlyDictionary<string, WeightTensor>> weights)
    {
        foreach (var (layer, expected) in spec.WeightedLayers())
        {
            if (!weights.TryGetValue(layer.Name, out var actual))
            {
                throw new InvalidDataException($"Layer '{layer.Name}' has no weights.");
            }

            foreach (var weight in expected)
            {
                if (!actual.TryGetValue(weight.Name, out var tensor))
                {
                    throw new InvalidDataException($"Layer '{layer.Name}' is missing weight '{weight.Name}'.");
                }

                if (!tensor.Shape.SequenceEqual(weight.Shape) || tensor.Data.Length != weight.Elements)
                {
                    throw new InvalidDataException(
                        $"Layer '{layer.Name}' weight '{weight.Name}' has shape ({string.Join(", ", tensor.Shape)}); the architecture needs ({string.Join(", ", weight.Shape)}).");
                }
            }
        }

        Spec = spec;
        Weights = weights;
    }

    public KerasModelSpec Spec { get; }

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, WeightTensor>> Weights { get; }

    public WeightTensor Weight(string layer, string name) => Weights[layer][name];
}
