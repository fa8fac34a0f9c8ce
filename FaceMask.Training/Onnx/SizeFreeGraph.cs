using Onnx;

namespace FaceMask.Training.Onnx;

/// <summary>
/// Frees a fully convolutional graph exported at one fixed input size (MediaPipe's BlazeFace as
/// converted for Barracuda) to take any height, width and batch, so one pass covers a whole photo
/// instead of one small square per call. The export fixes the size in two places only: channel
/// padding written as <c>Concat(x, ConstantOfShape([1, c, h, w]))</c>, which becomes a
/// <c>Pad</c> of c zero channels, and the heads' <c>Reshape</c> to <c>[1, anchors, k]</c>, which
/// becomes <c>[batch, -1, k]</c>. The arithmetic is unchanged: at the exported size the freed graph
/// computes what the original does, up to float rounding (ONNX Runtime picks other kernels).
/// </summary>
public static class SizeFreeGraph
{
    /// <summary>Rewrites <paramref name="model"/> in place; throws when its graph is not of the kind described above.</summary>
    public static ModelProto Free(ModelProto model)
    {
        var graph = model.Graph;
        var initializers = graph.Initializer.ToDictionary(i => i.Name);
        var zeroChannels = new Dictionary<string, long>(); // ConstantOfShape output -> channels it adds
        var nodes = new List<NodeProto>();
        foreach (var node in graph.Node)
        {
            switch (node.OpType)
            {
                case "ConstantOfShape":
                    zeroChannels[node.Output[0]] = Int64s(initializers[node.Input[0]])[1];
                    break;
                case "Concat" when node.Input.Count == 2 && zeroChannels.TryGetValue(node.Input[1], out var channels):
                    var pads = Int64Constant($"{node.Output[0]}/pads", [0, 0, 0, 0, 0, channels, 0, 0]);
                    graph.Initializer.Add(pads);
                    nodes.Add(new NodeProto { OpType = "Pad", Name = node.Name, Input = { node.Input[0], pads.Name }, Output = { node.Output[0] } });
                    break;
                case "Reshape":
                    var shape = Int64s(initializers[node.Input[1]]);
                    if (shape.Length != 3 || shape[0] != 1)
                    {
                        throw new InvalidDataException($"Reshape '{node.Name}' to [{string.Join(", ", shape)}] is not a detection head's [1, anchors, k].");
                    }

                    var free = Int64Constant($"{node.Output[0]}/shape", [0, -1, shape[2]]); // 0 keeps the batch, -1 counts the anchors
                    graph.Initializer.Add(free);
                    node.Input[1] = free.Name;
                    nodes.Add(node);
                    break;
                default:
                    nodes.Add(node);
                    break;
            }
        }

        if (nodes.Any(n => n.OpType == "Concat" && n.Input.Any(zeroChannels.ContainsKey)))
        {
            throw new InvalidDataException("A ConstantOfShape feeds something other than channel padding; the graph cannot be freed.");
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        graph.ValueInfo.Clear(); // shapes inferred at the export size would now be wrong
        var used = nodes.SelectMany(n => n.Input).ToHashSet();
        var unused = graph.Initializer.Where(i => !used.Contains(i.Name)).ToList();
        foreach (var initializer in unused)
        {
            graph.Initializer.Remove(initializer);
        }

        Name(graph.Input.Single(), "batch", "height", "width");
        foreach (var output in graph.Output)
        {
            Name(output, "batch", "anchors");
        }

        return model;
    }

    private static void Name(ValueInfoProto value, params string[] names)
    {
        var dims = value.Type.TensorType.Shape.Dim;
        for (var i = 0; i < names.Length; i++)
        {
            dims[i] = new TensorShapeProto.Types.Dimension { DimParam = names[i] };
        }
    }

    private static long[] Int64s(TensorProto tensor)
    {
        if (tensor.Int64Data.Count > 0)
        {
            return [.. tensor.Int64Data];
        }

        var raw = tensor.RawData.Span;
        var values = new long[raw.Length / sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BitConverter.ToInt64(raw.Slice(i * sizeof(long), sizeof(long)));
        }

        return values;
    }

    private static TensorProto Int64Constant(string name, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }
}
