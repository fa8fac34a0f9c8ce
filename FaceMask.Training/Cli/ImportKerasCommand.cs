using System.CommandLine;
using System.Globalization;
using FaceMask.Training.Imaging;
using FaceMask.Training.Importing;
using FaceMask.Training.Models;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary><c>facemask import-keras --h5 FILE --out DIR --classes a,b --input-size S</c>: a Keras model trained elsewhere as a model folder.</summary>
internal static class ImportKerasCommand
{
    public static Command Create()
    {
        var h5 = new Option<string>("--h5") { Description = "The Keras .h5 model file (Sequential or Functional, nested models included; docs/keras.md lists the layers).", Required = true };
        var output = new Option<string>("--out") { Description = "Model folder to write (model.h5, metadata.json); its name is the model's version.", Required = true };
        var classes = new Option<string>("--classes") { Description = "The classes in the model's output order, comma-separated (e.g. with_mask,without_mask; names the service does not know are kept as given).", Required = true };
        var inputSize = new Option<string>("--input-size") { Description = "The model's input size in pixels: S (square) or HxW; checked against the file.", Required = true };
        var scale = new Option<float>("--scale") { Description = "Each pixel value 0-255 is multiplied by this (MobileNetV2's preprocess_input: 0.00784314 with --offset -1).", DefaultValueFactory = _ => 1f / 255f };
        var offset = new Option<float>("--offset") { Description = "... and this is added.", DefaultValueFactory = _ => 0f };
        var color = new Option<string>("--color") { Description = "Channel order the model was trained on: RGB, BGR or GRAY (one channel).", DefaultValueFactory = _ => "RGB" };
        color.AcceptOnlyFromAmong("RGB", "BGR", "GRAY");
        var sigmoid = new Option<bool>("--sigmoid") { Description = "The model ends in one sigmoid unit giving the probability of the second class: probabilities are {first: 1-p, second: p}." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the folder if it exists." };
        var command = new Command("import-keras", "Check a Keras .h5 trained elsewhere and write it as a model folder that predict, detect, evaluate, benchmark and the service use unchanged.")
        {
            h5, output, classes, inputSize, scale, offset, color, sigmoid, overwrite,
        };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            var (height, width) = ParseSize(parse.GetRequiredValue(inputSize));
            var options = new ImportOptions(
                parse.GetRequiredValue(classes).Split(',', StringSplitOptions.TrimEntries),
                height,
                width,
                parse.GetValue(scale),
                parse.GetValue(offset),
                Enum.Parse<ColorOrder>(parse.GetValue(color)!, ignoreCase: true),
                parse.GetValue(sigmoid));
            var folder = parse.GetRequiredValue(output);
            var version = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
            var (model, metadata) = KerasImport.Import(parse.GetRequiredValue(h5), options, version);
            ModelFolder.Save(folder, model, metadata, metrics: null, overwrite: parse.GetValue(overwrite));

            var drawn = KerasImport.CheckOnDrawnFace(model, metadata);
            AnsiConsole.MarkupLineInterpolated(
                $"Wrote {folder}: {model.Spec.Layers.Count} layers, {model.Spec.Parameters:N0} parameters, {metadata.MegaFlops:0.##} MFLOPs; input {height}x{width} {metadata.Preprocessing.ColorOrder}, x * {metadata.Preprocessing.Scale} + {metadata.Preprocessing.Offset}; classes {string.Join(", ", metadata.Classes)}{(options.Sigmoid ? " (the sigmoid head as a two-unit softmax)" : string.Empty)}.");
            AnsiConsole.MarkupLineInterpolated(
                $"On a drawn face: {string.Join(", ", metadata.Classes.Select((c, i) => $"{c} {drawn[i].ToString("0.000", CultureInfo.InvariantCulture)}"))}. Next: facemask evaluate --model {folder} --data DIR.");
            return CliConsole.Ok;
        }));
        return command;
    }

    private static (int Height, int Width) ParseSize(string text) =>
        InputSizeText.TryParse(text, out var size) ? size : throw new ArgumentException($"--input-size '{text}' is not {InputSizeText.Form}.");
}
