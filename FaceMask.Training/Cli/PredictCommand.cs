using System.CommandLine;
using System.Text.Json;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Models;

namespace FaceMask.Training.Cli;

/// <summary><c>facemask predict --model models/NAME IMAGE...</c>: one JSON object per line.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = CliOptions.Model();
        var images = new Argument<string[]>("images") { Description = "Image files.", Arity = ArgumentArity.OneOrMore };
        var uncertainBelow = CliOptions.UncertainBelow();
        var command = new Command("predict", "Classify images; prints {file, prediction, confidence, probabilities, uncertain} per line.") { model, images, uncertainBelow };
        command.SetAction(parse => CliConsole.Run(() =>
        {
            using var onnx = OnnxModel.Load(ModelFolder.Load(parse.GetRequiredValue(model)));
            var classes = onnx.Classes;
            return CliConsole.EachFile(parse.GetRequiredValue(images), file =>
            {
                var probabilities = onnx.Classify(File.ReadAllBytes(file));
                var best = Probabilities.ArgMax(probabilities);
                return JsonSerializer.Serialize(new
                {
                    file,
                    prediction = classes[best],
                    confidence = probabilities[best],
                    probabilities = classes.Select((name, i) => (name, p: probabilities[i])).ToDictionary(x => x.name, x => x.p),
                    uncertain = Uncertainty.IsUncertain(probabilities[best], parse.GetValue(uncertainBelow)),
                });
            });
        }));
        return command;
    }
}
