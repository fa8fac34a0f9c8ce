using System.Text.Encodings.Web;
using FaceMask.Api.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FaceMask.Api.Security;

/// <summary>
/// <c>GET/POST /hangfire-login</c>: a form that trades the admin key for an HttpOnly cookie, so a
/// browser can open the Hangfire dashboard (which cannot send custom headers).
/// </summary>
public static class DashboardLoginEndpoints
{
    public const string Path = "/hangfire-login";

    public static IEndpointRouteBuilder MapDashboardLogin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).WithTags("Admin").ExcludeFromDescription();
        group.MapGet("/", () => Form(null));
        group.MapPost("/", LoginAsync).DisableAntiforgery();
        app.MapPost("/signout", (HttpContext context) =>
        {
            AdminAccess.SignOut(context);
            return TypedResults.Redirect("/");
        }).DisableAntiforgery().ExcludeFromDescription(); // signing out on someone's behalf gains nothing
        return app;
    }

    internal static async Task<Results<RedirectHttpResult, ContentHttpResult, ProblemHttpResult>> LoginAsync(HttpContext context, AdminAccess access)
    {
        if (!context.Request.HasFormContentType)
        {
            return ApiError.UnsupportedMediaType("Send the key as a form (application/x-www-form-urlencoded or multipart/form-data) in the field 'key'.").ToProblem();
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return ApiError.BadRequest("malformed_body", "Malformed form", $"The form could not be read: {e.Message}").ToProblem();
        }

        if (!access.Matches(form["key"].ToString()))
        {
            return Form("That key is not the admin key.", StatusCodes.Status401Unauthorized);
        }

        access.SignIn(context);
        return TypedResults.Redirect("/hangfire");
    }

    /// <summary>
    /// A browser that opens the dashboard without the key is sent to the sign-in form instead of
    /// Hangfire's bare 401; API clients (no <c>text/html</c> in Accept) still get the 401.
    /// </summary>
    public static WebApplication UseDashboardSignInRedirect(this WebApplication app, string dashboardPath)
    {
        app.Use(async (context, next) =>
        {
            var access = context.RequestServices.GetRequiredService<AdminAccess>();
            if (context.Request.Path.StartsWithSegments(dashboardPath) && HttpMethods.IsGet(context.Request.Method)
                && context.Request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true)
                && access.KeyConfigured && access.Check(context) != AdminDecision.Allowed)
            {
                context.Response.Redirect(Path);
                return;
            }

            await next(context);
        });
        return app;
    }

    private static ContentHttpResult Form(string? error, int status = StatusCodes.Status200OK) => TypedResults.Content($"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>FaceMask jobs: sign in</title></head>
        <body style="font-family: sans-serif; max-width: 28em; margin: 4em auto">
          <h1>FaceMask jobs</h1>
          <p>Enter the admin key (<code>Admin:ApiKey</code>) to open the Hangfire dashboard.</p>
          {(error is null ? string.Empty : $"<p role=\"alert\" style=\"color: #b00\">{HtmlEncoder.Default.Encode(error)}</p>")}
          <form method="post"><input type="password" name="key" aria-label="Admin key" autofocus required> <button type="submit">Sign in</button></form>
        </body></html>
        """, "text/html", statusCode: status);
}
