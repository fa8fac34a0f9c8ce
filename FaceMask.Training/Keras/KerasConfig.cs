using System.Text.Json;
using System.Text.Json.Nodes;

namespace FaceMask.Training.Keras;

/// <summary>
/// Reads and writes the Keras model config JSON (the <c>model_config</c> attribute of a Keras 2
/// <c>.h5</c>). Reading accepts Keras 2 (<c>batch_input_shape</c>, Keras 2.2's bare layer list) and
/// Keras 3 (<c>batch_shape</c>) spellings. Layers are parsed one at a time by
/// <see cref="ParseLayer"/>, so a functional graph parser can reuse it; an unsupported layer or
/// option is an <see cref="InvalidDataException"/> naming it.
/// </summary>
public static class KerasConfig
{
    public const string KerasVersion = "2.15.0";

    public static IReadOnlyList<string> SupportedLayers { get; } =
    [
        "InputLayer", "Rescaling", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "MaxPooling2D", "AveragePooling2D",
        "GlobalAveragePooling2D", "GlobalMaxPooling2D", "BatchNormalization", "Activation", "ReLU", "Softmax",
        "Dropout", "Flatten", "Dense", "Reshape", "ZeroPadding2D", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
        "Concatenate",
    ];

    public static KerasModelSpec Parse(string json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The model config is not valid JSON: {e.Message}");
        }

        var className = root?["class_name"]?.GetValue<string>()
            ?? throw new InvalidDataException("The model config has no class_name.");
        if (className is "Functional" or "Model")
        {
            return ParseFunctional(root["config"] as JsonObject ?? throw new InvalidDataException("The Functional config is missing."));
        }

        if (className is not "Sequential")
        {
            throw new InvalidDataException($"Model class '{className}' is not supported: only Sequential and Functional models can be read.");
        }

        var config = root["config"];
        var (name, layerNodes) = config switch
        {
            JsonArray bare => ("sequential", bare), // Keras 2.2 and older
            JsonObject obj => (obj["name"]?.GetValue<string>() ?? "sequential",
                obj["layers"] as JsonArray ?? throw new InvalidDataException("The Sequential config has no layers.")),
            _ => throw new InvalidDataException("The Sequential config is missing."),
        };

        if (layerNodes.OfType<JsonObject>().Any(IsModel))
        {
            return ParseNestingSequential(name, layerNodes.OfType<JsonObject>().ToList());
        }

        var layers = new List<KerasLayer>();
        foreach (var node in layerNodes.OfType<JsonObject>())
        {
            var layerConfig = node["config"] as JsonObject ?? throw new InvalidDataException("A layer has no config.");
            if (layers.Count == 0 && node["class_name"]?.GetValue<string>() != "InputLayer" && InputShape(layerConfig) is { } implicitInput)
            {
                layers.Add(new InputLayerSpec("input_1", implicitInput)); // older Keras: the first layer carries the input shape
            }

            layers.Add(ParseLayer(node));
        }

        return new KerasModelSpec(name, layers);
    }

    /// <summary>
    /// A Functional model (Keras 2 and Keras 3 <c>inbound_nodes</c>): a graph of layers with one input
    /// and one output, layers fed by several tensors (merges) included. Nested Sequential and
    /// Functional models are inlined, their layers fed by what feeds the nested model; their weights
    /// stay located under the nested model's group (<see cref="KerasModelSpec.WeightGroups"/>).
    /// </summary>
    private static KerasModelSpec ParseFunctional(JsonObject config)
    {
        var graph = new GraphReader();
        var output = graph.AddFunctional(config, feed: null, group: null);
        var outputs = LayerNames(config["output_layers"]);
        if (outputs.Count != 1)
        {
            throw new InvalidDataException($"The Functional model has {outputs.Count} outputs ({string.Join(", ", outputs)}): only models with one output can be read.");
        }

        return graph.Build(config["name"]?.GetValue<string>() ?? "functional", output);
    }

    /// <summary>A Sequential model with models among its layers (Teachable Machine's export: a Sequential holding a MobileNet trunk and a head).</summary>
    private static KerasModelSpec ParseNestingSequential(string name, List<JsonObject> layerNodes)
    {
        var graph = new GraphReader();
        var first = layerNodes[0];
        var feed = first["class_name"]?.GetValue<string>() == "InputLayer"
            ? graph.AddInput((InputLayerSpec)ParseLayer(first))
            : graph.AddInput(new InputLayerSpec("input_1", NestedInputShape(first) ?? throw new InvalidDataException($"The Sequential model's first layer '{first["config"]?["name"]}' has no input shape.")));
        var output = graph.AddSequentialLayers(layerNodes.Skip(first["class_name"]?.GetValue<string>() == "InputLayer" ? 1 : 0), feed, group: null);
        return graph.Build(name, output);
    }

    private static bool IsModel(JsonObject node) => node["class_name"]?.GetValue<string>() is "Sequential" or "Functional" or "Model";

    /// <summary>The input shape a layer or nested model declares: its own, or its first layer's.</summary>
    private static LayerShape? NestedInputShape(JsonObject node)
    {
        var config = node["config"];
        if (config is JsonObject layerConfig && InputShape(layerConfig) is { } shape)
        {
            return shape;
        }

        var inner = config switch
        {
            JsonArray bare => bare,
            JsonObject obj => obj["layers"] as JsonArray,
            _ => null,
        };
        return inner?.OfType<JsonObject>().FirstOrDefault() is { } firstInner ? NestedInputShape(firstInner) : null;
    }

    /// <summary>Flattens a Functional model and the models nested in it into one list of layers with their inbound layers.</summary>
    private sealed class GraphReader
    {
        private readonly List<KerasLayer> layers = [];
        private readonly List<IReadOnlyList<string>> inbound = [];
        private readonly Dictionary<string, string> weightGroups = new(StringComparer.Ordinal);

        // A nested model's name, or its dropped InputLayer's, stands for the layer that really produces the tensor.
        private readonly Dictionary<string, string> aliases = new(StringComparer.Ordinal);

        /// <summary>Adds a Functional config's layers; <paramref name="feed"/>: the layer feeding it when nested. Returns its output layer.</summary>
        public string AddFunctional(JsonObject config, string? feed, string? group)
        {
            var layerNodes = config["layers"] as JsonArray ?? throw new InvalidDataException("The Functional config has no layers.");
            foreach (var node in layerNodes.OfType<JsonObject>())
            {
                var from = InboundLayers(node);
                var name = LayerName(node);
                if (node["class_name"]?.GetValue<string>() == "InputLayer" && feed is not null)
                {
                    Alias(name, feed);
                    continue;
                }

                Add(node, from, group);
            }

            var outputs = LayerNames(config["output_layers"]);
            return outputs.Count == 1
                ? Resolve(outputs[0])
                : throw new InvalidDataException($"Nested model '{config["name"]?.GetValue<string>()}' has {outputs.Count} outputs: only one can be read.");
        }

        public string AddInput(InputLayerSpec input)
        {
            layers.Add(input);
            inbound.Add([]);
            return input.Name;
        }

        /// <summary>Adds a nested Sequential config's layers, the first fed by <paramref name="feed"/>. Returns its last layer.</summary>
        public string AddSequential(JsonNode? config, string feed, string group)
        {
            var layerNodes = config switch
            {
                JsonArray bare => bare,
                JsonObject obj => obj["layers"] as JsonArray ?? throw new InvalidDataException($"Nested Sequential model '{group}' has no layers."),
                _ => throw new InvalidDataException($"Nested Sequential model '{group}' has no config."),
            };
            return AddSequentialLayers(layerNodes.OfType<JsonObject>(), feed, group);
        }

        /// <summary>Adds a chain of layer objects, the first fed by <paramref name="feed"/>; <paramref name="group"/> null: the top-level model's own layers.</summary>
        public string AddSequentialLayers(IEnumerable<JsonObject> layerNodes, string feed, string? group)
        {
            var previous = feed;
            foreach (var node in layerNodes)
            {
                if (node["class_name"]?.GetValue<string>() == "InputLayer")
                {
                    Alias(LayerName(node), previous);
                    continue;
                }

                previous = Add(node, [previous], group);
            }

            return previous;
        }

        public KerasModelSpec Build(string name, string output)
        {
            // Keras lists layers in a valid order; sorting again (stable) also accepts a file that does not.
            var order = new List<int>();
            var placed = new HashSet<string>(StringComparer.Ordinal);
            var remaining = Enumerable.Range(0, layers.Count).ToList();
            while (remaining.Count > 0)
            {
                var ready = remaining.FirstOrDefault(i => inbound[i].All(placed.Contains), -1);
                if (ready < 0)
                {
                    var stuck = layers[remaining[0]];
                    throw new InvalidDataException($"Layer '{stuck.Name}' takes its input from {string.Join(", ", inbound[remaining[0]].Select(f => $"'{f}'"))}, which no layer of the model produces (or the graph has a cycle).");
                }

                order.Add(ready);
                placed.Add(layers[ready].Name);
                remaining.Remove(ready);
            }

            if (layers[order[^1]].Name != output)
            {
                throw new InvalidDataException($"The model's output '{output}' is not the layer every other one leads to: only models with one output can be read.");
            }

            return new KerasModelSpec(name, order.Select(i => layers[i]).ToList(), order.Select(i => inbound[i]).ToList(), weightGroups);
        }

        private string Add(JsonObject node, IReadOnlyList<string> from, string? group)
        {
            var className = node["class_name"]?.GetValue<string>();
            var name = LayerName(node);
            if (node["inbound_nodes"] is JsonArray { Count: > 1 })
            {
                throw new InvalidDataException($"Layer '{name}' is called more than once (a shared layer), which is not supported.");
            }

            var feeds = from.Select(Resolve).ToList();
            if (className is "Sequential" or "Functional" or "Model")
            {
                if (feeds.Count != 1)
                {
                    throw new InvalidDataException($"Nested model '{name}' takes {feeds.Count} inputs: only nested models with one input can be read.");
                }

                // A nested model's weights live in its own group, whatever depth it is at.
                var nestedGroup = group ?? name;
                var output = className == "Sequential"
                    ? AddSequential(node["config"], feeds[0], nestedGroup)
                    : AddFunctional(node["config"] as JsonObject ?? throw new InvalidDataException($"Nested model '{name}' has no config."), feeds[0], nestedGroup);
                Alias(name, output);
                return output;
            }

            var layer = ParseLayer(node);
            layers.Add(layer);
            inbound.Add(layer is InputLayerSpec ? [] : feeds);
            if (group is not null)
            {
                weightGroups[layer.Name] = group;
            }

            return layer.Name;
        }

        /// <summary>Lets <paramref name="name"/> stand for <paramref name="real"/>; a nested model's input named like the tensor feeding it (Teachable Machine's <c>input_1</c>) is that tensor already.</summary>
        private void Alias(string name, string real)
        {
            real = Resolve(real);
            if (name != real)
            {
                aliases[name] = real;
            }
        }

        private string Resolve(string name) => aliases.TryGetValue(name, out var real) ? real : name;

        private static string LayerName(JsonObject node) =>
            node["name"]?.GetValue<string>() ?? node["config"]?["name"]?.GetValue<string>() ?? throw new InvalidDataException("A layer has no name.");
    }

    /// <summary>The layers feeding a Functional model's layer: Keras 2 <c>[[["name", 0, 0, {}], ...]]</c> or Keras 3 <c>[{"args": [{"config": {"keras_history": ["name", 0, 0]}}]}]</c>.</summary>
    private static List<string> InboundLayers(JsonObject node)
    {
        var names = new List<string>();
        foreach (var call in node["inbound_nodes"] as JsonArray ?? [])
        {
            switch (call)
            {
                case JsonArray keras2:
                    names.AddRange(keras2.OfType<JsonArray>().Select(t => t[0]!.GetValue<string>()));
                    break;
                case JsonObject keras3:
                    names.AddRange(KerasHistories(keras3["args"]));
                    break;
            }
        }

        return names;
    }

    private static IEnumerable<string> KerasHistories(JsonNode? node) => node switch
    {
        JsonObject { } tensor when tensor["config"]?["keras_history"] is JsonArray history => [history[0]!.GetValue<string>()],
        JsonArray items => items.SelectMany(KerasHistories),
        _ => [],
    };

    /// <summary><c>input_layers</c>/<c>output_layers</c>: <c>[["name", 0, 0], ...]</c>, or Keras 3's single <c>["name", 0, 0]</c>.</summary>
    private static List<string> LayerNames(JsonNode? node) => node switch
    {
        JsonArray { Count: > 0 } list when list[0] is JsonValue => [list[0]!.GetValue<string>()],
        JsonArray list => list.OfType<JsonArray>().Select(t => t[0]!.GetValue<string>()).ToList(),
        _ => [],
    };

    /// <summary>Parses one <c>{"class_name": ..., "config": {...}}</c> layer object.</summary>
    public static KerasLayer ParseLayer(JsonNode node)
    {
        var className = node["class_name"]?.GetValue<string>() ?? throw new InvalidDataException("A layer has no class_name.");
        var config = node["config"] as JsonObject ?? throw new InvalidDataException($"Layer of class {className} has no config.");
        var name = config["name"]?.GetValue<string>() ?? throw new InvalidDataException($"A {className} layer has no name.");
        var reader = new LayerConfigReader(className, name, config);
        return className switch
        {
            "InputLayer" => new InputLayerSpec(name, InputShape(config)
                ?? throw reader.Error("has neither batch_input_shape nor batch_shape")),
            "Rescaling" => new RescalingSpec(name, reader.Float("scale"), reader.Float("offset", 0)),
            "Conv2D" => reader.Conv2D(),
            "DepthwiseConv2D" => reader.DepthwiseConv2D(),
            "SeparableConv2D" => reader.SeparableConv2D(),
            "MaxPooling2D" => new Pooling2DSpec(name, PoolKind.Max, reader.PoolingWindow()),
            "AveragePooling2D" => new Pooling2DSpec(name, PoolKind.Average, reader.PoolingWindow()),
            "GlobalAveragePooling2D" => reader.GlobalPooling(PoolKind.Average),
            "GlobalMaxPooling2D" => reader.GlobalPooling(PoolKind.Max),
            "BatchNormalization" => reader.BatchNormalization(),
            "Activation" => new ActivationSpec(name, reader.Activation()),
            "Softmax" => reader.SoftmaxLayer(),
            "ReLU" => reader.ReLU(),
            "Dropout" => new DropoutSpec(name, reader.Float("rate")),
            "Flatten" => reader.Flatten(),
            "Dense" => new DenseSpec(name, reader.Int("units"), reader.Activation(), reader.Bool("use_bias", true)),
            "Reshape" => new ReshapeSpec(name, reader.Ints("target_shape")),
            "ZeroPadding2D" => reader.ZeroPadding2D(),
            "Add" or "Subtract" or "Multiply" or "Average" or "Maximum" or "Minimum" => new MergeSpec(name, Enum.Parse<MergeKind>(className)),
            "Concatenate" => new MergeSpec(name, MergeKind.Concatenate, reader.Int("axis", -1)),
            _ => throw new InvalidDataException(
                $"Unsupported Keras layer '{className}' (layer '{name}'). Supported: {string.Join(", ", SupportedLayers)}."),
        };
    }

    /// <summary>
    /// Writes the model config as Keras 2 (tf.keras) writes it, so Python Keras loads it back: a chain
    /// as a Sequential model, any other graph as a Functional one (nested models written inline).
    /// </summary>
    public static string Write(KerasModelSpec spec)
    {
        var layers = new JsonArray();
        foreach (var traced in spec.Traced)
        {
            var layer = new JsonObject
            {
                ["class_name"] = traced.Layer.ClassName,
                ["config"] = LayerConfig(traced.Layer),
            };
            if (!spec.IsChain)
            {
                layer["name"] = traced.Layer.Name;
                layer["inbound_nodes"] = traced.From.Count == 0
                    ? new JsonArray()
                    : new JsonArray(new JsonArray(traced.From.Select(f => (JsonNode)new JsonArray(f, 0, 0, new JsonObject())).ToArray()));
            }

            layers.Add(layer);
        }

        JsonArray Tensor(string name) => new(new JsonArray(name, 0, 0));
        var config = spec.IsChain
            ? new JsonObject { ["name"] = spec.Name, ["layers"] = layers }
            : new JsonObject { ["name"] = spec.Name, ["layers"] = layers, ["input_layers"] = Tensor(spec.Layers[0].Name), ["output_layers"] = Tensor(spec.Layers[^1].Name) };
        var root = new JsonObject
        {
            ["class_name"] = spec.IsChain ? "Sequential" : "Functional",
            ["config"] = config,
            ["keras_version"] = KerasVersion,
            ["backend"] = "tensorflow",
        };
        return root.ToJsonString();
    }

    public static string ActivationName(Activation activation) => activation switch
    {
        Activation.Linear => "linear",
        Activation.Relu => "relu",
        Activation.Relu6 => "relu6",
        Activation.Sigmoid => "sigmoid",
        Activation.HardSigmoid => "hard_sigmoid",
        Activation.Softmax => "softmax",
        Activation.Tanh => "tanh",
        Activation.Swish => "swish",
        Activation.Elu => "elu",
        Activation.Softplus => "softplus",
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    private static LayerShape? InputShape(JsonObject config)
    {
        var shape = (config["batch_input_shape"] ?? config["batch_shape"]) as JsonArray;
        if (shape is null)
        {
            return null;
        }

        var dims = shape.Skip(1).Select(d => d?.GetValue<int>() ?? throw new InvalidDataException(
            $"Input shape {shape.ToJsonString()} has an unknown dimension: the model needs a fixed input size.")).ToArray();
        return dims.Length is 3 or 1
            ? new LayerShape(dims)
            : throw new InvalidDataException($"Input shape {shape.ToJsonString()} is not (batch, height, width, channels) or (batch, features).");
    }

    private static JsonObject LayerConfig(KerasLayer layer)
    {
        var config = new JsonObject { ["name"] = layer.Name, ["trainable"] = true, ["dtype"] = "float32" };
        switch (layer)
        {
            case InputLayerSpec input:
                config.Remove("trainable");
                config["batch_input_shape"] = new JsonArray([null, .. input.Shape.Dims.Select(d => (JsonNode)d)]);
                config["sparse"] = false;
                config["ragged"] = false;
                break;
            case RescalingSpec rescaling:
                config["scale"] = rescaling.Scale;
                config["offset"] = rescaling.Offset;
                break;
            case Conv2DSpec conv:
                config["filters"] = conv.Filters;
                AddWindow(config, conv.Window, "kernel_size");
                config["dilation_rate"] = Pair(1, 1);
                config["groups"] = 1;
                AddActivationAndBias(config, conv.Activation, conv.UseBias);
                AddInitializers(config, "kernel");
                break;
            case DepthwiseConv2DSpec depthwise:
                AddWindow(config, depthwise.Window, "kernel_size");
                config["depth_multiplier"] = depthwise.DepthMultiplier;
                config["dilation_rate"] = Pair(1, 1);
                AddActivationAndBias(config, depthwise.Activation, depthwise.UseBias);
                AddInitializers(config, "depthwise");
                break;
            case SeparableConv2DSpec separable:
                config["filters"] = separable.Filters;
                AddWindow(config, separable.Window, "kernel_size");
                config["depth_multiplier"] = separable.DepthMultiplier;
                config["dilation_rate"] = Pair(1, 1);
                AddActivationAndBias(config, separable.Activation, separable.UseBias);
                AddInitializers(config, "depthwise");
                AddInitializers(config, "pointwise");
                break;
            case Pooling2DSpec pooling:
                AddWindow(config, pooling.Window, "pool_size");
                break;
            case GlobalPooling2DSpec:
                config["data_format"] = "channels_last";
                config["keepdims"] = false;
                break;
            case BatchNormalizationSpec norm:
                config["axis"] = new JsonArray(3);
                config["momentum"] = norm.Momentum;
                config["epsilon"] = norm.Epsilon;
                config["center"] = norm.Center;
                config["scale"] = norm.Scale;
                config["beta_initializer"] = Initializer("Zeros");
                config["gamma_initializer"] = Initializer("Ones");
                config["moving_mean_initializer"] = Initializer("Zeros");
                config["moving_variance_initializer"] = Initializer("Ones");
                break;
            case ActivationSpec { KerasClassName: "Softmax" }:
                config["axis"] = -1;
                break;
            case ActivationSpec activation:
                config["activation"] = ActivationName(activation.Activation);
                break;
            case ReLUSpec relu:
                config["max_value"] = relu.MaxValue;
                config["negative_slope"] = relu.NegativeSlope;
                config["threshold"] = 0f;
                break;
            case DropoutSpec dropout:
                config["rate"] = dropout.Rate;
                config["noise_shape"] = null;
                config["seed"] = null;
                break;
            case FlattenSpec:
                config["data_format"] = "channels_last";
                break;
            case DenseSpec dense:
                config["units"] = dense.Units;
                AddActivationAndBias(config, dense.Activation, dense.UseBias);
                AddInitializers(config, "kernel");
                break;
            case ReshapeSpec reshape:
                config["target_shape"] = new JsonArray(reshape.Target.Select(d => (JsonNode)d).ToArray());
                break;
            case ZeroPadding2DSpec pad:
                config["padding"] = new JsonArray(Pair(pad.Top, pad.Bottom), Pair(pad.Left, pad.Right));
                config["data_format"] = "channels_last";
                break;
            case MergeSpec { Kind: MergeKind.Concatenate } concatenate:
                config["axis"] = concatenate.Axis;
                break;
            case MergeSpec:
                break;
            default:
                throw new InvalidDataException($"Cannot write layer '{layer.Name}' of class {layer.ClassName}.");
        }

        return config;
    }

    private static void AddWindow(JsonObject config, Window window, string sizeKey)
    {
        config[sizeKey] = Pair(window.KernelHeight, window.KernelWidth);
        config["strides"] = Pair(window.StrideHeight, window.StrideWidth);
        config["padding"] = window.Padding == Padding.Same ? "same" : "valid";
        config["data_format"] = "channels_last";
    }

    private static void AddActivationAndBias(JsonObject config, Activation activation, bool useBias)
    {
        config["activation"] = ActivationName(activation);
        config["use_bias"] = useBias;
        config["bias_initializer"] = Initializer("Zeros");
        config["bias_regularizer"] = null;
        config["activity_regularizer"] = null;
        config["bias_constraint"] = null;
    }

    private static void AddInitializers(JsonObject config, string prefix)
    {
        config[$"{prefix}_initializer"] = Initializer("GlorotUniform", seeded: true);
        config[$"{prefix}_regularizer"] = null;
        config[$"{prefix}_constraint"] = null;
    }

    private static JsonObject Initializer(string className, bool seeded = false) => new()
    {
        ["class_name"] = className,
        ["config"] = seeded ? new JsonObject { ["seed"] = null } : new JsonObject(),
    };

    private static JsonArray Pair(int a, int b) => new(a, b);

    /// <summary>Typed access to one layer's config with errors that name the layer and option.</summary>
    private sealed class LayerConfigReader(string className, string name, JsonObject config)
    {
        public InvalidDataException Error(string message) => new($"Layer '{name}' ({className}) {message}.");

        public Conv2DSpec Conv2D()
        {
            RequireChannelsLast();
            RequireUnitDilation("dilation_rate");
            if (config["groups"] is { } groups && groups.GetValue<int>() != 1)
            {
                throw Error($"uses groups={groups}, which is not supported (only 1)");
            }

            return new Conv2DSpec(name, Int("filters"), ConvWindow(), Activation(), Bool("use_bias", true));
        }

        public DepthwiseConv2DSpec DepthwiseConv2D()
        {
            RequireChannelsLast();
            RequireUnitDilation("dilation_rate");
            return new DepthwiseConv2DSpec(name, ConvWindow(), Int("depth_multiplier", 1), Activation(), Bool("use_bias", true));
        }

        public SeparableConv2DSpec SeparableConv2D()
        {
            RequireChannelsLast();
            RequireUnitDilation("dilation_rate");
            return new SeparableConv2DSpec(name, Int("filters"), ConvWindow(), Int("depth_multiplier", 1), Activation(), Bool("use_bias", true));
        }

        public Window PoolingWindow()
        {
            RequireChannelsLast();
            var (poolHeight, poolWidth) = IntPair("pool_size", (2, 2));
            var strides = IntPair("strides", (poolHeight, poolWidth)); // null strides: the pool size
            return new Window(poolHeight, poolWidth, strides.Item1, strides.Item2, PaddingOption());
        }

        public GlobalPooling2DSpec GlobalPooling(PoolKind kind)
        {
            RequireChannelsLast();
            if (Bool("keepdims", false))
            {
                throw Error("uses keepdims=true, which is not supported");
            }

            return new GlobalPooling2DSpec(name, kind);
        }

        public BatchNormalizationSpec BatchNormalization()
        {
            var axis = config["axis"] switch
            {
                null => -1,
                JsonArray { Count: 1 } single => single[0]!.GetValue<int>(),
                JsonValue value => value.GetValue<int>(),
                var other => throw Error($"normalises over axes {other.ToJsonString()}; only the last axis is supported"),
            };
            if (axis is not (-1 or 3 or 1))
            {
                throw Error($"normalises over axis {axis}; only the last (channels) axis is supported");
            }

            return new BatchNormalizationSpec(name, Float("epsilon", 1e-3f), Float("momentum", 0.99f), Bool("center", true), Bool("scale", true));
        }

        public ActivationSpec SoftmaxLayer()
        {
            if (config["axis"] is { } axis && axis.GetValue<int>() != -1)
            {
                throw Error($"applies softmax over axis {axis}; only -1 is supported");
            }

            return new ActivationSpec(name, Keras.Activation.Softmax, "Softmax");
        }

        public ReLUSpec ReLU()
        {
            if (Float("threshold", 0) != 0)
            {
                throw Error("uses a non-zero threshold, which is not supported");
            }

            float? maxValue = config["max_value"] is null ? null : Float("max_value");
            return new ReLUSpec(name, maxValue, Float("negative_slope", 0));
        }

        public ZeroPadding2DSpec ZeroPadding2D()
        {
            RequireChannelsLast();
            return config["padding"] switch
            {
                null => new ZeroPadding2DSpec(name, 1, 1, 1, 1),
                JsonValue all => new ZeroPadding2DSpec(name, all.GetValue<int>(), all.GetValue<int>(), all.GetValue<int>(), all.GetValue<int>()),
                JsonArray { Count: 2 } pair when pair[0] is JsonValue => new ZeroPadding2DSpec(name, pair[0]!.GetValue<int>(), pair[0]!.GetValue<int>(), pair[1]!.GetValue<int>(), pair[1]!.GetValue<int>()),
                JsonArray { Count: 2 } pairs when pairs[0] is JsonArray { Count: 2 } rows && pairs[1] is JsonArray { Count: 2 } columns =>
                    new ZeroPadding2DSpec(name, rows[0]!.GetValue<int>(), rows[1]!.GetValue<int>(), columns[0]!.GetValue<int>(), columns[1]!.GetValue<int>()),
                var other => throw Error($"has an invalid 'padding': {other.ToJsonString()}"),
            };
        }

        public int[] Ints(string key) => config[key] is JsonArray values
            ? values.Select(v => v?.GetValue<int>() ?? throw Error($"has an unknown dimension in '{key}'")).ToArray()
            : throw Error($"has no '{key}' list");

        public FlattenSpec Flatten()
        {
            RequireChannelsLast();
            return new FlattenSpec(name);
        }

        public Activation Activation()
        {
            var value = config["activation"] switch
            {
                null => "linear",
                JsonValue v => v.GetValue<string>(),
                JsonObject o => o["class_name"]?.GetValue<string>() ?? o["config"]?["name"]?.GetValue<string>() ?? "?",
                var other => other.ToJsonString(),
            };
            return value switch
            {
                "linear" or null => Keras.Activation.Linear,
                "relu" => Keras.Activation.Relu,
                "relu6" => Keras.Activation.Relu6,
                "sigmoid" => Keras.Activation.Sigmoid,
                "hard_sigmoid" => Keras.Activation.HardSigmoid,
                "softmax" => Keras.Activation.Softmax,
                "tanh" => Keras.Activation.Tanh,
                "swish" or "silu" => Keras.Activation.Swish,
                "elu" => Keras.Activation.Elu,
                "softplus" => Keras.Activation.Softplus,
                _ => throw Error($"uses activation '{value}', which is not supported (linear, relu, relu6, sigmoid, hard_sigmoid, softmax, tanh, swish, elu, softplus)"),
            };
        }

        public int Int(string key, int? fallback = null) =>
            config[key] is { } node ? node.GetValue<int>() : fallback ?? throw Error($"has no '{key}'");

        public float Float(string key, float? fallback = null) =>
            config[key] is { } node ? (float)node.GetValue<double>() : fallback ?? throw Error($"has no '{key}'");

        public bool Bool(string key, bool fallback) => config[key]?.GetValue<bool>() ?? fallback;

        private Window ConvWindow()
        {
            var (kernelHeight, kernelWidth) = IntPair("kernel_size");
            var (strideHeight, strideWidth) = IntPair("strides", (1, 1));
            return new Window(kernelHeight, kernelWidth, strideHeight, strideWidth, PaddingOption());
        }

        private Padding PaddingOption() => (config["padding"]?.GetValue<string>() ?? "valid") switch
        {
            "valid" => Padding.Valid,
            "same" => Padding.Same,
            var other => throw Error($"uses padding '{other}', which is not supported (valid, same)"),
        };

        private (int, int) IntPair(string key, (int, int)? fallback = null) => config[key] switch
        {
            null => fallback ?? throw Error($"has no '{key}'"),
            JsonArray { Count: 2 } pair => (pair[0]!.GetValue<int>(), pair[1]!.GetValue<int>()),
            JsonValue single => (single.GetValue<int>(), single.GetValue<int>()),
            var other => throw Error($"has an invalid '{key}': {other.ToJsonString()}"),
        };

        private void RequireChannelsLast()
        {
            var format = config["data_format"]?.GetValue<string>();
            if (format is not (null or "channels_last"))
            {
                throw Error($"uses data_format '{format}'; only channels_last is supported");
            }
        }

        private void RequireUnitDilation(string key)
        {
            if (config[key] is not null && IntPair(key) != (1, 1))
            {
                throw Error($"uses {key} {config[key]!.ToJsonString()}; only 1 is supported");
            }
        }
    }
}
