using System.Net;
using FaceMask.Api.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaceMask.Api.Web.Pages;

/// <summary>Trades the admin key for the same sign-in cookie the Hangfire dashboard uses.</summary>
public sealed class SignInModel(AdminAccess access) : PageModel
{
    public bool KeyConfigured => access.KeyConfigured;

    public bool Loopback => HttpContext.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);

    public string ReturnUrl { get; private set; } = "/";

    public string? Error { get; private set; }

    public void OnGet(string? returnUrl) => ReturnUrl = LocalOrHome(returnUrl);

    public IActionResult OnPost(string? key, string? returnUrl)
    {
        ReturnUrl = LocalOrHome(returnUrl);
        if (!access.Matches(key))
        {
            Error = "That key is not the admin key.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        access.SignIn(HttpContext);
        return LocalRedirect(ReturnUrl);
    }

    // Only paths on this site: a sign-in form must not become an open redirect.
    private string LocalOrHome(string? url) => url is not null && Url.IsLocalUrl(url) ? url : "/";
}
