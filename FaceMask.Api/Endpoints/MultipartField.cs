namespace FaceMask.Api.Endpoints;

/// <summary>How a multipart form field is documented: one file, a repeated file field, or text.</summary>
public enum MultipartFieldKind
{
    File,
    Files,
    Text,
}

/// <summary>One field of a route's multipart request body, for the OpenAPI document.</summary>
public sealed record MultipartField(string Name, MultipartFieldKind Kind, string Description, bool Required = false);
