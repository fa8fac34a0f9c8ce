using FaceMask.Tests.Keras;
using FaceMask.Tests.Onnx;
using FaceMask.Tests.Support;
using FaceMask.Training.Cli;
using FaceMask.Training.Imaging;
using FaceMask.Training.Keras;
using FaceMask.Training.Models;
using FaceMask.Training.Synthetic;
using OpenCvSharp;
using Window = FaceMask.Training.Keras.Window;

namespace FaceMask.Tests.Cli;

/// <summary><c>facemask import-keras</c>: Keras models trained elsewhere become model folders the rest of the tools use unchanged.</summary>
[Collection(CliCollection.Name)]
public sealed class ImportKerasTests
{
    [Fact]
    public async Task A_nested_teachable_machine_style_model_becomes_a_folder_predict_uses()
    {
        using var directory = new TempDirectory();
        var folder = directory.Combine("teachable");
        var h5 = Path.Combine(KerasFixture.Directory, "nested_functional.h5");

        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["import-keras", "--h5", h5, "--out", folder, "--classes", "masked, bare", "--input-size", "10x9", "--scale", "1", "--offset", "0"]));

        var imported = ModelFolder.Load(folder);
        Assert.Equal("teachable", imported.Metadata.Version);
        Assert.Equal(["masked", "bare"], imported.Metadata.Classes);
        Assert.Equal([10, 9], imported.Metadata.InputSize);
        Assert.Null(imported.Metadata.Metrics);

        // The folder's model computes what the numpy reference computed for the file.
        var reference = KerasFixture.Load("nested_functional");
        KerasH5Tests.AssertClose(reference.Output, OnnxAgreementTests.Run(imported.Model, reference.Input, (int)reference.InputShape[0]), 1e-5f);

        // predict reads it like any model folder.
        var face = directory.Combine("face.png");
        using (var drawn = SyntheticFaces.Draw(MaskState.Correct, seed: 2))
        {
            Cv2.ImWrite(face, drawn);
        }

        var (exitCode, output) = await CliCapture.RunAsync(["predict", "--model", folder, face]);
        Assert.Equal(CliConsole.Ok, exitCode);
        Assert.Contains("\"probabilities\":{\"masked\":", output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_sigmoid_head_gives_one_minus_p_and_p(bool separateActivation)
    {
        using var directory = new TempDirectory();
        var trunk = new KerasLayer[]
        {
            new InputLayerSpec("image", LayerShape.Image(16, 16, 3)),
            new Conv2DSpec("conv", 3, new Window(3, 3, 2, 2, Padding.Same), Activation.Relu, UseBias: true),
            new GlobalPooling2DSpec("pool", PoolKind.Average),
        };
        KerasLayer[] head = separateActivation
            ? [new DenseSpec("logit", 1, Activation.Linear, UseBias: true), new ActivationSpec("p", Activation.Sigmoid)]
            : [new DenseSpec("p", 1, Activation.Sigmoid, UseBias: true)];
        var original = OnnxAgreementTests.RandomWeights(new KerasModelSpec("binary", [.. trunk, .. head]), seed: 3);
        KerasH5.Write(original, directory.Combine("binary.h5"));

        var folder = directory.Combine("binary");
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["import-keras", "--h5", directory.Combine("binary.h5"), "--out", folder, "--classes", "with_mask,without_mask", "--input-size", "16", "--sigmoid"]));

        using var imported = OnnxModel.Load(ModelFolder.Load(folder));
        var input = DrawnInput(imported.Preprocessing);
        var p = OnnxAgreementTests.Run(original, input, 1).Single();
        var probabilities = imported.Run(input, 1)[0];
        Assert.Equal(1 - p, probabilities[0], 5);
        Assert.Equal(p, probabilities[1], 5);
    }

    [Fact]
    public async Task A_greyscale_model_reads_one_channel_of_luminance()
    {
        using var directory = new TempDirectory();
        var spec = new KerasModelSpec("grey", [
            new InputLayerSpec("image", LayerShape.Image(12, 12, 1)),
            new Conv2DSpec("conv", 4, new Window(3, 3, 1, 1, Padding.Valid), Activation.Relu, UseBias: true),
            new GlobalPooling2DSpec("pool", PoolKind.Max),
            new DenseSpec("probs", 3, Activation.Softmax, UseBias: true),
        ]);
        var original = OnnxAgreementTests.RandomWeights(spec, seed: 4);
        KerasH5.Write(original, directory.Combine("grey.h5"));
        var folder = directory.Combine("grey");

        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["import-keras", "--h5", directory.Combine("grey.h5"), "--out", folder, "--classes", "a,b,c", "--input-size", "12", "--color", "GRAY", "--scale", "0.5", "--offset", "-1"]));

        using var imported = OnnxModel.Load(ModelFolder.Load(folder));
        Assert.Equal(1, imported.Preprocessing.Channels);
        using var face = SyntheticFaces.Draw(MaskState.None, seed: 5);
        using var resized = face.Resize(new Size(12, 12), 0, 0, InterpolationFlags.Area);
        using var grey = resized.CvtColor(ColorConversionCodes.BGR2GRAY);
        grey.GetArray(out byte[] luminance);
        var expected = OnnxAgreementTests.Run(original, luminance.Select(v => (v * 0.5f) - 1).ToArray(), 1);
        KerasH5Tests.AssertClose(expected, imported.Run(DrawnInput(imported.Preprocessing, MaskState.None, 5), 1)[0], 1e-5f);
    }

    [Theory]
    [InlineData("not HDF5", "not an HDF5 file", "--classes", "a,b", "--input-size", "10x9")]
    [InlineData("nested_functional.h5", "names 3 classes", "--classes", "a,b,c", "--input-size", "10x9")]
    [InlineData("nested_functional.h5", "takes input (10, 9, 3)", "--classes", "a,b", "--input-size", "224")]
    [InlineData("nested_functional.h5", "takes input (10, 9, 3)", "--classes", "a,b", "--input-size", "10x9", "--color", "GRAY")]
    [InlineData("nested_functional.h5", "one sigmoid unit", "--classes", "a,b", "--input-size", "10x9", "--sigmoid")]
    [InlineData("nested_functional.h5", "named twice", "--classes", "a,a", "--input-size", "10x9")]
    [InlineData("nested_functional.h5", "not S or HxW", "--classes", "a,b", "--input-size", "ten")]
    [InlineData("every_layer_h5py3.h5", "the last layer 'out' (Dense) gives (3)", "--classes", "a,b", "--input-size", "9x11", "--sigmoid")]
    public async Task A_file_or_description_that_does_not_fit_is_refused_and_nothing_is_written(string file, string reason, params string[] description)
    {
        using var directory = new TempDirectory();
        var h5 = Path.Combine(KerasFixture.Directory, file);
        if (!File.Exists(h5))
        {
            h5 = directory.Combine("notes.h5");
            File.WriteAllText(h5, file);
        }

        var folder = directory.Combine("imported");
        var (exitCode, output) = await CliCapture.RunAsync(["import-keras", "--h5", h5, "--out", folder, .. description]);

        Assert.Equal(CliConsole.BadInput, exitCode);
        Assert.Contains(reason, output);
        Assert.False(Directory.Exists(folder));
        Assert.Empty(Directory.EnumerateDirectories(directory.Path));
    }

    [Fact]
    public async Task Outputs_that_are_not_class_probabilities_are_refused()
    {
        // Two independent sigmoids (multi-label) do not sum to 1: not a classifier's probabilities.
        using var directory = new TempDirectory();
        var spec = new KerasModelSpec("multilabel", [
            new InputLayerSpec("image", LayerShape.Image(12, 12, 3)),
            new GlobalPooling2DSpec("pool", PoolKind.Average),
            new DenseSpec("labels", 2, Activation.Sigmoid, UseBias: true),
        ]);
        KerasH5.Write(OnnxAgreementTests.RandomWeights(spec, seed: 7), directory.Combine("multilabel.h5"));

        var (exitCode, output) = await CliCapture.RunAsync(["import-keras", "--h5", directory.Combine("multilabel.h5"), "--out", directory.Combine("imported"), "--classes", "a,b", "--input-size", "12"]);

        Assert.Equal(CliConsole.BadInput, exitCode);
        Assert.Contains("last layer 'labels' (Dense) does not end in a softmax", output);
        Assert.False(Directory.Exists(directory.Combine("imported")));
    }

    [Fact]
    public async Task An_imported_functional_graph_fine_tunes_and_keeps_its_graph()
    {
        // A residual block, a squeeze-and-excitation gate and a concatenation: what `train --parent` (and a retrain's fine-tuning) must run backwards.
        using var directory = new TempDirectory();
        KerasLayer[] layers =
        [
            new InputLayerSpec("image", LayerShape.Image(32, 32, 3)),
            new Conv2DSpec("a", 8, new Window(3, 3, 1, 1, Padding.Same), Activation.Relu, UseBias: true),
            new DepthwiseConv2DSpec("dw", new Window(3, 3, 1, 1, Padding.Same), 1, Activation.Linear, UseBias: false),
            new BatchNormalizationSpec("bn", 1e-3f, 0.99f, Center: true, Scale: true),
            new ReLUSpec("relu6", 6f, 0f),
            new MergeSpec("skip", MergeKind.Add),
            new ZeroPadding2DSpec("pad", 0, 1, 0, 1),
            new Conv2DSpec("down", 8, new Window(3, 3, 2, 2, Padding.Valid), Activation.Relu, UseBias: true),
            new GlobalPooling2DSpec("squeeze", PoolKind.Average),
            new ReshapeSpec("squeeze_image", [1, 1, 8]),
            new Conv2DSpec("excite", 8, new Window(1, 1, 1, 1, Padding.Valid), Activation.Sigmoid, UseBias: true),
            new MergeSpec("gate", MergeKind.Multiply),
            new MergeSpec("join", MergeKind.Concatenate),
            new GlobalPooling2DSpec("pool", PoolKind.Average),
            new DenseSpec("probs", 3, Activation.Softmax, UseBias: true),
        ];
        string[][] inbound = [[], ["image"], ["a"], ["dw"], ["bn"], ["a", "relu6"], ["skip"], ["pad"], ["down"], ["squeeze"], ["squeeze_image"], ["down", "excite"], ["gate", "down"], ["join"], ["pool"]];
        var graph = OnnxAgreementTests.RandomWeights(new KerasModelSpec("residual", layers, inbound), seed: 8);
        KerasH5.Write(graph, directory.Combine("residual.h5"));
        var parent = directory.Combine("residual");
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["import-keras", "--h5", directory.Combine("residual.h5"), "--out", parent, "--classes", "mask_weared_incorrect,with_mask,without_mask", "--input-size", "32"]));
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["generate", "--out", directory.Combine("faces"), "--per-class", "24", "--seed", "9"]));
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["split", "--data", directory.Combine("faces"), "--out", directory.Combine("split"), "--seed", "1"]));

        var tuned = directory.Combine("tuned");
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["train", "--split", directory.Combine("split"), "--parent", parent, "--out", tuned, "--epochs", "2", "--paint-ratio", "0"]));

        var folder = ModelFolder.Load(tuned);
        Assert.Equal("residual", folder.Metadata.ParentVersion);
        Assert.False(folder.Model.Spec.IsChain);
        Assert.Equal(graph.Spec.Traced.Select(t => (t.Layer.Name, string.Join(",", t.From))), folder.Model.Spec.Traced.Select(t => (t.Layer.Name, string.Join(",", t.From))));
        Assert.NotEqual(graph.Weight("excite", "kernel").Data, folder.Model.Weight("excite", "kernel").Data); // the gate's branch learnt too
        Assert.Equal(2, folder.Metadata.Training!.Epochs);
    }

    private static float[] DrawnInput(Preprocessing preprocessing, MaskState state = MaskState.Correct, int seed = 1)
    {
        using var face = SyntheticFaces.Draw(state, seed);
        using var resized = ImagePreprocessor.Resize(face, preprocessing);
        var input = new float[preprocessing.InputLength];
        ImagePreprocessor.WriteInput(resized, preprocessing, input);
        return input;
    }
}
