using System.ComponentModel.DataAnnotations;

namespace FaceMask.Api.Inference;

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

