using FaceMask.Training.Imaging;
using FaceMask.Training.Models;
using FaceMask.Training.Onnx;
using Microsoft.ML.OnnxRuntime;
using ModelMetadata = FaceMask.Training.Models.ModelMetadata;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace FaceMask.Api.Inference;

/// <summary>
/// A model folder converted in memory to an ONNX graph and loaded into ONNX Runtime. Thread-safe:
/// ONNX Runtime sessions accept concurrent Run calls.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession session;
    private readonly long[] inputDims;
    private readonly int inputLength;
    private readonly int outputLength;

    private OnnxModel(ModelFolder folder, InferenceSession session)
    {
        Folder = folder;
        this.session = session;
        Preprocessing = folder.Metadata.ToPreprocessing();
        inputDims = folder.Model.Spec.InputShape.Dims.Select(d => (long)d).ToArray();
        inputLength = folder.Model.Spec.InputShape.Elements;
        outputLength = folder.Model.Spec.OutputShape.Elements;
    }

    public ModelFolder Folder { get; }

    public ModelMetadata Metadata => Folder.Metadata;

    public Preprocessing Preprocessing { get; }

    public IReadOnlyList<string> Classes => Folder.Metadata.Classes;

    /// <param name="intraOpThreads">Threads one Run may use; with micro-batching, 1 per concurrent batch is the efficient choice.</param>
    public static OnnxModel Load(ModelFolder folder, int intraOpThreads = 1)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
        };
        return new OnnxModel(folder, new InferenceSession(KerasOnnxConverter.ToBytes(folder.Model), options));
    }

    /// <summary>Runs <paramref name="count"/> preprocessed NHWC inputs; returns one output vector per input.</summary>
    public float[][] Run(float[] inputs, int count)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.AsMemory(0, count * inputLength), [count, .. inputDims]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [KerasOnnxConverter.InputName], [input], [KerasOnnxConverter.OutputName]);
        var values = outputs[0].GetTensorDataAsSpan<float>();
        var results = new float[count][];
        for (var i = 0; i < count; i++)
        {
            results[i] = values.Slice(i * outputLength, outputLength).ToArray();
        }

        return results;
    }

    public void Dispose() => session.Dispose();
}
