using FaceMask.Api.Infrastructure;
using Microsoft.AspNetCore.OpenApi;

namespace FaceMask.Api.Security;

/// <summary>Admin access: the key, the endpoint filter, the dashboard's authorization and the key's scheme in the OpenAPI document.</summary>
public static class AdminSetup
{
    public static IServiceCollection AddAdminAccess(this IServiceCollection services)
    {
        services.AddValidatedOptions<AdminOptions>(AdminOptions.Section);
        services.AddSingleton<AdminAccess>();
        services.AddSingleton<AdminOnlyFilter>();
        services.AddSingleton<AdminDashboardFilter>();
        services.Configure<OpenApiOptions>("v1", openApi => openApi
            .AddDocumentTransformer(AdminApiKeyScheme.DeclareAsync)
            .AddOperationTransformer(AdminApiKeyScheme.RequireAsync));
        return services;
    }
}
