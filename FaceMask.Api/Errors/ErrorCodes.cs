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
    public const string StoreUnavailable = "store_unavailable";

    // Specific failures, each named where it arises.
    public const string DetectorUnavailable = "detector_unavailable";
    public const string EmptyFile = "empty_file";
    public const string InvalidLabel = "invalid_label";
    public const string InvalidQuery = "invalid_query";
    public const string MalformedBody = "malformed_body";
    public const string MissingClass = "missing_class";
    public const string MissingFile = "missing_file";
    public const string MissingLabel = "missing_label";
    public const string ModelInvalid = "model_invalid";
    public const string ModelUnusable = "model_unusable";
    public const string InvalidDescription = "invalid_description";
    public const string NotHdf5 = "not_hdf5";
    public const string VersionTaken = "version_taken";
    public const string NoData = "no_data";
    public const string NotRunning = "not_running";
    public const string NothingAdded = "nothing_added";
    public const string RetrainRunning = "retrain_running";
    public const string TooFewImages = "too_few_images";
    public const string TooManyFiles = "too_many_files";
    public const string TooManyPixels = "too_many_pixels";
    public const string Truncated = "truncated";
    public const string Undecodable = "undecodable";
    public const string UnknownClass = "unknown_class";
    public const string UnsafeZip = "unsafe_zip";
    public const string Unsplittable = "unsplittable";
    public const string UnsupportedFormat = "unsupported_format";
    public const string WrongKey = "wrong_key";

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
