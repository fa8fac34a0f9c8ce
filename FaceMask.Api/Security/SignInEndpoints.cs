namespace FaceMask.Api.Security;

/// <summary>
/// Browsers sign in on one page, <c>/signin</c> (Razor, <c>Web/Pages/SignIn</c>), which trades the admin
/// key for an HttpOnly cookie: the pages and the Hangfire dashboard (which cannot send custom headers)
/// accept it. This file keeps the routes around it: <c>/signout</c>, the dashboard's redirect to the
/// page, and <c>/hangfire-login</c>, the former address of the dashboard's own form.
/// </summary>
public static class SignInEndpoints
{
    public const string SignInPath = "/signin";

    public static IEndpointRouteBuilder MapSignInRoutes(this IEndpointRouteBuilder app, string dashboardPath)
    {
        app.MapGet("/hangfire-login", () => TypedResults.Redirect(SignInTo(dashboardPath))).ExcludeFromDescription();
        app.MapPost("/signout", (HttpContext context) =>
        {
            AdminAccess.SignOut(context);
            return TypedResults.Redirect("/");
        }).DisableAntiforgery().ExcludeFromDescription(); // signing out on someone's behalf gains nothing
        return app;
    }

    /// <summary>
    /// A browser that opens the dashboard without the key is sent to the sign-in page instead of
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
                context.Response.Redirect(SignInTo(dashboardPath));
                return;
            }

            await next(context);
        });
        return app;
    }

    private static string SignInTo(string returnUrl) => $"{SignInPath}?returnUrl={Uri.EscapeDataString(returnUrl)}";
}
