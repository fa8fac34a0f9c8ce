namespace FaceMask.Api.Health;

/// <summary>The health response: <c>status</c> is <c>"healthy"</c> when the process serves requests, as the Python service said.</summary>
public sealed record HealthResponse(string Status, bool ModelLoaded, string? ModelVersion, string Version, DateTimeOffset Time);
