using System.Text.Json;

namespace FaceMask.Tests.Support;

/// <summary>A reference input and output written by Fixtures/Keras/make_keras_fixtures.py.</summary>
public sealed record KerasFixture(long[] InputShape, float[] Input, long[] OutputShape, float[] Output)
{
    public static string Directory => Path.Combine(RepositoryPaths.Root, "FaceMask.Tests", "Fixtures", "Keras");

    public static IEnumerable<string> Names => ["every_layer_h5py3", "every_layer_h5py2", "global_heads_h5py3", "average_head_keras22", "every_layer_functional_keras2", "every_layer_functional_keras3", "residual_graph_keras2", "residual_graph_keras3", "nested_functional", "mobilenetv2_transfer_keras2"];

    public static string ModelPath(string name) => Path.Combine(Directory, name + ".h5");

    public static KerasFixture Load(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, name + ".json")));
        var root = document.RootElement;
        return new KerasFixture(
            root.GetProperty("input_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
            root.GetProperty("input").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray(),
            root.GetProperty("output_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
            root.GetProperty("output").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray());
    }
}
