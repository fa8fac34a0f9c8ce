using System.Text.Json;
using System.Text.Json.Serialization;
using FaceMask.Api.Errors;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Scalar.AspNetCore;

namespace FaceMask.Api.Infrastructure;

/// <summary>The service's HTTP conventions: validated options, JSON, errors, OpenAPI, body and header limits, paths, clock.</summary>
public static class HttpSetup
{
    /// <summary>Binds an options class to its section, validated when the service starts.</summary>
    public static IServiceCollection AddValidatedOptions<TOptions>(this IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static IServiceCollection AddHttpConventions(this IServiceCollection services)
    {
        services.AddValidatedOptions<PathsOptions>(PathsOptions.Section);
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        services.AddProblemResponses();
        services.AddOpenApi(openApi => openApi.AddOperationTransformer(MultipartBody.DocumentAsync)); // the admin key's scheme: AdminSetup
        services.AddDataProtection().SetApplicationName("FaceMask");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<PathsOptions>, ILoggerFactory>((keys, paths, logging) =>
        {
            if (paths.Value.DataProtectionKeys is { Length: > 0 } folder)
            {
                keys.XmlRepository = new FileSystemXmlRepository(Directory.CreateDirectory(Path.GetFullPath(folder)), logging);
            }
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ServicePaths>();
        services.AddSingleton<FormReader>();

        // Body limits: Kestrel refuses larger bodies (413); a prediction upload is buffered in memory, so no temp files.
        // Header limit: Kestrel's own refusal has no body, so it is set above the one ProblemResponses enforces.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<UploadOptions>>((kestrel, uploads) =>
        {
            kestrel.Limits.MaxRequestBodySize = uploads.Value.MaxRequestBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = ProblemResponses.MaxRequestHeadersBytes * 8;
        });
        services.AddOptions<FormOptions>().Configure<IOptions<UploadOptions>>((form, uploads) =>
        {
            form.MultipartBodyLengthLimit = uploads.Value.MaxRequestBytes;
            form.MemoryBufferThreshold = (int)Math.Min(int.MaxValue, uploads.Value.MaxRequestBytes);
        });
        return services;
    }

    /// <summary>
    /// The OpenAPI document and Scalar's explorer of it (which offers a field for the admin key the
    /// document declares). Scalar's default fonts come from a public font host; the service must work
    /// offline, so the page uses the browser's own fonts.
    /// </summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(scalar => scalar.DisableDefaultFonts());
        return app;
    }
}
