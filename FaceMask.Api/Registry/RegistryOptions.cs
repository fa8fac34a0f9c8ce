using System.ComponentModel.DataAnnotations;

namespace FaceMask.Api.Registry;

/// <summary><c>Registry:*</c>.</summary>
public sealed class RegistryOptions
{
    public const string Section = "Registry";

    /// <summary>How often every replica checks which version is active (seconds).</summary>
    [Range(0.1, 3600)]
    public double PollSeconds { get; set; } = 2;

    /// <summary>PostgreSQL schema of the registry tables (Hangfire uses its own).</summary>
    public string Schema { get; set; } = "facemask";
}
