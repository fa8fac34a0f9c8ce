using System.Net;
using System.Security.Cryptography;
using System.Text;
using FaceMask.Api.Errors;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Security;

/// <summary>The same rule for the Hangfire dashboard (which also accepts the login cookie).</summary>
public sealed class AdminDashboardFilter(AdminAccess access) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => access.Check(context.GetHttpContext()) == AdminDecision.Allowed;
}
