using FaceMask.Training.Keras;
using Google.Protobuf;
using Onnx;
using KerasActivation = FaceMask.Training.Keras.Activation;

namespace FaceMask.Training.Onnx;

/// <summary>
/// Builds an ONNX graph (opset 17) that computes a Keras model exactly, for ONNX Runtime. Input
/// <c>input</c> is NHWC float with a free batch dimension, as Keras takes it; output
/// <c>output</c> is what the Keras model returns. Inside, the graph runs NCHW; TensorFlow's
/// asymmetric 'same' padding becomes explicit Conv/Pool pads, and Keras Flatten's NHWC order a
/// transpose before flattening. Weights are converted from Keras layout once, here.
/// </summary>
public static class KerasOnnxConverter
{
    public const string InputName = "input";
    public const string OutputName = "output";
    public const int Opset = 17;

    public static byte[] ToBytes(KerasModel model) => Convert(model).ToByteArray();

    public static ModelProto Convert(KerasModel model)
    {
        var graph = new GraphBuilder(model);
        var spec = model.Spec;
        var inputShape = spec.InputShape;
        var tensors = new Dictionary<string, (string Name, bool Nchw)>(StringComparer.Ordinal)
        {
            [spec.Layers[0].Name] = inputShape.IsImage ? (graph.Node("Transpose", [InputName], "to_nchw", ("perm", new long[] { 0, 3, 1, 2 })), true) : (InputName, false),
        };
        foreach (var traced in spec.Traced.Skip(1))
        {
            var inputs = traced.From.Select(f => tensors[f]).ToList();
            tensors[traced.Layer.Name] = traced.Layer is MergeSpec merge
                ? graph.Merge(merge, inputs)
                : graph.Layer(traced, inputs[0].Name, inputs[0].Nchw);
        }

        var (current, nchw) = tensors[spec.Layers[^1].Name];

        if (nchw)
        {
            current = graph.Node("Transpose", [current], "to_nhwc", ("perm", new long[] { 0, 2, 3, 1 }));
        }

        graph.Node("Identity", [current], OutputName, output: OutputName);
        var proto = new GraphProto { Name = spec.Name };
        proto.Node.AddRange(graph.Nodes);
        proto.Initializer.AddRange(graph.Initializers);
        proto.Input.Add(ValueInfo(InputName, inputShape));
        proto.Output.Add(ValueInfo(OutputName, spec.OutputShape));
        return new ModelProto
        {
            IrVersion = 8,
            ProducerName = "FaceMask",
            ProducerVersion = typeof(KerasOnnxConverter).Assembly.GetName().Version?.ToString() ?? "1.0",
            Graph = proto,
            OpsetImport = { new OperatorSetIdProto { Domain = string.Empty, Version = Opset } },
        };
    }

    private static ValueInfoProto ValueInfo(string name, LayerShape shape)
    {
        var tensorShape = new TensorShapeProto();
        tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (var dim in shape.Dims)
        {
            tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } },
        };
    }

    /// <summary>Accumulates nodes and initializers with unique names.</summary>
    private sealed class GraphBuilder(KerasModel model)
    {
        public List<NodeProto> Nodes { get; } = [];

        public List<TensorProto> Initializers { get; } = [];

        public (string Output, bool Nchw) Layer(TracedLayer traced, string x, bool nchw)
        {
            var layer = traced.Layer;
            var name = layer.Name;
            return layer switch
            {
                RescalingSpec r => (Node("Add", [Node("Mul", [x, Scalar($"{name}/scale", r.Scale)], $"{name}/mul"), Scalar($"{name}/offset", r.Offset)], name), nchw),
                Conv2DSpec conv => (Activate(Conv(name, x, conv.Window, traced.Input, Kernel(name, "kernel"), Bias(name, conv.UseBias), 1), conv.Activation, name), nchw),
                DepthwiseConv2DSpec dw => (Activate(Conv(name, x, dw.Window, traced.Input, Depthwise(name, traced.Input.Channels, dw.DepthMultiplier), Bias(name, dw.UseBias), traced.Input.Channels),
                    dw.Activation, name), nchw),
                SeparableConv2DSpec sep => (Activate(Separable(name, x, sep, traced.Input), sep.Activation, name), nchw),
                Pooling2DSpec pool => (Pool(name, x, pool, traced.Input), nchw),
                GlobalPooling2DSpec global => (Node("Flatten", [Node(global.Kind == PoolKind.Max ? "GlobalMaxPool" : "GlobalAveragePool", [x], $"{name}/pool")], name, ("axis", 1L)), false),
                BatchNormalizationSpec norm => (BatchNorm(name, x, norm, traced.Input), nchw),
                ActivationSpec activation => (Activate(x, activation.Activation, name), nchw),
                ReLUSpec relu => (Relu(name, x, relu), nchw),
                DropoutSpec => (x, nchw), // inference: identity
                FlattenSpec => (Node("Flatten", [nchw ? Node("Transpose", [x], $"{name}/to_nhwc", ("perm", new long[] { 0, 2, 3, 1 })) : x], name, ("axis", 1L)), false),
                ZeroPadding2DSpec pad => (Node("Pad", [x, Int64s($"{name}/pads", [0, 0, pad.Top, pad.Left, 0, 0, pad.Bottom, pad.Right])], name), nchw),
                ReshapeSpec => Reshape(name, x, nchw, traced.Output),
                DenseSpec dense => (Activate(Node("Gemm", [x, Weight(name, "kernel"), .. dense.UseBias ? [Weight(name, "bias")] : Array.Empty<string>()], $"{name}/gemm"), dense.Activation, name), false),
                _ => throw new InvalidDataException($"Layer '{name}' ({layer.ClassName}) has no ONNX builder."),
            };
        }

        /// <summary>Element-wise merges broadcast as Keras does (both layouts agree: images are NCHW here, vectors as they are); Concatenate joins channels or features, axis 1 either way.</summary>
        public (string Output, bool Nchw) Merge(MergeSpec merge, List<(string Name, bool Nchw)> inputs)
        {
            var names = inputs.Select(i => i.Name).ToArray();
            var output = merge.Kind switch
            {
                MergeKind.Add => Node("Sum", names, merge.Name),
                MergeKind.Subtract => Node("Sub", names, merge.Name),
                MergeKind.Multiply => names.Skip(1).Select((n, i) => (n, i)).Aggregate(names[0], (product, next) =>
                    Node("Mul", [product, next.n], next.i == names.Length - 2 ? merge.Name : $"{merge.Name}/mul{next.i}")),
                MergeKind.Average => Node("Mean", names, merge.Name),
                MergeKind.Maximum => Node("Max", names, merge.Name),
                MergeKind.Minimum => Node("Min", names, merge.Name),
                MergeKind.Concatenate => Node("Concat", names, merge.Name, ("axis", 1L)),
                _ => throw new ArgumentOutOfRangeException(nameof(merge)),
            };
            return (output, inputs[0].Nchw);
        }

        /// <summary>Keras reshapes in NHWC row-major order: back to NHWC first, and an image result to NCHW again.</summary>
        private (string Output, bool Nchw) Reshape(string name, string x, bool nchw, LayerShape target)
        {
            var nhwc = nchw ? Node("Transpose", [x], $"{name}/to_nhwc", ("perm", new long[] { 0, 2, 3, 1 })) : x;
            var reshaped = Node("Reshape", [nhwc, Int64s($"{name}/shape", [-1, .. target.Dims.Select(d => (long)d)])], target.IsImage ? $"{name}/nhwc" : name);
            return target.IsImage ? (Node("Transpose", [reshaped], name, ("perm", new long[] { 0, 3, 1, 2 })), true) : (reshaped, false);
        }

        private string Int64s(string name, long[] values)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
            tensor.Dims.Add(values.Length);
            tensor.Int64Data.AddRange(values);
            Initializers.Add(tensor);
            return name;
        }

        /// <summary>Adds a node; returns the name of its (single) output.</summary>
        public string Node(string op, string[] inputs, string name, params (string Name, object Value)[] attributes) =>
            Node(op, inputs, name, null, attributes);

        public string Node(string op, string[] inputs, string name, string? output, params (string Name, object Value)[] attributes)
        {
            var node = new NodeProto { OpType = op, Name = name };
            node.Input.AddRange(inputs);
            node.Output.Add(output ?? name);
            foreach (var (key, value) in attributes)
            {
                node.Attribute.Add(value switch
                {
                    long i => new AttributeProto { Name = key, Type = AttributeProto.Types.AttributeType.Int, I = i },
                    float f => new AttributeProto { Name = key, Type = AttributeProto.Types.AttributeType.Float, F = f },
                    long[] ints => new AttributeProto { Name = key, Type = AttributeProto.Types.AttributeType.Ints, Ints = { ints } },
                    _ => throw new ArgumentException($"Unsupported attribute type {value.GetType()}"),
                });
            }

            Nodes.Add(node);
            return output ?? name;
        }

        private string Conv(string name, string x, Window window, LayerShape input, string kernel, string? bias, long groups)
        {
            var (top, bottom, left, right) = window.Pads(input.Height, input.Width);
            return Node("Conv", bias is null ? [x, kernel] : [x, kernel, bias], $"{name}/conv",
                ("kernel_shape", new long[] { window.KernelHeight, window.KernelWidth }),
                ("strides", new long[] { window.StrideHeight, window.StrideWidth }),
                ("pads", new long[] { top, left, bottom, right }),
                ("group", groups));
        }

        private string Separable(string name, string x, SeparableConv2DSpec sep, LayerShape input)
        {
            var depthwise = Conv($"{name}/depthwise", x, sep.Window, input, Depthwise(name, input.Channels, sep.DepthMultiplier), null, input.Channels);
            var pointwise = Kernel(name, "pointwise_kernel");
            return Node("Conv", sep.UseBias ? [depthwise, pointwise, Weight(name, "bias")] : [depthwise, pointwise], $"{name}/pointwise",
                ("kernel_shape", new long[] { 1, 1 }));
        }

        private string Pool(string name, string x, Pooling2DSpec pool, LayerShape input)
        {
            var (top, bottom, left, right) = pool.Window.Pads(input.Height, input.Width);
            var window = pool.Window;
            (string, object)[] attributes =
            [
                ("kernel_shape", new long[] { window.KernelHeight, window.KernelWidth }),
                ("strides", new long[] { window.StrideHeight, window.StrideWidth }),
                ("pads", new long[] { top, left, bottom, right }),
            ];

            // MaxPool ignores padded cells; AveragePool without count_include_pad divides by the cells inside, as TensorFlow does.
            return pool.Kind == PoolKind.Max
                ? Node("MaxPool", [x], name, attributes)
                : Node("AveragePool", [x], name, [.. attributes, ("count_include_pad", 0L)]);
        }

        /// <summary>Inference batch normalisation over channels (NCHW axis 1, or a vector's features); ONNX Runtime folds it into a preceding Conv.</summary>
        private string BatchNorm(string name, string x, BatchNormalizationSpec norm, LayerShape input)
        {
            var channels = input.Channels;
            var gamma = norm.Scale ? Weight(name, "gamma") : Constant($"{name}/gamma", Enumerable.Repeat(1f, channels).ToArray(), [channels]);
            var beta = norm.Center ? Weight(name, "beta") : Constant($"{name}/beta", new float[channels], [channels]);
            return Node("BatchNormalization", [x, gamma, beta, Weight(name, "moving_mean"), Weight(name, "moving_variance")], name, ("epsilon", norm.Epsilon));
        }

        private string Relu(string name, string x, ReLUSpec relu)
        {
            var rectified = relu.NegativeSlope == 0 ? Node("Relu", [x], $"{name}/relu") : Node("LeakyRelu", [x], $"{name}/leaky", ("alpha", relu.NegativeSlope));
            return relu.MaxValue is { } max ? Node("Min", [rectified, Scalar($"{name}/max", max)], name) : Node("Identity", [rectified], name);
        }

        private string Activate(string x, KerasActivation activation, string name) => activation switch
        {
            KerasActivation.Linear => Node("Identity", [x], name),
            KerasActivation.Relu => Node("Relu", [x], name),
            KerasActivation.Relu6 => Node("Clip", [x, Scalar($"{name}/zero", 0), Scalar($"{name}/six", 6)], name),
            KerasActivation.Sigmoid => Node("Sigmoid", [x], name),
            KerasActivation.HardSigmoid => Node("HardSigmoid", [x], name, ("alpha", 0.2f), ("beta", 0.5f)),
            KerasActivation.Softmax => Node("Softmax", [x], name, ("axis", 1L)),
            KerasActivation.Tanh => Node("Tanh", [x], name),
            KerasActivation.Swish => Node("Mul", [x, Node("Sigmoid", [x], $"{name}/sigmoid")], name),
            KerasActivation.Elu => Node("Elu", [x], name, ("alpha", 1f)),
            KerasActivation.Softplus => Node("Softplus", [x], name),
            _ => throw new ArgumentOutOfRangeException(nameof(activation)),
        };

        /// <summary>A convolution kernel, HWIO -> OIHW.</summary>
        private string Kernel(string layer, string weight)
        {
            var tensor = model.Weight(layer, weight);
            var (kh, kw, cin, cout) = (tensor.Shape[0], tensor.Shape[1], tensor.Shape[2], tensor.Shape[3]);
            var data = new float[tensor.Data.Length];
            for (var i = 0; i < kh; i++)
            {
                for (var j = 0; j < kw; j++)
                {
                    for (var c = 0; c < cin; c++)
                    {
                        for (var o = 0; o < cout; o++)
                        {
                            data[(((o * cin) + c) * kh + i) * kw + j] = tensor.Data[(((i * kw) + j) * cin + c) * cout + o];
                        }
                    }
                }
            }

            return Constant($"{layer}/{weight}", data, [cout, cin, kh, kw]);
        }

        /// <summary>A depthwise kernel, (kh, kw, in, mult) -> (in * mult, 1, kh, kw); channel c * mult + m in both.</summary>
        private string Depthwise(string layer, int channels, int multiplier)
        {
            var tensor = model.Weight(layer, "depthwise_kernel");
            var (kh, kw) = (tensor.Shape[0], tensor.Shape[1]);
            var data = new float[tensor.Data.Length];
            for (var i = 0; i < kh; i++)
            {
                for (var j = 0; j < kw; j++)
                {
                    for (var c = 0; c < channels * multiplier; c++)
                    {
                        data[((c * kh) + i) * kw + j] = tensor.Data[(((i * kw) + j) * channels * multiplier) + c];
                    }
                }
            }

            return Constant($"{layer}/depthwise_kernel", data, [channels * multiplier, 1, kh, kw]);
        }

        private string? Bias(string layer, bool useBias) => useBias ? Weight(layer, "bias") : null;

        /// <summary>A weight used as stored (biases, batch-norm vectors, dense kernels in (in, out) as Gemm wants).</summary>
        private string Weight(string layer, string weight)
        {
            var tensor = model.Weight(layer, weight);
            return Constant($"{layer}/{weight}", tensor.Data, tensor.Shape.Select(d => (long)d).ToArray());
        }

        private string Scalar(string name, float value) => Constant(name, [value], []);

        private string Constant(string name, float[] data, long[] dims)
        {
            var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
            tensor.Dims.AddRange(dims);
            var bytes = new byte[data.Length * sizeof(float)];
            Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
            tensor.RawData = ByteString.CopyFrom(bytes);
            Initializers.Add(tensor);
            return name;
        }
    }
}
