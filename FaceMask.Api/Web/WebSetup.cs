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
        // A build that is not published (dotnet run, tests) finds wwwroot and its compressed copies
        // through the build's manifest in every environment, not only Development; after publish
        // there is no manifest and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        var services = builder.Services;
        services.AddRazorPages(options => options.RootDirectory = "/Web/Pages")
            .AddJsonOptions(json => json.JsonSerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower); // as the API answers
        services.AddSingleton<MetricsHistory>();
        services.AddHostedService(provider => provider.GetRequiredService<MetricsHistory>());
        return builder;
    }

    public static WebApplication MapWebPages(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorPages().WithStaticAssets();
        return app;
    }
}
