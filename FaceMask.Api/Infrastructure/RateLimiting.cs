using System.Threading.RateLimiting;
using FaceMask.Api.Errors;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Infrastructure;

/// <summary>The prediction routes' token bucket per client address, configured from <see cref="RateLimitingOptions"/> (as TodoApi does).</summary>
public static class RateLimiting
{
    public const string PredictionPolicy = "predictions";

    public static IServiceCollection AddPredictionRateLimiting(this IServiceCollection services)
    {
        services.AddValidatedOptions<RateLimitingOptions>(RateLimitingOptions.Section);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptionsMonitor<RateLimitingOptions>>((limiter, monitor) =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await ProblemResponses.WriteAsync(context.HttpContext, new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many requests",
                    $"Over {monitor.CurrentValue.RequestsPerSecond} predictions per second from this client."));
            };
            limiter.AddPolicy(PredictionPolicy, context =>
            {
                var options = monitor.CurrentValue;
                var (tokens, period) = options.Refill;
                return options.Enabled
                    ? RateLimitPartition.GetTokenBucketLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.BurstLimit,
                        TokensPerPeriod = tokens,
                        ReplenishmentPeriod = period,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter("unlimited");
            });
        });
        return services;
    }
}
