using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Security;

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

    public bool IsAdmin(HttpContext context) => Check(context) == AdminDecision.Allowed;

    public bool Matches(string? key) =>
        key is not null && KeyConfigured &&
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey!)));

    /// <summary>Gives the browser the sign-in cookie (HttpOnly, same-site only, 8 hours): for the dashboard and the web pages.</summary>
    public void SignIn(HttpContext context) =>
        context.Response.Cookies.Append(CookieName, IssueCookie(), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/",
            MaxAge = TimeSpan.FromHours(8),
        });

    public static void SignOut(HttpContext context) => context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });

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

