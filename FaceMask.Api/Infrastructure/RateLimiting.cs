using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using FaceMask.Api.Errors;
using Microsoft.AspNetCore.RateLimiting;

namespace FaceMask.Api.Infrastructure;

/// <summary><c>RateLimiting:*</c>: a token bucket per client address on the prediction endpoints.</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    public bool Enabled { get; set; } = true;

    /// <summary>Requests a client may burst.</summary>
    [Range(1, 1_000_000)]
    public int BurstLimit { get; set; } = 200;

    /// <summary>Sustained requests per second per client.</summary>
    [Range(1, 1_000_000)]
    public int RequestsPerSecond { get; set; } = 100;
}

public static class RateLimiting
{
    public const string PredictionPolicy = "predictions";

    public static IServiceCollection AddPredictionRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitingOptions.Section).Get<RateLimitingOptions>() ?? new RateLimitingOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await ProblemResponses.WriteAsync(context.HttpContext, new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many requests",
                    $"Over {options.RequestsPerSecond} predictions per second from this client."));
            };
            limiter.AddPolicy(PredictionPolicy, context => options.Enabled
                ? RateLimitPartition.GetTokenBucketLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.BurstLimit,
                    TokensPerPeriod = options.RequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                })
                : RateLimitPartition.GetNoLimiter("unlimited"));
        });
        return services;
    }
}
