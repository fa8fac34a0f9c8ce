using FaceMask.Training.Keras;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using KerasActivation = FaceMask.Training.Keras.Activation;
using Padding = FaceMask.Training.Keras.Padding;

namespace FaceMask.Training.Torch;

/// <summary>
/// A TorchSharp module that computes one Keras layer exactly, on NCHW tensors (Keras is NHWC; the
/// model permutes once at its input and Flatten restores NHWC order). Weights convert to and from
/// Keras layout in <see cref="Load"/> and <see cref="Export"/>.
/// </summary>
internal abstract class KerasTorchLayer(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>Copies Keras-layout weights into this module's parameters and buffers.</summary>
    public virtual void Load(IReadOnlyDictionary<string, WeightTensor> weights)
    {
    }

    /// <summary>This module's weights in Keras layout and Keras order.</summary>
    public virtual IReadOnlyDictionary<string, WeightTensor> Export() => new Dictionary<string, WeightTensor>();

    /// <summary>The layer on the tensors a graph feeds it: one, unless it merges several (<see cref="MergeLayer"/>).</summary>
    public virtual Tensor Forward(IReadOnlyList<Tensor> inputs) => forward(inputs.Single());

    protected static Tensor FromKeras(WeightTensor weight) =>
        tensor(weight.Data, weight.Shape.Select(d => (long)d).ToArray());

    protected static WeightTensor ToKeras(Tensor value)
    {
        using var contiguous = value.detach().contiguous().cpu();
        return new WeightTensor(contiguous.shape.Select(d => (int)d).ToArray(), contiguous.data<float>().ToArray());
    }

    /// <summary>Copies <paramref name="source"/> into a parameter or buffer in place, without autograd.</summary>
    protected static void Assign(Tensor target, Tensor source)
    {
        using var _ = no_grad();
        using (source)
        {
            target.copy_(source);
        }
    }

    protected static Tensor Activate(Tensor x, KerasActivation activation) => activation switch
    {
        KerasActivation.Linear => x,
        KerasActivation.Relu => F.relu(x),
        KerasActivation.Relu6 => x.clamp(0, 6),
        KerasActivation.Sigmoid => x.sigmoid(),
        KerasActivation.HardSigmoid => (x * 0.2f + 0.5f).clamp(0, 1),
        KerasActivation.Softmax => x.softmax(1), // channels (NCHW) or features: the Keras last axis either way
        KerasActivation.Tanh => x.tanh(),
        KerasActivation.Swish => F.silu(x),
        KerasActivation.Elu => F.elu(x, alpha: 1.0),
        KerasActivation.Softplus => F.softplus(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>TensorFlow 'same' padding, computed from the actual input size.</summary>
    protected static Tensor PadSame(Tensor x, Window window, double value = 0)
    {
        if (window.Padding == Padding.Valid)
        {
            return x;
        }

        var (top, bottom, left, right) = window.Pads((int)x.shape[2], (int)x.shape[3]);
        return top + bottom + left + right == 0 ? x : F.pad(x, [left, right, top, bottom], PaddingModes.Constant, value);
    }

    /// <summary>Keras' glorot_uniform for a kernel with the given fans.</summary>
    protected static void GlorotUniform(Tensor kernel, long fanIn, long fanOut)
    {
        var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        using var _ = no_grad();
        kernel.uniform_(-limit, limit);
    }
}

internal sealed class RescalingLayer(RescalingSpec spec) : KerasTorchLayer(spec.Name)
{
    public override Tensor forward(Tensor x) => x * spec.Scale + spec.Offset;
}

/// <summary>Conv2D, DepthwiseConv2D and SeparableConv2D: one module, as they share padding, bias and activation.</summary>
internal sealed class ConvolutionLayer : KerasTorchLayer
{
    private readonly KerasLayer spec;
    private readonly Window window;
    private readonly KerasActivation activation;
    private readonly int inputChannels;
    private readonly int depthMultiplier;
    private readonly Parameter? depthwise;
    private readonly Parameter? kernel;
    private readonly Parameter? bias;

    public ConvolutionLayer(KerasLayer spec, LayerShape input) : base(spec.Name)
    {
        this.spec = spec;
        inputChannels = input.Channels;
        var (kh, kw) = spec switch
        {
            Conv2DSpec c => (c.Window.KernelHeight, c.Window.KernelWidth),
            DepthwiseConv2DSpec d => (d.Window.KernelHeight, d.Window.KernelWidth),
            SeparableConv2DSpec s => (s.Window.KernelHeight, s.Window.KernelWidth),
            _ => throw new ArgumentException($"Not a convolution: {spec.ClassName}"),
        };

        switch (spec)
        {
            case Conv2DSpec conv:
                (window, activation) = (conv.Window, conv.Activation);
                kernel = new Parameter(empty(conv.Filters, inputChannels, kh, kw));
                GlorotUniform(kernel, (long)kh * kw * inputChannels, (long)kh * kw * conv.Filters);
                bias = conv.UseBias ? new Parameter(zeros(conv.Filters)) : null;
                break;
            case DepthwiseConv2DSpec dw:
                (window, activation, depthMultiplier) = (dw.Window, dw.Activation, dw.DepthMultiplier);
                depthwise = new Parameter(empty(inputChannels * depthMultiplier, 1, kh, kw));
                GlorotUniform(depthwise, (long)kh * kw * inputChannels, (long)kh * kw * depthMultiplier);
                bias = dw.UseBias ? new Parameter(zeros(inputChannels * depthMultiplier)) : null;
                break;
            case SeparableConv2DSpec sep:
                (window, activation, depthMultiplier) = (sep.Window, sep.Activation, sep.DepthMultiplier);
                depthwise = new Parameter(empty(inputChannels * depthMultiplier, 1, kh, kw));
                GlorotUniform(depthwise, (long)kh * kw * inputChannels, (long)kh * kw * depthMultiplier);
                kernel = new Parameter(empty(sep.Filters, inputChannels * depthMultiplier, 1, 1));
                GlorotUniform(kernel, inputChannels * depthMultiplier, sep.Filters);
                bias = sep.UseBias ? new Parameter(zeros(sep.Filters)) : null;
                break;
        }

        if (depthwise is not null)
        {
            register_parameter("depthwise_kernel", depthwise);
        }

        if (kernel is not null)
        {
            register_parameter("kernel", kernel);
        }

        if (bias is not null)
        {
            register_parameter("bias", bias);
        }
    }

    public override Tensor forward(Tensor x)
    {
        var padded = PadSame(x, window);
        var strides = new long[] { window.StrideHeight, window.StrideWidth };
        Tensor output = spec switch
        {
            Conv2DSpec => F.conv2d(padded, kernel!, bias, strides),
            DepthwiseConv2DSpec => F.conv2d(padded, depthwise!, bias, strides, groups: inputChannels),
            _ => F.conv2d(F.conv2d(padded, depthwise!, null, strides, groups: inputChannels), kernel!, bias),
        };
        return Activate(output, activation);
    }

    public override void Load(IReadOnlyDictionary<string, WeightTensor> weights)
    {
        if (depthwise is not null)
        {
            // Keras (kh, kw, in, mult) -> torch (in * mult, 1, kh, kw); output channel c * mult + m in both.
            using var keras = FromKeras(weights["depthwise_kernel"]);
            Assign(depthwise, keras.reshape(keras.shape[0], keras.shape[1], -1).permute(2, 0, 1).unsqueeze(1));
        }

        if (kernel is not null)
        {
            // HWIO -> OIHW; SeparableConv2D's pointwise kernel is a (1, 1, in, out) convolution kernel.
            using var keras = FromKeras(weights[spec is SeparableConv2DSpec ? "pointwise_kernel" : "kernel"]);
            Assign(kernel, keras.permute(3, 2, 0, 1));
        }

        if (bias is not null)
        {
            Assign(bias, FromKeras(weights["bias"]));
        }
    }

    public override IReadOnlyDictionary<string, WeightTensor> Export()
    {
        var weights = new Dictionary<string, WeightTensor>();
        if (depthwise is not null)
        {
            var (channels, kh, kw) = (inputChannels, depthwise.shape[2], depthwise.shape[3]);
            using var keras = depthwise.detach().squeeze(1).permute(1, 2, 0).reshape(kh, kw, channels, depthMultiplier);
            weights["depthwise_kernel"] = ToKeras(keras);
        }

        if (kernel is not null)
        {
            using var keras = kernel.detach().permute(2, 3, 1, 0);
            weights[spec is SeparableConv2DSpec ? "pointwise_kernel" : "kernel"] = ToKeras(keras);
        }

        if (bias is not null)
        {
            weights["bias"] = ToKeras(bias);
        }

        return weights;
    }
}

internal sealed class PoolingLayer(Pooling2DSpec spec) : KerasTorchLayer(spec.Name)
{
    private readonly long[] kernel = [spec.Window.KernelHeight, spec.Window.KernelWidth];
    private readonly long[] strides = [spec.Window.StrideHeight, spec.Window.StrideWidth];

    public override Tensor forward(Tensor x)
    {
        if (spec.Kind == PoolKind.Max)
        {
            return F.max_pool2d(PadSame(x, spec.Window, double.NegativeInfinity), kernel, strides);
        }

        var sums = F.avg_pool2d(PadSame(x, spec.Window), kernel, strides);
        if (spec.Window.Padding == Padding.Valid)
        {
            return sums;
        }

        // TensorFlow divides 'same' windows by the pixels inside the image, not the window size.
        using var ones = ones_like(x.narrow(1, 0, 1));
        using var inside = F.avg_pool2d(PadSame(ones, spec.Window), kernel, strides);
        return sums / inside;
    }
}

internal sealed class GlobalPoolingLayer(GlobalPooling2DSpec spec) : KerasTorchLayer(spec.Name)
{
    public override Tensor forward(Tensor x) => spec.Kind == PoolKind.Max ? x.amax([2, 3]) : x.mean([2, 3]);
}

/// <summary>BatchNormalization with Keras semantics (momentum of the old statistics, epsilon on the variance).</summary>
internal sealed class BatchNormalizationLayer : KerasTorchLayer
{
    private readonly BatchNormalizationSpec spec;
    private readonly Parameter? gamma;
    private readonly Parameter? beta;
    private readonly Tensor movingMean;
    private readonly Tensor movingVariance;

    public BatchNormalizationLayer(BatchNormalizationSpec spec, LayerShape input) : base(spec.Name)
    {
        this.spec = spec;
        var channels = input.Channels;
        gamma = spec.Scale ? new Parameter(ones(channels)) : null;
        beta = spec.Center ? new Parameter(zeros(channels)) : null;
        movingMean = zeros(channels);
        movingVariance = ones(channels);
        if (gamma is not null)
        {
            register_parameter("gamma", gamma);
        }

        if (beta is not null)
        {
            register_parameter("beta", beta);
        }

        register_buffer("moving_mean", movingMean);
        register_buffer("moving_variance", movingVariance);
    }

    public override Tensor forward(Tensor x) =>
        F.batch_norm(x, movingMean, movingVariance, gamma, beta, training, 1 - spec.Momentum, spec.Epsilon);

    public override void Load(IReadOnlyDictionary<string, WeightTensor> weights)
    {
        if (gamma is not null)
        {
            Assign(gamma, FromKeras(weights["gamma"]));
        }

        if (beta is not null)
        {
            Assign(beta, FromKeras(weights["beta"]));
        }

        Assign(movingMean, FromKeras(weights["moving_mean"]));
        Assign(movingVariance, FromKeras(weights["moving_variance"]));
    }

    public override IReadOnlyDictionary<string, WeightTensor> Export()
    {
        var weights = new Dictionary<string, WeightTensor>();
        if (gamma is not null)
        {
            weights["gamma"] = ToKeras(gamma);
        }

        if (beta is not null)
        {
            weights["beta"] = ToKeras(beta);
        }

        weights["moving_mean"] = ToKeras(movingMean);
        weights["moving_variance"] = ToKeras(movingVariance);
        return weights;
    }
}

internal sealed class ActivationLayer(ActivationSpec spec) : KerasTorchLayer(spec.Name)
{
    public KerasActivation Activation => spec.Activation;

    public override Tensor forward(Tensor x) => Activate(x, spec.Activation);
}

internal sealed class ReLULayer(ReLUSpec spec) : KerasTorchLayer(spec.Name)
{
    public override Tensor forward(Tensor x)
    {
        var positive = spec.MaxValue is { } max ? x.clamp(0, max) : F.relu(x);
        return spec.NegativeSlope == 0 ? positive : where(x >= 0, positive, x * spec.NegativeSlope);
    }
}

internal sealed class DropoutLayer(DropoutSpec spec) : KerasTorchLayer(spec.Name)
{
    public override Tensor forward(Tensor x) => F.dropout(x, spec.Rate, training);
}

/// <summary>Keras merges on NCHW images or vectors: element-wise with broadcasting, or concatenated along channels (features), axis 1 either way.</summary>
internal sealed class MergeLayer(MergeSpec spec) : KerasTorchLayer(spec.Name)
{
    public override Tensor forward(Tensor x) => throw new InvalidOperationException($"Layer '{spec.Name}' merges several inputs.");

    public override Tensor Forward(IReadOnlyList<Tensor> inputs) => spec.Kind switch
    {
        MergeKind.Add => inputs.Skip(1).Aggregate(inputs[0], (sum, x) => sum + x),
        MergeKind.Subtract => inputs[0] - inputs[1],
        MergeKind.Multiply => inputs.Skip(1).Aggregate(inputs[0], (product, x) => product * x),
        MergeKind.Average => inputs.Skip(1).Aggregate(inputs[0], (sum, x) => sum + x) / inputs.Count,
        MergeKind.Maximum => inputs.Skip(1).Aggregate(inputs[0], maximum),
        MergeKind.Minimum => inputs.Skip(1).Aggregate(inputs[0], minimum),
        MergeKind.Concatenate => cat(inputs.ToArray(), 1),
        _ => throw new ArgumentOutOfRangeException(nameof(inputs)),
    };
}

internal sealed class ZeroPaddingLayer(ZeroPadding2DSpec spec) : KerasTorchLayer(spec.Name)
{
    public override Tensor forward(Tensor x) => F.pad(x, [spec.Left, spec.Right, spec.Top, spec.Bottom]);
}

/// <summary>Reshapes in NHWC row-major order, as Keras does; an image result goes back to NCHW.</summary>
internal sealed class ReshapeLayer(ReshapeSpec spec, LayerShape output) : KerasTorchLayer(spec.Name)
{
    public override Tensor forward(Tensor x)
    {
        var nhwc = x.dim() == 4 ? x.permute(0, 2, 3, 1) : x;
        var reshaped = nhwc.reshape([-1, .. output.Dims.Select(d => (long)d)]);
        return output.IsImage ? reshaped.permute(0, 3, 1, 2) : reshaped;
    }
}

/// <summary>Flattens in NHWC order, as Keras does, so Dense kernels need no reordering.</summary>
internal sealed class FlattenLayer(FlattenSpec spec) : KerasTorchLayer(spec.Name)
{
    public override Tensor forward(Tensor x) => x.dim() == 4 ? x.permute(0, 2, 3, 1).flatten(1) : x.flatten(1);
}

internal sealed class DenseLayer : KerasTorchLayer
{
    private readonly DenseSpec spec;
    private readonly Parameter kernel;
    private readonly Parameter? bias;

    public DenseLayer(DenseSpec spec, LayerShape input) : base(spec.Name)
    {
        this.spec = spec;
        kernel = new Parameter(empty(spec.Units, input.Channels));
        GlorotUniform(kernel, input.Channels, spec.Units);
        bias = spec.UseBias ? new Parameter(zeros(spec.Units)) : null;
        register_parameter("kernel", kernel);
        if (bias is not null)
        {
            register_parameter("bias", bias);
        }
    }

    public KerasActivation Activation => spec.Activation;

    /// <summary>The layer before its activation.</summary>
    public Tensor Linear(Tensor x) => F.linear(x, kernel, bias);

    public override Tensor forward(Tensor x) => Activate(Linear(x), spec.Activation);

    public override void Load(IReadOnlyDictionary<string, WeightTensor> weights)
    {
        using var keras = FromKeras(weights["kernel"]);
        Assign(kernel, keras.t()); // (in, out) -> (out, in)
        if (bias is not null)
        {
            Assign(bias, FromKeras(weights["bias"]));
        }
    }

    public override IReadOnlyDictionary<string, WeightTensor> Export()
    {
        using var keras = kernel.detach().t();
        var weights = new Dictionary<string, WeightTensor> { ["kernel"] = ToKeras(keras) };
        if (bias is not null)
        {
            weights["bias"] = ToKeras(bias);
        }

        return weights;
    }
}
