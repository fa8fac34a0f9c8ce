namespace FaceMask.Api.Infrastructure;

/// <summary>Declaring multipart bodies on routes.</summary>
public static class MultipartBodyExtensions
{
    public static RouteHandlerBuilder AcceptsMultipart(this RouteHandlerBuilder route, params MultipartField[] fields) => route.WithMetadata(new MultipartBody(fields));
}
