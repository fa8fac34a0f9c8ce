using System.Text.Json;

namespace FaceMask.Api.Web;

/// <summary>
/// The web pages: Razor Pages rendered on the server (no front-end build), htmx for partial
/// updates and Chart.js for charts, both vendored under <c>wwwroot/lib/</c>. The pages call the same
/// JSON API as any client, so the API's rules (limits, admin access, errors) hold for them too.
/// </summary>
public static class WebSetup
{
    public static WebApplicationBuilder AddWebPages(this WebApplicationBuilder builder)
    {
        // An unpublished build (tests, dotnet run) would add a catch-all GET route for files added to
        // wwwroot after the build, which turns the API's 405 for a wrong method into a 404.
        builder.Configuration["DisableStaticAssetNotFoundRuntimeFallback"] = "true";
        var services = builder.Services;
        services.AddRazorPages(options => options.RootDirectory = "/Web/Pages")
            .AddJsonOptions(json => json.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower); // as the API answers
        services.AddSingleton<DataGroupsCache>();
        return builder;
    }

    public static WebApplication MapWebPages(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();

        // Razor Pages discovers its pages on the first request that routes: do it at start-up, so the
        // first prediction after a start does not pay a second of discovery (nor a rate limiter's token).
        app.Lifetime.ApplicationStarted.Register(() => _ = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.Count);
        return app;
    }
}
