using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace FaceMask.Api.Errors;

/// <summary>
/// Kestrel, the form reader and parameter binding signal bad input (body over the size limit,
/// malformed framing, a query value of the wrong type) with <see cref="BadHttpRequestException"/>:
/// answer with its 4xx status as ProblemDetails, not a 500, and a query value that does not bind as
/// the documented <c>invalid_query</c> naming the parameter as the client wrote it.
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var error = QueryBindingError(httpContext.Request, badRequest) ?? new ApiError(
            badRequest.StatusCode,
            ErrorCodes.ForStatus(badRequest.StatusCode),
            badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Upload too large" : "Bad request",
            badRequest.Message);
        httpContext.Response.StatusCode = error.Status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = error.Status, Title = error.Title, Detail = error.Detail, Extensions = { [ProblemResponses.CodeKey] = error.Code } },
        });
    }

    /// <summary>
    /// Minimal APIs report a query value that does not convert as 'Failed to bind parameter "Nullable&lt;int&gt; minFace" from "abc".',
    /// which names the C# parameter, not the query key: find the key the value came from.
    /// </summary>
    private static ApiError? QueryBindingError(HttpRequest request, BadHttpRequestException exception)
    {
        if (BindingFailure().Match(exception.Message) is not { Success: true } match)
        {
            return null;
        }

        var (type, value) = (match.Groups["type"].Value, match.Groups["value"].Value);
        var key = request.Query.FirstOrDefault(q => q.Value.Contains(value)).Key;
        if (key is null)
        {
            return null; // not from the query (a route value or header): the framework's words stand
        }

        var expected = type.Contains("int", StringComparison.OrdinalIgnoreCase) ? "a whole number"
            : type.Contains("double", StringComparison.OrdinalIgnoreCase) || type.Contains("float", StringComparison.OrdinalIgnoreCase) ? "a number"
            : type.Contains("bool", StringComparison.OrdinalIgnoreCase) ? "true or false"
            : $"a {type}";
        return ApiError.BadRequest(ErrorCodes.InvalidQuery, "Invalid query", $"The query value {key}='{value}' is not {expected}.");
    }

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) \w+" from "(?<value>.*)"\.$""")]
    private static partial Regex BindingFailure();
}
