namespace FaceMask.Api.Infrastructure;

/// <summary>How a multipart form field is documented: one file, a repeated file field, or text.</summary>
public enum MultipartFieldKind
{
    File,
    Files,
    Text,
}
