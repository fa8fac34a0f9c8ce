using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FaceMask.Training.Imaging;
using FaceMask.Training.Models;
using FaceMask.Training.Synthetic;
using Microsoft.AspNetCore.WebUtilities;
using OpenCvSharp;

namespace FaceMask.Benchmarks;

/// <summary>
/// The in-process stages of one <c>POST /api/predict</c>, each alone, on the served model and a drawn
/// 128x128 JPEG face: reading the multipart body, decoding, preprocessing, the ONNX Runtime call, and
/// writing the answer. <c>dotnet run -c Release --project bench/FaceMask.Benchmarks -- --filter '*'</c>
/// from the repository root (FACEMASK_MODEL names another model folder).
/// </summary>
[MemoryDiagnoser]
public class PredictionStages
{
    private const string Boundary = "----facemask-benchmark";
    private OnnxModel model = null!;
    private byte[] jpeg = null!;
    private byte[] multipart = null!;
    private Mat decoded = null!;
    private float[] input = null!;
    private float[] probabilities = null!;
    private float[] pair = null!;

    [GlobalSetup]
    public void Setup()
    {
        model = OnnxModel.Load(ModelFolder.Load(Environment.GetEnvironmentVariable("FACEMASK_MODEL") ?? "models/facemask-v2"));
        using (var face = SyntheticFaces.Draw(MaskState.Correct, seed: 1, size: 128))
        {
            jpeg = SyntheticFaces.Encode(face, ImageFormat.Jpeg);
        }

        var head = Encoding.ASCII.GetBytes($"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"face.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n");
        var tail = Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n");
        multipart = [.. head, .. jpeg, .. tail];
        decoded = ImageDecoder.Decode(jpeg);
        input = new float[model.Preprocessing.InputLength];
        using (var resized = ImagePreprocessor.Resize(decoded, model.Preprocessing))
        {
            ImagePreprocessor.WriteInput(resized, model.Preprocessing, input);
        }

        probabilities = model.Run(input, 1)[0];
        pair = [.. input, .. input];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        decoded.Dispose();
        model.Dispose();
    }

    [Benchmark(Description = "form: read the multipart body")]
    public async Task<int> Form()
    {
        var reader = new MultipartReader(Boundary, new MemoryStream(multipart));
        var section = await reader.ReadNextSectionAsync();
        using var copy = new MemoryStream();
        await section!.Body.CopyToAsync(copy);
        return (int)copy.Length;
    }

    [Benchmark(Description = "decode: JPEG to BGR")]
    public int Decode()
    {
        using var image = ImageDecoder.Decode(jpeg);
        return image.Width;
    }

    [Benchmark(Description = "preprocess: resize and write the input")]
    public float Preprocess()
    {
        using var resized = ImagePreprocessor.Resize(decoded, model.Preprocessing);
        ImagePreprocessor.WriteInput(resized, model.Preprocessing, input);
        return input[0];
    }

    [Benchmark(Description = "inference: ONNX Runtime, batch 1")]
    public float Inference() => model.Run(input, 1)[0][0];

    [Benchmark(Description = "inference: ONNX Runtime, batch 2 (per call)")]
    public float InferencePair() => model.Run(pair, 2)[1][0];

    [Benchmark(Description = "respond: the answer as JSON")]
    public int Respond()
    {
        var byClass = model.Classes.Select((c, i) => (c, probabilities[i])).ToDictionary(p => p.c, p => p.Item2);
        return JsonSerializer.SerializeToUtf8Bytes(new { prediction = model.Classes[0], confidence = probabilities[0], probabilities = byClass, model_version = model.Metadata.Version }).Length;
    }
}
