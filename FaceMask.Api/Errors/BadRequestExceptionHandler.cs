using Microsoft.AspNetCore.Diagnostics;

namespace FaceMask.Api.Errors;

/// <summary>
/// Kestrel and the form reader signal bad input (body over the size limit, malformed framing) with
/// <see cref="BadHttpRequestException"/>: answer with its 4xx status as ProblemDetails, not a 500.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = badRequest.StatusCode,
                Title = badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Upload too large" : "Bad request",
                Detail = badRequest.Message,
                Extensions = { [ProblemResponses.CodeKey] = ErrorCodes.ForStatus(badRequest.StatusCode) },
            },
        });
    }
}
