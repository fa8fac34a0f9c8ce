using System.ComponentModel.DataAnnotations;
using FaceMask.Training.Evaluation;

namespace FaceMask.Api.Inference;

/// <summary><c>Inference:*</c>: micro-batching and ONNX Runtime threading.</summary>
public sealed class InferenceOptions
{
    public const string Section = "Inference";

    /// <summary>
    /// Largest batch one ONNX Runtime call takes. Small by measurement: on CPU a batch costs about
    /// its images' time one by one, and every request in it waits for the whole call; 2 served
    /// 2,100-2,400 requests/s saturated against 1,670 with 32, and held 1,000/s paced with a p99
    /// of 51-54 ms against 64-79 ms (bench/run.sh, docs/performance.md).
    /// </summary>
    [Range(1, 1024)]
    public int MaxBatchSize { get; set; } = 2;

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

    /// <summary>
    /// A verdict whose (calibrated) confidence is below this is answered with <c>uncertain: true</c>.
    /// Chosen by measurement (<see cref="Uncertainty"/>, docs/model-card.md).
    /// </summary>
    [Range(0.0, 1.0)]
    public double UncertainBelow { get; set; } = Uncertainty.DefaultBelow;

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
}

