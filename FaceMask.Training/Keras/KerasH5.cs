using FaceMask.Training.Common;
using PureHDF;
using PureHDF.VOL.Native;

namespace FaceMask.Training.Keras;

/// <summary>
/// Keras 2 <c>.h5</c> model files (PureHDF, no native HDF5). Layout: root attributes
/// <c>model_config</c>, <c>keras_version</c>, <c>backend</c>; group <c>model_weights</c> with
/// <c>layer_names</c>; a group per layer with <c>weight_names</c>; datasets at
/// <c>model_weights/&lt;layer&gt;/&lt;layer&gt;/&lt;weight&gt;:0</c>.
/// </summary>
public static class KerasH5
{
    private const string WeightsGroup = "model_weights";

    /// <summary>Writes the model atomically: a failed write leaves no file (or the previous one) behind.</summary>
    public static void Write(KerasModel model, string path)
    {
        var weights = new H5Group
        {
            Attributes = new()
            {
                ["layer_names"] = model.Spec.Layers.Where(l => l is not InputLayerSpec).Select(l => l.Name).ToArray(),
                ["backend"] = "tensorflow",
                ["keras_version"] = KerasConfig.KerasVersion,
            },
        };

        foreach (var traced in model.Spec.Traced.Where(t => t.Layer is not InputLayerSpec))
        {
            var layer = traced.Layer;
            var expected = layer.Weights(traced.Input);
            var group = new H5Group();
            var inner = new H5Group();
            foreach (var weight in expected)
            {
                var tensor = model.Weight(layer.Name, weight.Name);
                inner[$"{weight.Name}:0"] = new H5Dataset(tensor.Data, fileDims: tensor.Shape.Select(d => (ulong)d).ToArray());
            }

            // Keras writes an empty float array, not an empty string array, for weightless layers.
            group.Attributes["weight_names"] = expected.Count == 0
                ? new H5Attribute(Array.Empty<double>(), [0])
                : expected.Select(w => $"{layer.Name}/{w.Name}:0").ToArray();
            if (expected.Count > 0)
            {
                group[layer.Name] = inner;
            }

            weights[layer.Name] = group;
        }

        var file = new H5File
        {
            Attributes = new()
            {
                ["model_config"] = KerasConfig.Write(model.Spec),
                ["keras_version"] = KerasConfig.KerasVersion,
                ["backend"] = "tensorflow",
            },
            [WeightsGroup] = weights,
        };

        AtomicFile.Write(path, stream => file.Write(stream));
    }

    /// <summary>Reads a Keras 2 <c>.h5</c> model (h5py 2 fixed-length or h5py 3 variable-length strings).</summary>
    /// <exception cref="InvalidDataException">The file is not a readable Keras model; the message says why.</exception>
    public static KerasModel Read(string path)
    {
        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new InvalidDataException($"'{path}' is not an HDF5 file: {e.Message}", e);
        }

        using (file)
        {
            try
            {
                return Read(file, path);
            }
            catch (Exception e) when (e is not InvalidDataException and not OutOfMemoryException)
            {
                // PureHDF meets a cut-off or damaged file as whatever its reader hits first (end of stream, a bad offset).
                throw new InvalidDataException($"'{path}' could not be read as a Keras model; it may be truncated or damaged: {e.Message}", e);
            }
        }
    }

    private static KerasModel Read(NativeFile file, string path)
    {
        if (!file.AttributeExists("model_config"))
        {
            throw new InvalidDataException($"'{path}' has no model_config attribute: it holds weights only, or is not a Keras model file.");
        }

        var spec = KerasConfig.Parse(ReadString(file.Attribute("model_config")));
        IH5Group weightsRoot = file.LinkExists(WeightsGroup) ? file.Group(WeightsGroup) : file;
        var layersInFile = ReadStrings(weightsRoot, "layer_names").ToHashSet(StringComparer.Ordinal);

        var weights = new Dictionary<string, IReadOnlyDictionary<string, WeightTensor>>();
        foreach (var (layer, expected) in spec.WeightedLayers())
        {
            if (spec.WeightGroups.TryGetValue(layer.Name, out var nested))
            {
                weights[layer.Name] = ReadNested(path, weightsRoot, layersInFile, nested, layer.Name, expected);
                continue;
            }

            if (!layersInFile.Contains(layer.Name) || !weightsRoot.LinkExists(layer.Name))
            {
                throw new InvalidDataException($"'{path}' has no weights for layer '{layer.Name}'.");
            }

            var group = weightsRoot.Group(layer.Name);
            var names = ReadStrings(group, "weight_names");
            if (names.Count != expected.Count)
            {
                throw new InvalidDataException(
                    $"Layer '{layer.Name}' has {names.Count} weights in the file ({string.Join(", ", names)}); its config needs {expected.Count} ({string.Join(", ", expected.Select(w => w.Name))}).");
            }

            // Keras assigns a layer's weights by position; the names only locate the datasets.
            weights[layer.Name] = expected.Select((weight, i) => (weight.Name, Tensor: ReadTensor(group, names[i])))
                .ToDictionary(w => w.Name, w => w.Tensor);
        }

        return new KerasModel(spec, weights);
    }

    /// <summary>
    /// A nested model's layer: its weights are listed in the nested model's group as
    /// <c>layer/weight:0</c> (all trainable ones first, so not in the layer's order); matched by name.
    /// </summary>
    private static Dictionary<string, WeightTensor> ReadNested(string path, IH5Group weightsRoot, HashSet<string> layersInFile, string group, string layer, IReadOnlyList<WeightSpec> expected)
    {
        if (!layersInFile.Contains(group) || !weightsRoot.LinkExists(group))
        {
            throw new InvalidDataException($"'{path}' has no weights for nested model '{group}'.");
        }

        var nested = weightsRoot.Group(group);
        var names = ReadStrings(nested, "weight_names").Where(n => n.Split('/') is { Length: >= 2 } parts && parts[^2] == layer).ToList();
        return expected.ToDictionary(w => w.Name, w =>
        {
            var name = names.FirstOrDefault(n => n.Split('/')[^1].Split(':')[0] == w.Name)
                ?? throw new InvalidDataException($"'{path}' has no weight '{w.Name}' for layer '{layer}' of nested model '{group}'.");
            return ReadTensor(nested, name);
        });
    }

    private static WeightTensor ReadTensor(IH5Group layerGroup, string weightName)
    {
        // Weight names appear with and without the ":0" suffix; the dataset may use either.
        var candidates = weightName.EndsWith(":0", StringComparison.Ordinal) ? new[] { weightName, weightName[..^2] } : [weightName, weightName + ":0"];
        var path = candidates.FirstOrDefault(layerGroup.LinkExists)
            ?? throw new InvalidDataException($"Weight dataset '{weightName}' is missing.");
        var dataset = layerGroup.Dataset(path);
        var shape = dataset.Space.Dimensions.Select(d => (int)d).ToArray();
        var data = dataset.Type.Size == 8
            ? dataset.Read<double[]>().Select(v => (float)v).ToArray()
            : dataset.Read<float[]>();
        return new WeightTensor(shape, data);
    }

    /// <summary>A string attribute; h5py 2 wrote fixed-length, h5py 3 variable-length strings.</summary>
    private static string ReadString(IH5Attribute attribute) =>
        attribute.Type.Class == H5DataTypeClass.String || attribute.Type.Class == H5DataTypeClass.VariableLength
            ? attribute.Read<string>()
            : throw new InvalidDataException($"Attribute '{attribute.Name}' is not a string.");

    /// <summary>
    /// A string-array attribute, also when Keras split it into <c>name0</c>, <c>name1</c>, ... (large
    /// models) or stored an empty float array (weightless layers).
    /// </summary>
    private static IReadOnlyList<string> ReadStrings(IH5Object owner, string name)
    {
        if (owner.AttributeExists(name))
        {
            return ReadStringArray(owner.Attribute(name));
        }

        var chunks = new List<string>();
        for (var i = 0; owner.AttributeExists($"{name}{i}"); i++)
        {
            chunks.AddRange(ReadStringArray(owner.Attribute($"{name}{i}")));
        }

        return chunks;
    }

    private static string[] ReadStringArray(IH5Attribute attribute) =>
        attribute.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength
            ? attribute.Read<string[]>().Select(s => s.TrimEnd('\0')).ToArray()
            : []; // Keras' empty float array for "no weights"
}
