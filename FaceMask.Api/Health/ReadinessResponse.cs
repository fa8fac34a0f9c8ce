namespace FaceMask.Api.Health;

/// <summary><c>/health/ready</c>'s answer: <c>Healthy</c> or <c>Unhealthy</c>, and each check's status and description.</summary>
public sealed record ReadinessResponse(string Status, IReadOnlyDictionary<string, ReadinessCheck> Checks);

/// <summary>One readiness check: its status and what it found (the served version, or what serving waits for).</summary>
public sealed record ReadinessCheck(string Status, string? Description);
