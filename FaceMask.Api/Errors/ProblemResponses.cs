using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FaceMask.Api.Errors;

/// <summary>
/// Where failures become HTTP: <see cref="ApiError"/> values into RFC 7807 ProblemDetails, and every
/// other error answer of the service (status code pages for 401/404/405, the exception handler for
/// 500, Kestrel's 4xx and the store's outages (503), the rate limiter's 429, the 431 guard) through the same writer, so each
/// carries <c>code</c> and <c>trace_id</c>.
/// </summary>
public static class ProblemResponses
{
    public const string CodeKey = "code";
    public const string TraceIdKey = "trace_id";

    /// <summary>Request headers above this total are refused with a 431 ProblemDetails (Kestrel's own limit, higher, answers with an empty body).</summary>
    public const int MaxRequestHeadersBytes = 32 * 1024;

    public static ProblemHttpResult ToProblem(this ApiError error) =>
        TypedResults.Problem(error.Detail, statusCode: error.Status, title: error.Title, extensions: new Dictionary<string, object?> { [CodeKey] = error.Code });

    public static IServiceCollection AddProblemResponses(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Extensions.Remove("traceId");
            problem.Extensions.TryAdd(CodeKey, ErrorCodes.ForStatus(problem.Status ?? context.HttpContext.Response.StatusCode));
            problem.Extensions[TraceIdKey] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            problem.Detail ??= DefaultDetail(context.HttpContext.Request, problem.Status ?? context.HttpContext.Response.StatusCode);
        });
        // Binding failures (a query value of the wrong type) throw, so BadRequestExceptionHandler can
        // name them; otherwise they are a bare 400 outside Development.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<StoreUnavailableExceptionHandler>();
        return services;
    }

    /// <summary>The middleware that turns unhandled exceptions, bare status codes and oversized headers into ProblemDetails.</summary>
    public static WebApplication UseProblemResponses(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            if (HeaderBytes(context.Request.Headers) > MaxRequestHeadersBytes)
            {
                await WriteAsync(context, new ApiError(StatusCodes.Status431RequestHeaderFieldsTooLarge, ErrorCodes.HeadersTooLarge, "Request headers too large",
                    $"The request headers add up to more than {MaxRequestHeadersBytes / 1024} KB."));
                return;
            }

            await next(context);
        });
        return app;
    }

    /// <summary>What a bare status (routing's 404 and 405, an unhandled exception's 500) tells the client: never an empty detail.</summary>
    private static string? DefaultDetail(HttpRequest request, int status) => status switch
    {
        StatusCodes.Status404NotFound =>
            $"Nothing answers {request.Method} {request.Path}: check the path and its ids (retrain ids are GUIDs, model versions names such as facemask-v2). Every route is listed at /scalar and /openapi/v1.json.",
        StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not take {request.Method}; /scalar lists the methods each route takes.",
        StatusCodes.Status500InternalServerError => "The service failed on this request (not a fault of the request); its trace_id finds the error in the service's log.",
        _ => null,
    };

    /// <summary>Writes an error outside an endpoint (middleware, filters, callbacks).</summary>
    public static async Task WriteAsync(HttpContext context, ApiError error)
    {
        context.Response.StatusCode = error.Status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = error.Status, Title = error.Title, Detail = error.Detail, Extensions = { [CodeKey] = error.Code } },
        });
    }

    // Runs on every request (predictions included): a plain loop, no LINQ.
    private static long HeaderBytes(IHeaderDictionary headers)
    {
        long total = 0;
        foreach (var (name, values) in headers)
        {
            total += name.Length + 4;
            foreach (var value in values)
            {
                total += value?.Length ?? 0;
            }
        }

        return total;
    }
}
