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
    public void Functional_models_that_are_not_one_chain_are_refused_naming_the_layer()
    {
        // A skip connection: 'sum' takes 'a' and the input (Keras 2 inbound_nodes).
        var branch = Assert.Throws<InvalidDataException>(() => KerasConfig.Parse("""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 4]}, "inbound_nodes": []},
              {"class_name": "Dense", "name": "a", "config": {"name": "a", "units": 4}, "inbound_nodes": [[["in", 0, 0, {}]]]},
              {"class_name": "Dropout", "name": "sum", "config": {"name": "sum", "rate": 0.1}, "inbound_nodes": [[["a", 0, 0, {}], ["in", 0, 0, {}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["sum", 0, 0]]}}
            """));
        Assert.Contains("Layer 'sum' takes its input from 'a', 'in'", branch.Message);
        Assert.Contains("one chain", branch.Message);

        // An output that is not the chain's end (Keras 3 inbound_nodes).
        var output = Assert.Throws<InvalidDataException>(() => KerasConfig.Parse("""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_shape": [null, 4]}, "inbound_nodes": []},
              {"class_name": "Dense", "name": "a", "config": {"name": "a", "units": 4},
               "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["in", 0, 0]}}], "kwargs": {}}]}],
              "input_layers": ["in", 0, 0], "output_layers": ["in", 0, 0]}}
            """));
        Assert.Contains("outputs (in)", output.Message);

        // A nested model is a layer it does not know yet.
        var nested = Assert.Throws<InvalidDataException>(() => KerasConfig.Parse("""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "name": "in", "config": {"name": "in", "batch_input_shape": [null, 4]}, "inbound_nodes": []},
              {"class_name": "Sequential", "name": "trunk", "config": {"name": "trunk", "layers": []}, "inbound_nodes": [[["in", 0, 0, {}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["trunk", 0, 0]]}}
            """));
        Assert.Contains("Sequential", nested.Message);
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
