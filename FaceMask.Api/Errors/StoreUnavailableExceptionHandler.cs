using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace FaceMask.Api.Errors;

/// <summary>
/// The database of the registry and the job store out of reach (PostgreSQL restarting or stopped):
/// 503 <c>store_unavailable</c> with <c>Retry-After</c>, not a 500 — the request was fine and will
/// work again. Predictions and detection never touch the store and keep answering.
/// </summary>
public sealed class StoreUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<StoreUnavailableExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>How long a client is asked to wait: PostgreSQL restarts in a few seconds.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!StoreOutage.Is(exception))
        {
            return false;
        }

        logger.LogWarning("{Method} {Path} answered 503: the store is unreachable ({Reason})",
            httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        // Pooled connections to a server that restarted are dead: drop them, so the first requests
        // after it is back open new ones instead of failing on the old ones.
        NpgsqlConnection.ClearAllPools();
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers[HeaderNames.RetryAfter] = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Store unavailable",
                Detail = "The database of the model registry and the jobs cannot be reached; nothing was changed. " +
                    $"Predictions and detection still work. Retry in {RetryAfterSeconds} s.",
                Extensions = { [ProblemResponses.CodeKey] = ErrorCodes.StoreUnavailable },
            },
        });
    }
}
