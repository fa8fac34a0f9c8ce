using System.Diagnostics;

namespace FaceMask.Api.Monitoring;

/// <summary>
/// Where a prediction request's time goes, as <c>facemask_request_stage_seconds{stage}</c>. Kestrel's
/// own work before the first middleware (accepting the connection, parsing the request line and
/// headers) is not visible in-process: it is what a client's latency has beyond <c>total</c>.
/// </summary>
public static class RequestStage
{
    /// <summary>First middleware to the endpoint's handler: problem handling, metrics, rate limiting, routing, binding.</summary>
    public const string Pipeline = "pipeline";

    /// <summary>Reading and buffering the multipart body.</summary>
    public const string Form = "form";

    /// <summary>Checking the upload and decoding it to pixels (EXIF orientation applied).</summary>
    public const string Decode = "decode";

    /// <summary>Resizing and writing the network's input.</summary>
    public const string Preprocess = "preprocess";

    /// <summary>Waiting in the micro-batcher's queue for a worker.</summary>
    public const string Queue = "queue";

    /// <summary>The ONNX Runtime call that classified it (with the rest of its batch).</summary>
    public const string Inference = "inference";

    /// <summary>The handler's end to the request's end: serializing and writing the answer.</summary>
    public const string Respond = "respond";

    /// <summary>First middleware to the request's end.</summary>
    public const string Total = "total";
}

/// <summary>Timestamps of one request's way through the service (<see cref="Stopwatch.GetTimestamp"/>), set by the stage middleware and filter.</summary>
public sealed class RequestTimeline
{
    public long Start { get; init; }

    public long HandlerStart { get; set; }

    public long HandlerEnd { get; set; }
}

/// <summary>Marks where a timed route's handler starts and ends, for <see cref="RequestStage.Pipeline"/> and <see cref="RequestStage.Respond"/>.</summary>
public sealed class StageTimingFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var timeline = context.HttpContext.Features.Get<RequestTimeline>();
        if (timeline is not null)
        {
            timeline.HandlerStart = Stopwatch.GetTimestamp();
        }

        var result = await next(context);
        if (timeline is not null)
        {
            timeline.HandlerEnd = Stopwatch.GetTimestamp();
        }

        return result;
    }
}

public static class RequestStageSetup
{
    /// <summary>First in the pipeline: times every request; routes with <see cref="StageTimingFilter"/> get their stages recorded.</summary>
    public static WebApplication UseRequestStages(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<ServiceMetrics>();
        app.Use(async (context, next) =>
        {
            var timeline = new RequestTimeline { Start = Stopwatch.GetTimestamp() };
            context.Features.Set(timeline);
            await next(context);
            if (timeline.HandlerEnd != 0)
            {
                var end = Stopwatch.GetTimestamp();
                metrics.Stage(RequestStage.Pipeline, Stopwatch.GetElapsedTime(timeline.Start, timeline.HandlerStart));
                metrics.Stage(RequestStage.Respond, Stopwatch.GetElapsedTime(timeline.HandlerEnd, end));
                metrics.Stage(RequestStage.Total, Stopwatch.GetElapsedTime(timeline.Start, end));
            }
        });
        return app;
    }

    /// <summary>Times a route's (or a route group's) requests by stage.</summary>
    public static TBuilder WithStageTiming<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AddEndpointFilter<TBuilder, StageTimingFilter>();
}
