using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using FaceMask.Api.Monitoring;
using FaceMask.Training.Models;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Inference;

/// <summary>
/// Dynamic micro-batching: concurrent requests queue their preprocessed inputs; each worker takes
/// the first waiting request plus whatever else arrives within <see cref="InferenceOptions.MaxWaitMilliseconds"/>
/// (up to <see cref="InferenceOptions.MaxBatchSize"/>) and runs them as one ONNX Runtime call.
/// With a zero wait a worker takes only what is already queued, so an idle service adds no latency
/// and a busy one batches naturally.
/// </summary>
public sealed class PredictionBatcher(IOptions<InferenceOptions> options, ServiceMetrics metrics, ILogger<PredictionBatcher> logger) : BackgroundService
{
    private readonly Channel<PendingPrediction> queue = Channel.CreateUnbounded<PendingPrediction>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly InferenceOptions settings = options.Value;

    /// <summary>Queues one input (its first <c>InputLength</c> values; a pooled array may be longer) and returns the model's output for it.</summary>
    public Task<float[]> PredictAsync(OnnxModel model, float[] input, CancellationToken cancellationToken)
    {
        var pending = new PendingPrediction(model, input, new TaskCompletionSource<float[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The prediction queue is closed: the service is shutting down.");
        }

        return pending.Completion.Task.WaitAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, settings.EffectiveWorkers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        while (queue.Reader.TryRead(out var orphan))
        {
            orphan.Completion.TrySetCanceled(cancellationToken);
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingPrediction>(settings.MaxBatchSize);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                await GatherAsync(batch, stoppingToken);
                if (batch.Count > 0)
                {
                    Run(batch);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task GatherAsync(List<PendingPrediction> batch, CancellationToken stoppingToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(settings.MaxWaitMilliseconds * Stopwatch.Frequency / 1000);
        while (batch.Count < settings.MaxBatchSize)
        {
            if (queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                continue;
            }

            var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (batch.Count == 0 || remaining <= TimeSpan.Zero)
            {
                return;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(remaining);
            try
            {
                if (!await queue.Reader.WaitToReadAsync(timeout.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                return; // waited long enough
            }
        }
    }

    private void Run(List<PendingPrediction> batch)
    {
        // Requests that started before a hot swap keep the model they preprocessed for.
        foreach (var group in batch.GroupBy(p => p.Model))
        {
            var items = group.ToList();
            var model = group.Key;
            var length = model.Preprocessing.InputLength;
            var inputs = ArrayPool<float>.Shared.Rent(items.Count * length);
            try
            {
                for (var i = 0; i < items.Count; i++)
                {
                    items[i].Input.AsSpan(0, length).CopyTo(inputs.AsSpan(i * length, length));
                }

                var started = Stopwatch.GetTimestamp();
                foreach (var item in items)
                {
                    metrics.Stage(RequestStage.Queue, Stopwatch.GetElapsedTime(item.Enqueued, started));
                }

                var outputs = model.Run(inputs, items.Count);
                var elapsed = Stopwatch.GetElapsedTime(started);
                metrics.ObserveBatch(items.Count, elapsed);
                for (var i = 0; i < items.Count; i++)
                {
                    metrics.Stage(RequestStage.Inference, elapsed);
                    items[i].Completion.TrySetResult(outputs[i]);
                }
            }
            catch (Exception e)
            {
                logger.LogError(e, "Inference failed for a batch of {Count}", items.Count);
                foreach (var item in items)
                {
                    item.Completion.TrySetException(e);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(inputs);
            }
        }
    }

    private sealed record PendingPrediction(OnnxModel Model, float[] Input, TaskCompletionSource<float[]> Completion)
    {
        public long Enqueued { get; } = Stopwatch.GetTimestamp();
    }
}
