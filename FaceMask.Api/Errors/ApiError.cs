namespace FaceMask.Api.Errors;

/// <summary>
/// A failure as a value of the domain: its HTTP status, a machine-readable <c>code</c> clients
/// branch on, a short title and a detail for people. Turned into ProblemDetails in one place
/// (<see cref="ProblemResponses"/>); everything that fails says so with one of these.
/// </summary>
public sealed record ApiError(int Status, string Code, string Title, string Detail)
{
    public static ApiError NotReady() =>
        new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.NotReady, "Model not loaded", "The model is still loading (or failed to load); see /health/ready.");

    public static ApiError NotFound(string detail) => new(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "Not found", detail);

    public static ApiError Conflict(string code, string title, string detail) => new(StatusCodes.Status409Conflict, code, title, detail);

    public static ApiError BadRequest(string code, string title, string detail) => new(StatusCodes.Status400BadRequest, code, title, detail);

    public static ApiError UnsupportedMediaType(string detail) => new(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Unsupported media type", detail);

    public static ApiError TooLarge(long maxBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, ErrorCodes.BodyTooLarge, "Upload too large", $"The request body is over the limit of {maxBytes / (1024.0 * 1024):0.#} MB.");
}
