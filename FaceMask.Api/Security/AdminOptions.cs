namespace FaceMask.Api.Security;

/// <summary><c>Admin:*</c>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>The key admin requests send as <c>X-Api-Key</c>. Unset: admin routes accept loopback requests only.</summary>
    public string? ApiKey { get; set; }
}
