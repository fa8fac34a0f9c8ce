using FaceMask.Training.Imaging;
using FaceMask.Training.Keras;
using FaceMask.Training.Models;
using FaceMask.Training.Onnx;
using FaceMask.Training.Synthetic;

namespace FaceMask.Training.Importing;

/// <summary>How a Keras model someone brings is to be used: its classes in output order, its input and the preprocessing it was trained with.</summary>
/// <param name="Sigmoid">The model ends in one sigmoid unit, the probability of the second class.</param>
public sealed record ImportOptions(
    IReadOnlyList<string> Classes,
    int Height,
    int Width,
    float Scale = 1f / 255f,
    float Offset = 0f,
    ColorOrder Color = ColorOrder.Rgb,
    bool Sigmoid = false);

/// <summary>
/// Turns a Keras <c>.h5</c> trained elsewhere into a model folder's contents that <c>predict</c>,
/// <c>detect</c>, <c>evaluate</c>, <c>benchmark</c> and the service use unchanged, after checking it:
/// it loads, its input and output fit the description, and on a drawn face it gives one finite
/// probability per class, summing to 1. A one-unit sigmoid head becomes the equivalent two-unit
/// softmax (logits 0 and z: <c>softmax(0, z) = (1 - sigmoid(z), sigmoid(z))</c>), so the folder is an
/// ordinary classifier that calibrates and fine-tunes like any other.
/// </summary>
public static class KerasImport
{
    /// <summary>Most classes a model may have.</summary>
    public const int MaxClasses = 100;

    /// <exception cref="InvalidDataException">The file or the description is wrong; the message says what, naming the layer where there is one.</exception>
    public static (KerasModel Model, ModelMetadata Metadata) Import(string h5Path, ImportOptions options, string version)
    {
        CheckDescription(options);
        var model = KerasH5.Read(h5Path);
        var preprocessing = new Preprocessing(options.Height, options.Width, options.Color, options.Scale, options.Offset);
        var input = model.Spec.InputShape;
        if (!input.IsImage || input.Height != options.Height || input.Width != options.Width || input.Channels != preprocessing.Channels)
        {
            throw new InvalidDataException(
                $"The model takes input {input}; the description says {options.Height}x{options.Width} with {preprocessing.Channels} channel(s) ({options.Color.ToString().ToUpperInvariant()}).");
        }

        model = options.Sigmoid ? SigmoidAsSoftmax(model) : model;
        var output = model.Spec.OutputShape;
        if (output.Dims.Length != 1 || output.Elements != options.Classes.Count)
        {
            throw new InvalidDataException($"The model gives output {output}; the description names {options.Classes.Count} classes ({string.Join(", ", options.Classes)}).");
        }

        var last = model.Spec.Layers[^1];
        if (last is not (DenseSpec { Activation: Activation.Softmax } or ActivationSpec { Activation: Activation.Softmax }))
        {
            throw new InvalidDataException(
                $"The model's last layer '{last.Name}' ({last.ClassName}) does not end in a softmax, so its outputs are not class probabilities (a one-unit sigmoid output: --sigmoid).");
        }

        var metadata = new ModelMetadata(
            version,
            options.Classes,
            [options.Height, options.Width],
            ModelMetadata.Describe(preprocessing),
            $"imported {model.Spec.Name}",
            model.Spec.Parameters,
            Math.Round(model.Spec.MegaFlops, 2),
            Metrics: null,
            DatasetFingerprint: null,
            ParentVersion: null,
            Created: DateTimeOffset.UtcNow,
            Training: null);
        CheckOnDrawnFace(model, metadata);
        return (model, metadata);
    }

    /// <summary>Runs the model as the service would on a drawn face: one finite probability per class, summing to 1.</summary>
    public static float[] CheckOnDrawnFace(KerasModel model, ModelMetadata metadata)
    {
        var preprocessing = metadata.ToPreprocessing();
        using var face = SyntheticFaces.Draw(MaskState.Correct, seed: 1);
        using var resized = ImagePreprocessor.Resize(face, preprocessing);
        var input = new float[preprocessing.InputLength];
        ImagePreprocessor.WriteInput(resized, preprocessing, input);
        float[] probabilities;
        try
        {
            using var session = new OnnxSession(model, intraOpThreads: 1);
            probabilities = session.Run(input, 1)[0];
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            throw new InvalidDataException($"The model does not run on a drawn face: {e.Message}", e);
        }

        if (probabilities.Length != metadata.Classes.Count || probabilities.Any(p => !float.IsFinite(p) || p < 0 || p > 1) || Math.Abs(probabilities.Sum() - 1) > 1e-3)
        {
            throw new InvalidDataException($"On a drawn face the model gives ({string.Join(", ", probabilities.Select(p => p.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)))}), not {metadata.Classes.Count} probabilities summing to 1.");
        }

        return probabilities;
    }

    private static void CheckDescription(ImportOptions options)
    {
        var classes = options.Classes;
        if (classes.Count < 2 || classes.Count > MaxClasses)
        {
            throw new InvalidDataException($"Name between 2 and {MaxClasses} classes, in the model's output order; got {classes.Count}.");
        }

        if (classes.FirstOrDefault(c => string.IsNullOrWhiteSpace(c) || c.Length > 64 || c.Any(char.IsControl) || c != c.Trim()) is { } bad)
        {
            throw new InvalidDataException($"Class name '{bad}' is empty, too long (over 64 characters), padded or holds control characters.");
        }

        if (classes.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new InvalidDataException($"Class '{twice.Key}' is named twice.");
        }

        if (options.Sigmoid && classes.Count != 2)
        {
            throw new InvalidDataException($"A sigmoid output gives the probability of the second of two classes; {classes.Count} are named.");
        }

        if (options.Height is < 8 or > 1024 || options.Width is < 8 or > 1024)
        {
            throw new InvalidDataException($"The input size {options.Height}x{options.Width} is outside 8 to 1024 pixels.");
        }

        if (!float.IsFinite(options.Scale) || options.Scale == 0 || !float.IsFinite(options.Offset))
        {
            throw new InvalidDataException($"Scale {options.Scale} and offset {options.Offset} must be finite, and the scale not 0.");
        }
    }

    /// <summary>
    /// The one-unit sigmoid head (a Dense with sigmoid, or a Dense followed by a sigmoid Activation)
    /// rewritten as two softmax units whose first logit is always 0.
    /// </summary>
    private static KerasModel SigmoidAsSoftmax(KerasModel model)
    {
        var spec = model.Spec;
        var (last, beforeLast) = (spec.Traced[^1], spec.Traced.Count > 2 ? spec.Traced[^2] : null);
        var (dense, activation) = last.Layer switch
        {
            DenseSpec { Units: 1, Activation: Activation.Sigmoid } d => (d, (ActivationSpec?)null),
            ActivationSpec { Activation: Activation.Sigmoid } a when beforeLast?.Layer is DenseSpec { Units: 1, Activation: Activation.Linear } d && last.From.SequenceEqual([d.Name]) => (d, a),
            var other => throw new InvalidDataException(
                $"--sigmoid needs one sigmoid unit at the end (Dense(1, sigmoid), or Dense(1) and a sigmoid Activation); the last layer '{other.Name}' ({other.ClassName}) gives {last.Output}."),
        };

        var kernel = model.Weight(dense.Name, "kernel");
        var inputs = kernel.Shape[0];
        var twoUnits = new float[inputs * 2];
        for (var i = 0; i < inputs; i++)
        {
            twoUnits[(i * 2) + 1] = kernel.Data[i]; // unit 0 stays 0: its logit is always 0
        }

        var bias = dense.UseBias ? model.Weight(dense.Name, "bias").Data[0] : 0f;
        var weights = model.Weights.ToDictionary(w => w.Key, w => w.Value);
        weights[dense.Name] = new Dictionary<string, WeightTensor>
        {
            ["kernel"] = new([inputs, 2], twoUnits),
            ["bias"] = new([2], [0f, bias]),
        };
        var layers = spec.Layers.Select(l =>
            l == dense ? new DenseSpec(dense.Name, 2, activation is null ? Activation.Softmax : Activation.Linear, UseBias: true)
            : l == activation ? new ActivationSpec(activation.Name, Activation.Softmax, activation.KerasClassName)
            : l).ToList();
        return new KerasModel(new KerasModelSpec(spec.Name, layers, spec.Traced.Select(t => t.From).ToList(), spec.WeightGroups), weights);
    }
}
