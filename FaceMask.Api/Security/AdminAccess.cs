using System.Net;
using System.Security.Cryptography;
using System.Text;
using FaceMask.Api.Errors;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Security;

/// <summary><c>Admin:*</c>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    /// <summary>The key admin requests send as <c>X-Api-Key</c>. Unset: admin routes accept loopback requests only.</summary>
    public string? ApiKey { get; set; }
}

/// <summary>
/// Who may use admin operations (dataset uploads, retraining, activation, the Hangfire dashboard):
/// with <c>Admin:ApiKey</c> set, requests carrying it (header <c>X-Api-Key</c>, or the dashboard's
/// login cookie); without it, only requests from this machine.
/// </summary>
public sealed class AdminAccess(IOptions<AdminOptions> options, IDataProtectionProvider protection)
{
    public const string HeaderName = "X-Api-Key";
    public const string CookieName = "facemask_admin";

    private readonly IDataProtector protector = protection.CreateProtector("FaceMask.AdminCookie");

    public bool KeyConfigured => !string.IsNullOrEmpty(options.Value.ApiKey);

    public AdminDecision Check(HttpContext context)
    {
        if (!KeyConfigured)
        {
            var remote = context.Connection.RemoteIpAddress;
            return remote is not null && IPAddress.IsLoopback(remote) ? AdminDecision.Allowed : AdminDecision.NotLoopback;
        }

        if (context.Request.Headers.TryGetValue(HeaderName, out var key))
        {
            return Matches(key.ToString()) ? AdminDecision.Allowed : AdminDecision.WrongKey;
        }

        return context.Request.Cookies.TryGetValue(CookieName, out var cookie) && CookieIsValid(cookie) ? AdminDecision.Allowed : AdminDecision.MissingKey;
    }

    public bool Matches(string? key) =>
        key is not null && KeyConfigured &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey!)));

    /// <summary>A cookie value proving the key was entered (protected with ASP.NET Data Protection; the key itself is never stored).</summary>
    public string IssueCookie() => protector.Protect($"admin:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey!)))}");

    private bool CookieIsValid(string cookie)
    {
        try
        {
            return protector.Unprotect(cookie) == $"admin:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey!)))}";
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}

public enum AdminDecision
{
    Allowed,
    MissingKey,
    WrongKey,
    NotLoopback,
}

/// <summary>Endpoint filter for admin routes: 401 without a valid key, 403 from another machine when no key is configured.</summary>
public sealed class AdminOnlyFilter(AdminAccess access) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        access.Check(context.HttpContext) switch
        {
            AdminDecision.Allowed => await next(context),
            AdminDecision.NotLoopback => new ApiError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Forbidden",
                "Admin operations are accepted from this machine only while Admin:ApiKey is not configured.").ToProblem(),
            AdminDecision.WrongKey => new ApiError(StatusCodes.Status401Unauthorized, "wrong_key", "Unauthorized", $"The {AdminAccess.HeaderName} header does not match Admin:ApiKey.").ToProblem(),
            _ => new ApiError(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Unauthorized", $"Send the admin key in the {AdminAccess.HeaderName} header.").ToProblem(),
        };
}

/// <summary>The same rule for the Hangfire dashboard (which also accepts the login cookie).</summary>
public sealed class AdminDashboardFilter(AdminAccess access) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => access.Check(context.GetHttpContext()) == AdminDecision.Allowed;
}

public static class AdminEndpointExtensions
{
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AddEndpointFilter<TBuilder, AdminOnlyFilter>();
}
