using FaceMask.Training.Keras;
using Microsoft.ML.OnnxRuntime;

namespace FaceMask.Training.Onnx;

/// <summary>
/// A Keras model converted in memory to ONNX and loaded into ONNX Runtime: the inference engine of
/// the service, the CLI and evaluation. Thread-safe (ONNX Runtime sessions take concurrent runs).
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession session;
    private readonly long[] inputDims;

    /// <param name="intraOpThreads">Threads one run may use; with micro-batching, 1 per concurrent batch is the efficient choice.</param>
    public OnnxSession(KerasModel model, int intraOpThreads = 1)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
        };
        session = new InferenceSession(KerasOnnxConverter.ToBytes(model), options);
        inputDims = model.Spec.InputShape.Dims.Select(d => (long)d).ToArray();
        InputLength = model.Spec.InputShape.Elements;
        OutputLength = model.Spec.OutputShape.Elements;
    }

    public int InputLength { get; }

    public int OutputLength { get; }

    /// <summary>Runs <paramref name="count"/> NHWC inputs laid end to end; returns one output vector per input.</summary>
    public float[][] Run(float[] inputs, int count)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.AsMemory(0, count * InputLength), [count, .. inputDims]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [KerasOnnxConverter.InputName], [input], [KerasOnnxConverter.OutputName]);
        var values = outputs[0].GetTensorDataAsSpan<float>();
        var results = new float[count][];
        for (var i = 0; i < count; i++)
        {
            results[i] = values.Slice(i * OutputLength, OutputLength).ToArray();
        }

        return results;
    }

    /// <summary>Runs any number of inputs in batches of <paramref name="batchSize"/>.</summary>
    public float[][] RunAll(float[] inputs, int count, int batchSize = 256)
    {
        var results = new float[count][];
        var buffer = new float[Math.Min(count, batchSize) * InputLength];
        for (var start = 0; start < count; start += batchSize)
        {
            var size = Math.Min(batchSize, count - start);
            inputs.AsSpan(start * InputLength, size * InputLength).CopyTo(buffer);
            Run(buffer, size).CopyTo(results, start);
        }

        return results;
    }

    public void Dispose() => session.Dispose();
}
