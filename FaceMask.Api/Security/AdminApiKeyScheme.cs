using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FaceMask.Api.Security;

/// <summary>
/// The OpenAPI side of <see cref="AdminEndpointExtensions.RequireAdmin{TBuilder}"/>: the document
/// declares the <c>X-Api-Key</c> header scheme, and every admin route requires it, so Scalar offers
/// a field for the key and sends it with "Test request".
/// </summary>
public static class AdminApiKeyScheme
{
    public const string Name = "AdminApiKey";

    /// <summary>Endpoint metadata that marks an admin route.</summary>
    public sealed record AdminOnly;

    public static Task DeclareAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Name] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = AdminAccess.HeaderName,
            Description = "The admin key (Admin:ApiKey). Without a key configured, admin routes answer loopback callers only.",
        };
        return Task.CompletedTask;
    }

    public static Task RequireAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<AdminOnly>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Name, context.Document)] = [] });
        }

        return Task.CompletedTask;
    }
}
