using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FaceMask.Api.Inference;

/// <summary>Ready means a model is loaded; until then the check says what it is waiting for.</summary>
public sealed class ModelReadyCheck(ModelHost host) : IHealthCheck
{
    /// <summary>The tag of the checks <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(host.Current is { } model
            ? HealthCheckResult.Healthy($"Serving {model.Metadata.Version}")
            : HealthCheckResult.Unhealthy($"No model is served yet: {host.NotReadyReason}"));
}
