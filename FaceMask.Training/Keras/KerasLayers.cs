namespace FaceMask.Training.Keras;

/// <summary>
/// Shape of one sample flowing between layers, without the batch axis, channels-last as in Keras:
/// <c>[height, width, channels]</c> for images, <c>[features]</c> after Flatten/Dense/global pooling.
/// </summary>
public sealed record LayerShape(int[] Dims)
{
    public static LayerShape Image(int height, int width, int channels) => new([height, width, channels]);

    public static LayerShape Vector(int features) => new([features]);

    public bool IsImage => Dims.Length == 3;

    public int Height => ImageDim(0);

    public int Width => ImageDim(1);

    public int Channels => IsImage ? Dims[2] : Dims[^1];

    public int Elements => Dims.Aggregate(1, (a, b) => a * b);

    public bool Equals(LayerShape? other) => other is not null && Dims.SequenceEqual(other.Dims);

    public override int GetHashCode() => Dims.Aggregate(17, HashCode.Combine);

    public override string ToString() => $"({string.Join(", ", Dims)})";

    private int ImageDim(int index) =>
        IsImage ? Dims[index] : throw new InvalidOperationException($"Expected an image shape (height, width, channels), got {this}.");
}

/// <summary>Keras <c>padding</c>: <c>valid</c> (none) or <c>same</c> (TensorFlow's, extra pixel at the bottom/right).</summary>
public enum Padding
{
    Valid,
    Same,
}

/// <summary>Keras activation functions the builders support.</summary>
public enum Activation
{
    Linear,
    Relu,
    Relu6,
    Sigmoid,
    HardSigmoid,
    Softmax,
    Tanh,
    Swish,
    Elu,
    Softplus,
}

/// <summary>A named weight of a layer: Keras name (<c>kernel</c>, <c>bias</c>, ...) and shape in Keras layout.</summary>
public sealed record WeightSpec(string Name, int[] Shape)
{
    public int Elements => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>
/// One layer of a Keras model config. Each knows its output shape, its weights (names and shapes in
/// Keras layout, in Keras' order) and its cost, so the parser, both builders (TorchSharp, ONNX),
/// the .h5 reader and writer and the model report all share one description.
/// </summary>
public abstract record KerasLayer(string Name)
{
    /// <summary>The Keras <c>class_name</c>.</summary>
    public abstract string ClassName { get; }

    public abstract LayerShape OutputShape(LayerShape input);

    /// <summary>The output shape for the tensors a Functional graph feeds in: one, unless the layer merges several.</summary>
    public virtual LayerShape OutputShape(IReadOnlyList<LayerShape> inputs) => inputs.Count == 1
        ? OutputShape(inputs[0])
        : throw Invalid(Name, $"takes one input, not {inputs.Count}");

    public virtual IReadOnlyList<WeightSpec> Weights(LayerShape input) => [];

    /// <summary>Multiply-accumulates per sample (an inference cost estimate; activations and pooling count one op per element).</summary>
    public virtual long MultiplyAccumulates(LayerShape input) => 0;

    protected static InvalidDataException Invalid(string layer, string message) => new($"Layer '{layer}': {message}");
}

/// <summary>Spatial window arithmetic shared by convolutions and pooling, exactly as TensorFlow does it.</summary>
public readonly record struct Window(int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, Padding Padding)
{
    public (int Height, int Width) Output(int height, int width) => Padding == Padding.Same
        ? (Ceil(height, StrideHeight), Ceil(width, StrideWidth))
        : ((height - KernelHeight) / StrideHeight + 1, (width - KernelWidth) / StrideWidth + 1);

    /// <summary>TensorFlow 'same' padding: the total is split with the extra pixel at the bottom/right.</summary>
    public (int Top, int Bottom, int Left, int Right) Pads(int height, int width)
    {
        if (Padding == Padding.Valid)
        {
            return (0, 0, 0, 0);
        }

        var (outHeight, outWidth) = Output(height, width);
        var padHeight = Math.Max((outHeight - 1) * StrideHeight + KernelHeight - height, 0);
        var padWidth = Math.Max((outWidth - 1) * StrideWidth + KernelWidth - width, 0);
        return (padHeight / 2, padHeight - (padHeight / 2), padWidth / 2, padWidth - (padWidth / 2));
    }

    public LayerShape OutputShape(LayerShape input, int channels, string layer)
    {
        var (height, width) = Output(input.Height, input.Width);
        if (height <= 0 || width <= 0)
        {
            throw new InvalidDataException($"Layer '{layer}': a {KernelHeight}x{KernelWidth} window does not fit input {input}.");
        }

        return LayerShape.Image(height, width, channels);
    }

    private static int Ceil(int size, int stride) => (size + stride - 1) / stride;
}

public sealed record InputLayerSpec(string Name, LayerShape Shape) : KerasLayer(Name)
{
    public override string ClassName => "InputLayer";

    public override LayerShape OutputShape(LayerShape input) => Shape;
}

/// <summary><c>Rescaling</c>: <c>x * scale + offset</c>.</summary>
public sealed record RescalingSpec(string Name, float Scale, float Offset) : KerasLayer(Name)
{
    public override string ClassName => "Rescaling";

    public override LayerShape OutputShape(LayerShape input) => input;

    public override long MultiplyAccumulates(LayerShape input) => input.Elements;
}

public sealed record Conv2DSpec(string Name, int Filters, Window Window, Activation Activation, bool UseBias) : KerasLayer(Name)
{
    public override string ClassName => "Conv2D";

    public override LayerShape OutputShape(LayerShape input) => Window.OutputShape(input, Filters, Name);

    public override IReadOnlyList<WeightSpec> Weights(LayerShape input) =>
    [
        new("kernel", [Window.KernelHeight, Window.KernelWidth, input.Channels, Filters]),
        .. UseBias ? [new WeightSpec("bias", [Filters])] : Array.Empty<WeightSpec>(),
    ];

    public override long MultiplyAccumulates(LayerShape input) =>
        (long)OutputShape(input).Elements * Window.KernelHeight * Window.KernelWidth * input.Channels;
}

public sealed record DepthwiseConv2DSpec(string Name, Window Window, int DepthMultiplier, Activation Activation, bool UseBias) : KerasLayer(Name)
{
    public override string ClassName => "DepthwiseConv2D";

    public override LayerShape OutputShape(LayerShape input) => Window.OutputShape(input, input.Channels * DepthMultiplier, Name);

    public override IReadOnlyList<WeightSpec> Weights(LayerShape input) =>
    [
        new("depthwise_kernel", [Window.KernelHeight, Window.KernelWidth, input.Channels, DepthMultiplier]),
        .. UseBias ? [new WeightSpec("bias", [input.Channels * DepthMultiplier])] : Array.Empty<WeightSpec>(),
    ];

    public override long MultiplyAccumulates(LayerShape input) =>
        (long)OutputShape(input).Elements * Window.KernelHeight * Window.KernelWidth;
}

/// <summary><c>SeparableConv2D</c>: a depthwise convolution followed by a 1x1 pointwise one.</summary>
public sealed record SeparableConv2DSpec(string Name, int Filters, Window Window, int DepthMultiplier, Activation Activation, bool UseBias) : KerasLayer(Name)
{
    public override string ClassName => "SeparableConv2D";

    public override LayerShape OutputShape(LayerShape input) => Window.OutputShape(input, Filters, Name);

    public override IReadOnlyList<WeightSpec> Weights(LayerShape input) =>
    [
        new("depthwise_kernel", [Window.KernelHeight, Window.KernelWidth, input.Channels, DepthMultiplier]),
        new("pointwise_kernel", [1, 1, input.Channels * DepthMultiplier, Filters]),
        .. UseBias ? [new WeightSpec("bias", [Filters])] : Array.Empty<WeightSpec>(),
    ];

    public override long MultiplyAccumulates(LayerShape input)
    {
        var output = OutputShape(input);
        long pixels = output.Height * output.Width;
        var depthwise = pixels * input.Channels * DepthMultiplier * Window.KernelHeight * Window.KernelWidth;
        return depthwise + (pixels * input.Channels * DepthMultiplier * Filters);
    }
}

public enum PoolKind
{
    Max,
    Average,
}

/// <summary><c>MaxPooling2D</c> / <c>AveragePooling2D</c>. 'same' average pooling divides by the pixels inside the image, as TensorFlow does.</summary>
public sealed record Pooling2DSpec(string Name, PoolKind Kind, Window Window) : KerasLayer(Name)
{
    public override string ClassName => Kind == PoolKind.Max ? "MaxPooling2D" : "AveragePooling2D";

    public override LayerShape OutputShape(LayerShape input) => Window.OutputShape(input, input.Channels, Name);

    public override long MultiplyAccumulates(LayerShape input) =>
        (long)OutputShape(input).Elements * Window.KernelHeight * Window.KernelWidth;
}

/// <summary><c>GlobalAveragePooling2D</c> / <c>GlobalMaxPooling2D</c> (keepdims false).</summary>
public sealed record GlobalPooling2DSpec(string Name, PoolKind Kind) : KerasLayer(Name)
{
    public override string ClassName => Kind == PoolKind.Max ? "GlobalMaxPooling2D" : "GlobalAveragePooling2D";

    public override LayerShape OutputShape(LayerShape input) => LayerShape.Vector(input.Channels);

    public override long MultiplyAccumulates(LayerShape input) => input.Elements;
}

/// <summary>
/// <c>BatchNormalization</c> over the last axis. Keras semantics: <c>epsilon</c> is added to the
/// variance; <c>momentum</c> is the weight of the old moving statistics (PyTorch's momentum is 1 - it).
/// </summary>
public sealed record BatchNormalizationSpec(string Name, float Epsilon, float Momentum, bool Center, bool Scale) : KerasLayer(Name)
{
    public override string ClassName => "BatchNormalization";

    public override LayerShape OutputShape(LayerShape input) => input;

    public override IReadOnlyList<WeightSpec> Weights(LayerShape input) =>
    [
        .. Scale ? [new WeightSpec("gamma", [input.Channels])] : Array.Empty<WeightSpec>(),
        .. Center ? [new WeightSpec("beta", [input.Channels])] : Array.Empty<WeightSpec>(),
        new("moving_mean", [input.Channels]),
        new("moving_variance", [input.Channels]),
    ];

    public override long MultiplyAccumulates(LayerShape input) => input.Elements;
}

/// <summary><c>Activation</c>, and the <c>Softmax</c> layer (an activation over the last axis).</summary>
public sealed record ActivationSpec(string Name, Activation Activation, string KerasClassName = "Activation") : KerasLayer(Name)
{
    public override string ClassName => KerasClassName;

    public override LayerShape OutputShape(LayerShape input) => input;

    public override long MultiplyAccumulates(LayerShape input) => Activation == Activation.Linear ? 0 : input.Elements;
}

/// <summary><c>ReLU</c>: <c>min(max_value, x)</c> above the threshold 0, <c>negative_slope * x</c> below.</summary>
public sealed record ReLUSpec(string Name, float? MaxValue, float NegativeSlope) : KerasLayer(Name)
{
    public override string ClassName => "ReLU";

    public override LayerShape OutputShape(LayerShape input) => input;

    public override long MultiplyAccumulates(LayerShape input) => input.Elements;
}

public sealed record DropoutSpec(string Name, float Rate) : KerasLayer(Name)
{
    public override string ClassName => "Dropout";

    public override LayerShape OutputShape(LayerShape input) => input;
}

/// <summary><c>Flatten</c> in channels-last (NHWC) order, as Keras flattens.</summary>
public sealed record FlattenSpec(string Name) : KerasLayer(Name)
{
    public override string ClassName => "Flatten";

    public override LayerShape OutputShape(LayerShape input) => LayerShape.Vector(input.Elements);
}

public sealed record DenseSpec(string Name, int Units, Activation Activation, bool UseBias) : KerasLayer(Name)
{
    public override string ClassName => "Dense";

    public override LayerShape OutputShape(LayerShape input) => input.IsImage
        ? throw Invalid(Name, $"Dense on an image shape {input} is not supported; add Flatten or global pooling before it.")
        : LayerShape.Vector(Units);

    public override IReadOnlyList<WeightSpec> Weights(LayerShape input) =>
    [
        new("kernel", [input.Channels, Units]),
        .. UseBias ? [new WeightSpec("bias", [Units])] : Array.Empty<WeightSpec>(),
    ];

    public override long MultiplyAccumulates(LayerShape input) => (long)input.Channels * Units;
}

/// <summary>Keras merge layers: element-wise ones and <c>Concatenate</c>.</summary>
public enum MergeKind
{
    Add,
    Subtract,
    Multiply,
    Average,
    Maximum,
    Minimum,
    Concatenate,
}

/// <summary>
/// A merge of two or more tensors: element-wise with Keras' broadcasting (a dimension of 1 stretches,
/// as a squeeze-and-excitation <c>Multiply</c> needs), or <c>Concatenate</c> along the last (channels) axis.
/// </summary>
public sealed record MergeSpec(string Name, MergeKind Kind, int Axis = -1) : KerasLayer(Name)
{
    public override string ClassName => Kind.ToString();

    public override LayerShape OutputShape(LayerShape input) => throw Invalid(Name, $"{ClassName} merges two or more inputs, not one");

    public override LayerShape OutputShape(IReadOnlyList<LayerShape> inputs)
    {
        if (inputs.Count < 2 || (Kind == MergeKind.Subtract && inputs.Count != 2))
        {
            throw Invalid(Name, $"{ClassName} takes {(Kind == MergeKind.Subtract ? "exactly two" : "two or more")} inputs, not {inputs.Count}");
        }

        if (inputs.Any(i => i.Dims.Length != inputs[0].Dims.Length))
        {
            throw Invalid(Name, $"cannot merge inputs of different ranks: {string.Join(", ", inputs)}");
        }

        // Keras counts the batch axis: -1, or the rank, is the last (channels or features) axis.
        if (Kind == MergeKind.Concatenate && Axis != -1 && Axis != inputs[0].Dims.Length)
        {
            throw Invalid(Name, $"concatenates along axis {Axis}; only the last axis (-1) is supported");
        }

        var dims = inputs[0].Dims.ToArray();
        for (var axis = 0; axis < dims.Length; axis++)
        {
            if (Kind == MergeKind.Concatenate && axis == dims.Length - 1)
            {
                dims[axis] = inputs.Sum(i => i.Dims[axis]);
                continue;
            }

            foreach (var input in inputs.Skip(1))
            {
                var (a, b) = (dims[axis], input.Dims[axis]);
                dims[axis] = a == b || b == 1 ? a
                    : a == 1 && Kind != MergeKind.Concatenate ? b
                    : throw Invalid(Name, $"cannot {(Kind == MergeKind.Concatenate ? "concatenate" : "merge")} inputs of shapes {string.Join(", ", inputs)}");
            }
        }

        return new LayerShape(dims);
    }

    public override long MultiplyAccumulates(LayerShape input) => Kind == MergeKind.Concatenate ? 0 : input.Elements;
}

/// <summary><c>ZeroPadding2D</c>: zero rows above and below, zero columns left and right.</summary>
public sealed record ZeroPadding2DSpec(string Name, int Top, int Bottom, int Left, int Right) : KerasLayer(Name)
{
    public override string ClassName => "ZeroPadding2D";

    public override LayerShape OutputShape(LayerShape input) => LayerShape.Image(input.Height + Top + Bottom, input.Width + Left + Right, input.Channels);
}

/// <summary><c>Reshape</c> to a target shape (without the batch axis, channels-last, one dimension may be -1), in Keras' row-major order.</summary>
public sealed record ReshapeSpec(string Name, int[] Target) : KerasLayer(Name)
{
    public override string ClassName => "Reshape";

    public override LayerShape OutputShape(LayerShape input)
    {
        var known = Target.Where(d => d != -1).Aggregate(1, (a, b) => a * b);
        var unknown = Target.Count(d => d == -1);
        if (Target.Length is not (1 or 3) || unknown > 1 || Target.Any(d => d is 0 or < -1) || known == 0
            || (unknown == 0 ? known != input.Elements : input.Elements % known != 0))
        {
            throw Invalid(Name, $"cannot reshape {input} to ({string.Join(", ", Target)}): only to (features) or (height, width, channels) of as many elements");
        }

        return new LayerShape(Target.Select(d => d == -1 ? input.Elements / known : d).ToArray());
    }

    public bool Equals(ReshapeSpec? other) => other is not null && Name == other.Name && Target.SequenceEqual(other.Target);

    public override int GetHashCode() => HashCode.Combine(Name, Target.Length);
}
