namespace FaceMask.Api.Errors;

/// <summary>
/// The <c>code</c> values of error answers. Specific failures carry their own (<c>too_many_pixels</c>,
/// <c>missing_class</c>, ...); an answer made without one (status code pages, the exception
/// handler, the rate limiter) gets the default of its status.
/// </summary>
public static class ErrorCodes
{
    public const string BadRequest = "bad_request";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string Conflict = "conflict";
    public const string BodyTooLarge = "body_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string RateLimited = "rate_limited";
    public const string HeadersTooLarge = "headers_too_large";
    public const string Internal = "internal_error";
    public const string NotReady = "not_ready";

    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status409Conflict => Conflict,
        StatusCodes.Status413PayloadTooLarge => BodyTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => RateLimited,
        StatusCodes.Status431RequestHeaderFieldsTooLarge => HeadersTooLarge,
        StatusCodes.Status503ServiceUnavailable => NotReady,
        >= 500 => Internal,
        _ => BadRequest,
    };
}
