using System.ComponentModel.DataAnnotations;
using FaceMask.Training.Imaging;

namespace FaceMask.Api.Inference;

/// <summary><c>Model:*</c>: which model folder the service loads at start-up.</summary>
public sealed class ModelOptions
{
    public const string Section = "Model";

    /// <summary>The model folder; a relative path is looked up from the content root and its parents (the repository root when run from source).</summary>
    [Required]
    public string Path { get; set; } = "models/facemask-v1";
}

/// <summary><c>Inference:*</c>: micro-batching and ONNX Runtime threading.</summary>
public sealed class InferenceOptions
{
    public const string Section = "Inference";

    /// <summary>Largest batch one ONNX Runtime call takes.</summary>
    [Range(1, 1024)]
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// How long a worker waits for more requests after the first before running the batch. 0: never
    /// wait, take only what is already queued, so an idle service adds no latency.
    /// </summary>
    [Range(0, 1000)]
    public double MaxWaitMilliseconds { get; set; }

    /// <summary>Concurrent ONNX Runtime calls; 0 means one per processor.</summary>
    [Range(0, 64)]
    public int Workers { get; set; }

    /// <summary>Threads inside one ONNX Runtime call. One per worker uses the cores without oversubscribing them.</summary>
    [Range(1, 64)]
    public int IntraOpThreads { get; set; } = 1;

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
}

/// <summary><c>Uploads:*</c>: what an upload may be.</summary>
public sealed class UploadOptions
{
    public const string Section = "Uploads";

    /// <summary>Largest request body in bytes (default 10 MB); larger is 413.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest image in pixels, checked from the header before decoding; larger is 413.</summary>
    [Range(1, long.MaxValue)]
    public long MaxPixels { get; set; } = ImageLimits.DefaultMaxPixels;

    /// <summary>Most files in one <c>/api/predict/batch</c> request.</summary>
    [Range(1, 1000)]
    public int MaxBatchFiles { get; set; } = 32;

    public ImageLimits ImageLimits => new() { MaxPixels = MaxPixels };
}
