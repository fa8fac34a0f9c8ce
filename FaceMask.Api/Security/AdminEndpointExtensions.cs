namespace FaceMask.Api.Security;

public static class AdminEndpointExtensions
{
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AddEndpointFilter<TBuilder, AdminOnlyFilter>();
}
