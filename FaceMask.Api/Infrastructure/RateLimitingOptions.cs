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

    /// <summary>
    /// Sustained requests per second per client. The bucket refills continuously at this rate (.NET's
    /// token bucket accrues fractions of a token between periods), so a rate below one, such as 0.001,
    /// is how a test keeps the bucket from refilling between its requests however slow the machine.
    /// </summary>
    [Range(0.001, 1_000_000)]
    public double RequestsPerSecond { get; set; } = 100;

    /// <summary>The bucket as .NET's token bucket takes it: one token every 1/<see cref="RequestsPerSecond"/> seconds.</summary>
    public (int Tokens, TimeSpan Period) Refill => (1, TimeSpan.FromSeconds(1 / RequestsPerSecond));
}
