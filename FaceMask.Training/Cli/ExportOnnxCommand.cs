using System.CommandLine;
using FaceMask.Training.Common;
using FaceMask.Training.Models;
using FaceMask.Training.Onnx;
using Spectre.Console;

namespace FaceMask.Training.Cli;

/// <summary><c>facemask export-onnx --model models/NAME --out model.onnx</c>: the graph the service runs.</summary>
internal static class ExportOnnxCommand
{
    public static Command Create()
    {
        var model = CliOptions.Model();
        var output = new Option<string>("--out") { Description = "ONNX file to write.", Required = true };
        var command = new Command("export-onnx", "Write the model as an ONNX graph (NHWC float input 'input', output 'output'), exactly as the service runs it.")
        {
            model, output,
        };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            var folder = ModelFolder.Load(parse.GetRequiredValue(model));
            var bytes = KerasOnnxConverter.ToBytes(folder.Model);
            AtomicFile.WriteAllBytes(parse.GetRequiredValue(output), bytes);
            AnsiConsole.MarkupLineInterpolated(
                $"Wrote {parse.GetRequiredValue(output)} ({bytes.Length / 1024.0:0.0} KiB, opset {KerasOnnxConverter.Opset}): input '{KerasOnnxConverter.InputName}' [[batch, {string.Join(", ", folder.Model.Spec.InputShape.Dims)}]], output '{KerasOnnxConverter.OutputName}' [[batch, {string.Join(", ", folder.Model.Spec.OutputShape.Dims)}]]; preprocessing: {folder.Metadata.Preprocessing.ColorOrder}, x * {folder.Metadata.Preprocessing.Scale} + {folder.Metadata.Preprocessing.Offset}.");
            return CliConsole.Ok;
        }));
        return command;
    }
}
