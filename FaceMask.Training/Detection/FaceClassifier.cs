using FaceMask.Training.Evaluation;
using FaceMask.Training.Imaging;
using FaceMask.Training.Models;
using OpenCvSharp;

namespace FaceMask.Training.Detection;

/// <summary>The faces of a photo through the classifier in-process (the CLI; the service goes through its micro-batcher).</summary>
public static class FaceClassifier
{
    /// <summary>All faces of a photo cut out by <see cref="FaceCrop"/> (widened by <paramref name="widening"/>, the detector's) and classified in one ONNX Runtime call.</summary>
    /// <param name="uncertainBelow">A verdict whose probability is below this is flagged uncertain.</param>
    public static List<ClassifiedFace> Classify(OnnxModel onnx, Mat photo, IReadOnlyList<FaceDetection> found, float widening, double uncertainBelow = Uncertainty.DefaultBelow)
    {
        if (found.Count == 0)
        {
            return [];
        }

        var length = onnx.Preprocessing.InputLength;
        var inputs = new float[found.Count * length];
        for (var i = 0; i < found.Count; i++)
        {
            using var crop = new Mat(photo, FaceCrop.Square(found[i].Frame, photo.Width, photo.Height, widening));
            using var resized = ImagePreprocessor.Resize(crop, onnx.Preprocessing);
            ImagePreprocessor.WriteInput(resized, onnx.Preprocessing, inputs.AsSpan(i * length, length));
        }

        var outputs = onnx.RunAll(inputs, found.Count);
        return found.Select((face, i) =>
        {
            var best = Probabilities.ArgMax(outputs[i]);
            var probabilities = onnx.Classes.Select((name, c) => (name, p: outputs[i][c])).ToDictionary(x => x.name, x => x.p);
            return ClassifiedFace.From(face, onnx.Classes[best], outputs[i][best], probabilities, Uncertainty.IsUncertain(outputs[i][best], uncertainBelow));
        }).ToList();
    }
}
