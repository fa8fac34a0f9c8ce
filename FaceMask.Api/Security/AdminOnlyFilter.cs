using FaceMask.Api.Errors;

namespace FaceMask.Api.Security;

/// <summary>Endpoint filter for admin routes: 401 without a valid key, 403 from another machine when no key is configured.</summary>
public sealed class AdminOnlyFilter(AdminAccess access) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        access.Check(context.HttpContext) switch
        {
            AdminDecision.Allowed => await next(context),
            AdminDecision.NotLoopback => new ApiError(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, "Forbidden",
                "Admin operations are accepted from this machine only while Admin:ApiKey is not configured.").ToProblem(),
            AdminDecision.WrongKey => new ApiError(StatusCodes.Status401Unauthorized, ErrorCodes.WrongKey, "Unauthorized", $"The {AdminAccess.HeaderName} header does not match Admin:ApiKey.").ToProblem(),
            _ => new ApiError(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Unauthorized", $"Send the admin key in the {AdminAccess.HeaderName} header.").ToProblem(),
        };
}
