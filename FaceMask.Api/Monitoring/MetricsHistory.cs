using System.Globalization;
using System.Text.RegularExpressions;

namespace FaceMask.Api.Monitoring;

/// <summary>One sample of the last interval: rates per second and latency percentiles in milliseconds.</summary>
public sealed record MetricsPoint(
    DateTimeOffset Time,
    IReadOnlyDictionary<string, double> PredictionsPerSecond,
    IReadOnlyDictionary<string, double> RequestsPerSecond,
    IReadOnlyDictionary<string, double?> P50Milliseconds,
    IReadOnlyDictionary<string, double?> P95Milliseconds);

/// <summary>
/// The monitoring page's memory: every <see cref="Interval"/> it reads the service's own Prometheus
/// registry (the text <c>/metrics</c> serves, so the page shows exactly what a scraper would) and
/// keeps the rates and latency percentiles of the last <see cref="Window"/>. One replica's view.
/// </summary>
public sealed partial class MetricsHistory(ServiceMetrics metrics, TimeProvider time, ILogger<MetricsHistory> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>The routes whose latency is charted.</summary>
    public static readonly string[] Endpoints = ["/api/predict", "/api/predict/batch", "/api/detect"];

    private readonly Lock gate = new();
    private readonly Queue<MetricsPoint> points = new();
    private Sample? previous;

    public IReadOnlyList<MetricsPoint> Points
    {
        get
        {
            lock (gate)
            {
                return [.. points];
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Reading the metrics registry failed; the monitoring page skips this interval.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Takes a sample now and records the interval since the last one.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var text = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(text, cancellationToken);
        var sample = Sample.Parse(System.Text.Encoding.UTF8.GetString(text.ToArray()), time.GetUtcNow());
        lock (gate)
        {
            if (previous is { } last && sample.Time > last.Time)
            {
                points.Enqueue(sample.Since(last));
                while (points.Count > 0 && points.Peek().Time < sample.Time - Window)
                {
                    points.Dequeue();
                }
            }

            previous = sample;
        }
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)$""")]
    private static partial Regex SeriesLine();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();

    /// <summary>The cumulative counters a point is the difference of.</summary>
    private sealed record Sample(
        DateTimeOffset Time,
        Dictionary<string, double> Predictions,
        Dictionary<string, double> Requests,
        Dictionary<string, SortedDictionary<double, double>> Buckets)
    {
        public static Sample Parse(string exposition, DateTimeOffset time)
        {
            var sample = new Sample(time, [], [], []);
            foreach (var line in exposition.Split('\n'))
            {
                if (line.StartsWith('#') || SeriesLine().Match(line.Trim()) is not { Success: true } match
                    || !double.TryParse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    continue;
                }

                var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
                if (labels.TryGetValue("endpoint", out var route))
                {
                    labels["endpoint"] = route.TrimEnd('/'); // a group's root route is "/api/predict/"
                }

                switch (match.Groups["name"].Value)
                {
                    case "facemask_predictions_total" when labels.TryGetValue("class", out var name):
                        sample.Predictions[name] = value;
                        break;
                    case "http_request_duration_seconds_count" when labels.TryGetValue("endpoint", out var endpoint) && Endpoints.Contains(endpoint):
                        sample.Requests[endpoint] = sample.Requests.GetValueOrDefault(endpoint) + value;
                        break;
                    case "http_request_duration_seconds_bucket" when labels.TryGetValue("endpoint", out var endpoint) && Endpoints.Contains(endpoint)
                        && UpperBound(labels.GetValueOrDefault("le")) is { } bound:
                        var buckets = sample.Buckets.TryGetValue(endpoint, out var known) ? known : sample.Buckets[endpoint] = [];
                        buckets[bound] = buckets.GetValueOrDefault(bound) + value; // summed over status codes and methods
                        break;
                }
            }

            return sample;
        }

        private static double? UpperBound(string? le) =>
            le == "+Inf" ? double.PositiveInfinity
            : double.TryParse(le, NumberStyles.Float, CultureInfo.InvariantCulture, out var bound) ? bound : null;

        public MetricsPoint Since(Sample last)
        {
            var seconds = (Time - last.Time).TotalSeconds;
            return new MetricsPoint(
                Time,
                Predictions.ToDictionary(p => p.Key, p => (p.Value - last.Predictions.GetValueOrDefault(p.Key)) / seconds),
                Endpoints.ToDictionary(e => e, e => (Requests.GetValueOrDefault(e) - last.Requests.GetValueOrDefault(e)) / seconds),
                Endpoints.ToDictionary(e => e, e => Percentile(e, last, 0.5)),
                Endpoints.ToDictionary(e => e, e => Percentile(e, last, 0.95)));
        }

        /// <summary>The quantile of the interval's requests, interpolated within its histogram bucket, in ms; null without requests.</summary>
        private double? Percentile(string endpoint, Sample last, double quantile)
        {
            if (!Buckets.TryGetValue(endpoint, out var now))
            {
                return null;
            }

            var before = last.Buckets.GetValueOrDefault(endpoint);
            var counts = now.Select(b => (Bound: b.Key, Count: b.Value - (before?.GetValueOrDefault(b.Key) ?? 0))).ToList();
            var total = counts[^1].Count;
            if (total <= 0)
            {
                return null;
            }

            var (lowerBound, lowerCount) = (0.0, 0.0);
            foreach (var (bound, count) in counts)
            {
                if (count >= quantile * total)
                {
                    var upper = double.IsPositiveInfinity(bound) ? lowerBound : bound;
                    var share = count > lowerCount ? ((quantile * total) - lowerCount) / (count - lowerCount) : 1;
                    return Math.Round((lowerBound + ((upper - lowerBound) * share)) * 1000, 2);
                }

                (lowerBound, lowerCount) = (bound, count);
            }

            return null;
        }
    }
}
