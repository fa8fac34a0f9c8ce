using Microsoft.AspNetCore.Mvc;

namespace FaceMask.Api.Security;

public static class AdminEndpointExtensions
{
    /// <summary>Admin only (<see cref="AdminOnlyFilter"/>), with its key scheme and its 401 and 403 answers in the OpenAPI document.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder
        .AddEndpointFilter<TBuilder, AdminOnlyFilter>()
        .WithMetadata(new AdminApiKeyScheme.AdminOnly(), Problem(StatusCodes.Status401Unauthorized), Problem(StatusCodes.Status403Forbidden));

    private static ProducesResponseTypeMetadata Problem(int status) => new(status, typeof(ProblemDetails), ["application/problem+json"]);
}
