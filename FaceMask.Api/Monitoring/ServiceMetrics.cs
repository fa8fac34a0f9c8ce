using Prometheus;

namespace FaceMask.Api.Monitoring;

/// <summary>
/// The service's own Prometheus metrics (HTTP request counts and latencies per endpoint come from
/// prometheus-net's HTTP middleware): predictions per class, micro-batch sizes and inference time,
/// batch-endpoint sizes, rejected uploads, faces found per class and detection time, and the served model version. Each app instance has its
/// own registry, so several services in one process (tests) do not mix their figures.
/// </summary>
public sealed class ServiceMetrics
{
    public ServiceMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        Factory = Metrics.WithCustomRegistry(Registry);
        Predictions = Factory.CreateCounter(
            "facemask_predictions_total", "Predictions served, by predicted class.", new CounterConfiguration { LabelNames = ["class"] });
        InferenceBatchSize = Factory.CreateHistogram(
            "facemask_inference_batch_size", "Images per ONNX Runtime call (micro-batching).",
            new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64, 128] });
        InferenceSeconds = Factory.CreateHistogram(
            "facemask_inference_seconds", "Time of one ONNX Runtime call.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 2, 14) });
        BatchRequestFiles = Factory.CreateHistogram(
            "facemask_batch_request_files", "Files per /api/predict/batch request.",
            new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64] });
        RejectedImages = Factory.CreateCounter(
            "facemask_rejected_images_total", "Uploads refused, by reason.", new CounterConfiguration { LabelNames = ["reason"] });
        DetectedFaces = Factory.CreateCounter(
            "facemask_detected_faces_total", "Faces found by /api/detect, by predicted class.", new CounterConfiguration { LabelNames = ["class"] });
        DetectionSeconds = Factory.CreateHistogram(
            "facemask_detection_seconds", "Time to find the faces of one photo (before classifying them).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 12) });
        Stages = Factory.CreateHistogram(
            "facemask_request_stage_seconds", "Time a prediction or detection request spends in each stage (see RequestStage).",
            new HistogramConfiguration { LabelNames = ["stage"], Buckets = Histogram.ExponentialBuckets(0.00002, 2, 16) });
        ModelInfo = Factory.CreateGauge(
            "facemask_model_info", "The served model version (value 1).", new GaugeConfiguration { LabelNames = ["version"] });
    }

    public CollectorRegistry Registry { get; }

    /// <summary>For the HTTP metrics middleware, so its metrics land in this registry too.</summary>
    public IMetricFactory Factory { get; }

    private Counter Predictions { get; }

    private Histogram InferenceBatchSize { get; }

    private Histogram InferenceSeconds { get; }

    private Histogram BatchRequestFiles { get; }

    private Counter RejectedImages { get; }

    private Counter DetectedFaces { get; }

    private Histogram DetectionSeconds { get; }

    private Histogram Stages { get; }

    private Gauge ModelInfo { get; }

    /// <summary>Records the time one request spent in <paramref name="stage"/> (a <see cref="RequestStage"/> name).</summary>
    public void Stage(string stage, TimeSpan elapsed) => Stages.WithLabels(stage).Observe(elapsed.TotalSeconds);

    public void Predicted(string className) => Predictions.WithLabels(className).Inc();

    public void Detected(string className) => DetectedFaces.WithLabels(className).Inc();

    public void ObserveDetection(TimeSpan duration) => DetectionSeconds.Observe(duration.TotalSeconds);

    public void ObserveBatch(int size, TimeSpan duration)
    {
        InferenceBatchSize.Observe(size);
        InferenceSeconds.Observe(duration.TotalSeconds);
    }

    public void BatchRequest(int files) => BatchRequestFiles.Observe(files);

    public void Rejected(string reason) => RejectedImages.WithLabels(reason).Inc();

    /// <summary>Marks <paramref name="version"/> as the served model (and no other).</summary>
    public void Serving(string version)
    {
        foreach (var labels in ModelInfo.GetAllLabelValues())
        {
            ModelInfo.RemoveLabelled(labels);
        }

        ModelInfo.WithLabels(version).Set(1);
    }
}
