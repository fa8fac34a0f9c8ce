using FaceMask.Training.Evaluation;
using FaceMask.Training.Imaging;
using FaceMask.Training.Onnx;

namespace FaceMask.Training.Models;

/// <summary>A model folder ready to serve: its metadata, its preprocessing and an ONNX Runtime session.</summary>
public sealed class OnnxModel : IDisposable
{
    private OnnxModel(ModelFolder folder, OnnxSession session)
    {
        Folder = folder;
        Session = session;
        Preprocessing = folder.Metadata.ToPreprocessing();
    }

    public ModelFolder Folder { get; }

    public ModelMetadata Metadata => Folder.Metadata;

    public Preprocessing Preprocessing { get; }

    public IReadOnlyList<string> Classes => Folder.Metadata.Classes;

    public OnnxSession Session { get; }

    public static OnnxModel Load(ModelFolder folder, int intraOpThreads = 1) => new(folder, new OnnxSession(folder.Model, intraOpThreads));

    /// <summary>Runs <paramref name="count"/> preprocessed NHWC inputs; returns the class probabilities of each, at the model's calibrated temperature.</summary>
    public float[][] Run(float[] inputs, int count) => Calibrated(Session.Run(inputs, count));

    /// <summary><see cref="Run"/> for any number of inputs, in batches.</summary>
    public float[][] RunAll(float[] inputs, int count) => Calibrated(Session.RunAll(inputs, count));

    /// <summary>Decodes, preprocesses and classifies one encoded image (the CLI's and benchmarks' path; the service batches instead).</summary>
    public float[] Classify(ReadOnlySpan<byte> encoded, ImageLimits? limits = null)
    {
        var input = new float[Preprocessing.InputLength];
        ImagePreprocessor.Preprocess(encoded, Preprocessing, input, limits);
        return Run(input, 1)[0];
    }

    public void Dispose() => Session.Dispose();

    private float[][] Calibrated(float[][] outputs)
    {
        Calibration.Apply(outputs, Metadata.Temperature);
        return outputs;
    }
}
