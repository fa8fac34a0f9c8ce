using FaceMask.Api.Infrastructure;

namespace FaceMask.Api.Security;

/// <summary>Admin access: the key, the endpoint filter and the dashboard's authorization.</summary>
public static class AdminSetup
{
    public static IServiceCollection AddAdminAccess(this IServiceCollection services)
    {
        services.AddValidatedOptions<AdminOptions>(AdminOptions.Section);
        services.AddSingleton<AdminAccess>();
        services.AddSingleton<AdminOnlyFilter>();
        services.AddSingleton<AdminDashboardFilter>();
        return services;
    }
}
