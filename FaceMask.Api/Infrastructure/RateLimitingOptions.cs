using System.ComponentModel.DataAnnotations;

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

    /// <summary>
    /// How often the bucket refills, in seconds, each time with <see cref="RequestsPerSecond"/> times
    /// this many tokens: the same sustained rate in larger, rarer steps (tests use a long period so no
    /// refill lands between their requests on a slow machine).
    /// </summary>
    [Range(1, 3600)]
    public int ReplenishmentSeconds { get; set; } = 1;
}
