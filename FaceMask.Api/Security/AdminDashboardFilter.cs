using Hangfire.Dashboard;

namespace FaceMask.Api.Security;

/// <summary>The same rule for the Hangfire dashboard (which also accepts the login cookie).</summary>
public sealed class AdminDashboardFilter(AdminAccess access) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => access.IsAdmin(context.GetHttpContext());
}
