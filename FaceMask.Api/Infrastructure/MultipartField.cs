namespace FaceMask.Api.Infrastructure;

/// <summary>One field of a route's multipart request body, for the OpenAPI document.</summary>
public sealed record MultipartField(string Name, MultipartFieldKind Kind, string Description, bool Required = false);
