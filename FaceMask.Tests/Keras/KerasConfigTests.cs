using FaceMask.Training.Keras;

namespace FaceMask.Tests.Keras;

public class KerasConfigTests
{
    private const string Template = """
        {"class_name": "Sequential", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 8, 8, 3]}},
          LAYER
        ]}}
        """;

    [Theory]
    [InlineData("""{"class_name": "LSTM", "config": {"name": "lstm_1", "units": 4}}""", "Unsupported Keras layer 'LSTM' (layer 'lstm_1')")]
    [InlineData("""{"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [3, 3], "dilation_rate": [2, 2]}}""", "Layer 'c' (Conv2D) uses dilation_rate [2,2]; only 1 is supported")]
    [InlineData("""{"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [3, 3], "padding": "causal"}}""", "Layer 'c' (Conv2D) uses padding 'causal'")]
    [InlineData("""{"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [3, 3], "data_format": "channels_first"}}""", "uses data_format 'channels_first'")]
    [InlineData("""{"class_name": "Dense", "config": {"name": "d", "units": 2, "activation": "gelu"}}""", "Layer 'd' (Dense) uses activation 'gelu'")]
    [InlineData("""{"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [9, 9]}}""", "Layer 'c': a 9x9 window does not fit input (8, 8, 3)")]
    [InlineData("""{"class_name": "Dense", "config": {"name": "d", "units": 2}}""", "Dense on an image shape")]
    [InlineData("""{"class_name": "ReLU", "config": {"name": "r", "threshold": 0.5}}""", "non-zero threshold")]
    public void Unsupported_layers_and_options_are_named_in_the_error(string layer, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => KerasConfig.Parse(Template.Replace("LAYER", layer)));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Functional_graphs_it_cannot_run_are_refused_naming_the_layer()
    {
        static string Refusal(string layers, string outputs = """[["out", 0, 0]]""") => Assert.Throws<InvalidDataException>(() => KerasConfig.Parse($$$"""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 4, 4, 2]}, "inbound_nodes": []},
              {{{layers}}}],
              "input_layers": [["in", 0, 0]], "output_layers": {{{outputs}}}}}
            """)).Message;

        // A one-input layer fed two tensors (Keras 2 inbound_nodes).
        Assert.Contains("Layer 'out': takes one input, not 2", Refusal("""
            {"class_name": "Conv2D", "name": "a", "config": {"name": "a", "filters": 2, "kernel_size": [1, 1]}, "inbound_nodes": [[["in", 0, 0, {}]]]},
            {"class_name": "Dropout", "name": "out", "config": {"name": "out", "rate": 0.1}, "inbound_nodes": [[["a", 0, 0, {}], ["in", 0, 0, {}]]]}
            """));

        // Merges whose shapes do not fit, and a concatenation along the height.
        Assert.Contains("Layer 'out': cannot merge inputs of shapes (4, 4, 3), (4, 4, 2)", Refusal("""
            {"class_name": "Conv2D", "name": "a", "config": {"name": "a", "filters": 3, "kernel_size": [1, 1]}, "inbound_nodes": [[["in", 0, 0, {}]]]},
            {"class_name": "Add", "name": "out", "config": {"name": "out"}, "inbound_nodes": [[["a", 0, 0, {}], ["in", 0, 0, {}]]]}
            """));
        Assert.Contains("Layer 'out': concatenates along axis 1; only the last axis (-1) is supported", Refusal("""
            {"class_name": "Concatenate", "name": "out", "config": {"name": "out", "axis": 1}, "inbound_nodes": [[["in", 0, 0, {}], ["in", 0, 0, {}]]]}
            """));

        // A layer called twice (shared weights), two outputs, and a branch that leads nowhere.
        Assert.Contains("Layer 'out' is called more than once", Refusal("""
            {"class_name": "Conv2D", "name": "out", "config": {"name": "out", "filters": 2, "kernel_size": [1, 1]}, "inbound_nodes": [[["in", 0, 0, {}]], [["in", 0, 0, {}]]]}
            """));
        Assert.Contains("2 outputs", Refusal(
            """{"class_name": "Flatten", "name": "out", "config": {"name": "out"}, "inbound_nodes": [[["in", 0, 0, {}]]]}""",
            """[["out", 0, 0], ["in", 0, 0]]"""));
        Assert.Contains("Layer 'side' feeds no other layer and is not the output", Refusal("""
            {"class_name": "Flatten", "name": "side", "config": {"name": "side"}, "inbound_nodes": [[["in", 0, 0, {}]]]},
            {"class_name": "GlobalAveragePooling2D", "name": "out", "config": {"name": "out"}, "inbound_nodes": [[["in", 0, 0, {}]]]}
            """));

        // A layer it has no builder for, deep inside a nested model, is named (Keras 3 inbound_nodes).
        Assert.Contains("Unsupported Keras layer 'Lambda' (layer 'custom')", Refusal("""
            {"class_name": "Sequential", "name": "out", "config": {"name": "out", "layers": [
               {"class_name": "Lambda", "config": {"name": "custom", "function": "..."}}]},
             "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["in", 0, 0]}}], "kwargs": {}}]}
            """));
    }

    [Fact]
    public void A_transfer_learning_graph_inlines_its_nested_trunk_and_remembers_where_its_weights_live()
    {
        // The usual MobileNetV2 recipe's shape: Input -> trunk (a nested Functional, called as Keras 2 node 1) -> pooling -> Dense.
        var spec = KerasConfig.Parse("""
            {"class_name": "Functional", "config": {"name": "transfer", "layers": [
              {"class_name": "InputLayer", "name": "image", "config": {"name": "image", "batch_input_shape": [null, 8, 8, 3]}, "inbound_nodes": []},
              {"class_name": "Functional", "name": "trunk", "config": {"name": "trunk", "layers": [
                  {"class_name": "InputLayer", "name": "trunk_in", "config": {"name": "trunk_in", "batch_input_shape": [null, 8, 8, 3]}, "inbound_nodes": []},
                  {"class_name": "Conv2D", "name": "c", "config": {"name": "c", "filters": 4, "kernel_size": [3, 3], "padding": "same"}, "inbound_nodes": [[["trunk_in", 0, 0, {}]]]},
                  {"class_name": "ReLU", "name": "c_relu", "config": {"name": "c_relu", "max_value": 6.0}, "inbound_nodes": [[["c", 0, 0, {}]]]},
                  {"class_name": "Add", "name": "skip", "config": {"name": "skip"}, "inbound_nodes": [[["c", 0, 0, {}], ["c_relu", 0, 0, {}]]]}],
                "input_layers": [["trunk_in", 0, 0]], "output_layers": [["skip", 0, 0]]},
               "inbound_nodes": [[["image", 0, 0, {}]]]},
              {"class_name": "GlobalAveragePooling2D", "name": "pool", "config": {"name": "pool"}, "inbound_nodes": [[["trunk", 1, 0, {}]]]},
              {"class_name": "Dense", "name": "probs", "config": {"name": "probs", "units": 2, "activation": "softmax"}, "inbound_nodes": [[["pool", 0, 0, {}]]]}],
              "input_layers": [["image", 0, 0]], "output_layers": [["probs", 0, 0]]}}
            """);

        Assert.Equal(["image", "c", "c_relu", "skip", "pool", "probs"], spec.Layers.Select(l => l.Name));
        Assert.Equal(["c", "c_relu"], spec.Traced[3].From);
        Assert.Equal(["image"], spec.Traced[1].From);
        Assert.Equal("trunk", spec.WeightGroups["c"]);
        Assert.False(spec.WeightGroups.ContainsKey("probs"));
        Assert.False(spec.IsChain);
        Assert.Equal(LayerShape.Vector(2), spec.OutputShape);

        // Teachable Machine's export: a Sequential of Sequentials, the trunk a Keras 2.2 "Model" whose input is named
        // like the implicit input of the whole (input_1): it is that tensor, not a loop.
        var teachable = KerasConfig.Parse("""
            {"class_name": "Sequential", "config": {"name": "sequential_4", "layers": [
              {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": [
                {"class_name": "Model", "config": {"name": "model1", "layers": [
                    {"name": "input_1", "class_name": "InputLayer", "config": {"name": "input_1", "batch_input_shape": [null, 8, 8, 3]}, "inbound_nodes": []},
                    {"name": "Conv1", "class_name": "Conv2D", "config": {"name": "Conv1", "filters": 4, "kernel_size": [3, 3]}, "inbound_nodes": [[["input_1", 0, 0, {}]]]}],
                  "input_layers": [["input_1", 0, 0]], "output_layers": [["Conv1", 0, 0]]}},
                {"class_name": "GlobalAveragePooling2D", "config": {"name": "pool"}}]}},
              {"class_name": "Sequential", "config": {"name": "sequential_3", "layers": [
                {"class_name": "Dense", "config": {"name": "dense_Dense2", "units": 2, "activation": "softmax", "batch_input_shape": [null, 4]}}]}}]}}
            """);
        Assert.Equal(["input_1", "Conv1", "pool", "dense_Dense2"], teachable.Layers.Select(l => l.Name));
        Assert.Equal("sequential_1", teachable.WeightGroups["Conv1"]); // a nested model's weights stay in its outermost group
        Assert.Equal("sequential_3", teachable.WeightGroups["dense_Dense2"]);

        // Written back flat, as a Functional model that reads the same.
        var again = KerasConfig.Parse(KerasConfig.Write(spec));
        Assert.Equal(spec.Traced.Select(t => (t.Layer, string.Join(",", t.From))), again.Traced.Select(t => (t.Layer, string.Join(",", t.From))));
    }

    [Fact]
    public void Reads_keras3_batch_shape_and_keras22_bare_layer_lists()
    {
        var keras3 = KerasConfig.Parse("""
            {"class_name": "Sequential", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [null, 4, 4, 1]}},
              {"class_name": "Flatten", "config": {"name": "f"}}]}}
            """);
        var keras22 = KerasConfig.Parse("""
            {"class_name": "Sequential", "config": [
              {"class_name": "Dense", "config": {"name": "d", "units": 2, "batch_input_shape": [null, 5]}}]}
            """);

        Assert.Equal(LayerShape.Vector(16), keras3.OutputShape);
        Assert.Equal(LayerShape.Vector(5), keras22.InputShape);
        Assert.Equal(12, keras22.Parameters);
    }

    [Fact]
    public void Written_configs_parse_back_to_the_same_model()
    {
        var spec = new KerasModelSpec("round_trip",
        [
            new InputLayerSpec("input", LayerShape.Image(10, 10, 3)),
            new RescalingSpec("scale", 1 / 255f, 0),
            new Conv2DSpec("conv", 8, new Window(3, 3, 2, 2, Padding.Same), Activation.Relu, UseBias: false),
            new BatchNormalizationSpec("bn", 1e-3f, 0.99f, Center: true, Scale: true),
            new ReLUSpec("relu6", 6, 0),
            new DepthwiseConv2DSpec("dw", new Window(3, 3, 1, 1, Padding.Same), 1, Activation.Linear, true),
            new SeparableConv2DSpec("sep", 4, new Window(3, 3, 1, 1, Padding.Valid), 1, Activation.Swish, true),
            new Pooling2DSpec("pool", PoolKind.Max, new Window(2, 2, 2, 2, Padding.Same)),
            new GlobalPooling2DSpec("gap", PoolKind.Average),
            new DropoutSpec("drop", 0.2f),
            new DenseSpec("out", 3, Activation.Softmax, true),
        ]);

        var json = KerasConfig.Write(spec);
        var parsed = KerasConfig.Parse(json);

        Assert.Equal(json, KerasConfig.Write(parsed));
        Assert.Equal(spec.Layers, parsed.Layers);
        Assert.Equal(LayerShape.Vector(3), parsed.OutputShape);
    }
}
