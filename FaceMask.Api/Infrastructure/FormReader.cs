using System.Diagnostics;
using FaceMask.Api.Errors;
using FaceMask.Api.Monitoring;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Infrastructure;

/// <summary>Reads the multipart form of every upload route, turning malformed or oversized bodies into errors (and counting them).</summary>
public sealed class FormReader(IOptions<UploadOptions> uploads, ServiceMetrics metrics)
{
    /// <param name="field">The file field the route expects, for the message.</param>
    /// <param name="maxBytes">The body limit in force for this request, for the message (default: the prediction limit).</param>
    public async Task<Outcome<IFormCollection>> ReadAsync(HttpRequest request, string field, CancellationToken cancellationToken, long? maxBytes = null)
    {
        if (!request.HasFormContentType)
        {
            return Rejected(ApiError.UnsupportedMediaType($"Send the upload as multipart/form-data in the field '{field}'."));
        }

        try
        {
            var started = Stopwatch.GetTimestamp();
            var form = await request.ReadFormAsync(cancellationToken);
            metrics.Stage(RequestStage.Form, Stopwatch.GetElapsedTime(started));
            return Outcome(form);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Rejected(ApiError.TooLarge(maxBytes ?? uploads.Value.MaxRequestBytes));
        }
        catch (InvalidDataException e) when (e.Message.Contains("length limit", StringComparison.OrdinalIgnoreCase))
        {
            return Rejected(ApiError.TooLarge(maxBytes ?? uploads.Value.MaxRequestBytes));
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Rejected(ApiError.BadRequest(ErrorCodes.MalformedBody, "Malformed upload", $"The multipart body could not be read: {e.Message}"));
        }
    }

    // C# has no implicit conversion from an interface type, so the form is wrapped by hand.
    private static Outcome<IFormCollection> Outcome(IFormCollection form) => new(form, null);

    private ApiError Rejected(ApiError error)
    {
        metrics.Rejected(error.Code);
        return error;
    }
}
