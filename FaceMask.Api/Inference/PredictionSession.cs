using FaceMask.Api.Errors;
using FaceMask.Training.Models;

namespace FaceMask.Api.Inference;

/// <summary>One request's predictions, all on the model it leased at the start.</summary>
public sealed class PredictionSession : IDisposable
{
    private readonly PredictionService service;
    private readonly ModelLease lease;

    internal PredictionSession(PredictionService service, ModelLease lease)
    {
        this.service = service;
        this.lease = lease;
    }

    public OnnxModel Model => lease.Model;

    public Task<Outcome<PredictionResult>> PredictAsync(ImageUpload image, CancellationToken cancellationToken) =>
        service.PredictAsync(lease.Model, image, cancellationToken);

    /// <summary>Several images at once (the micro-batcher groups them); a bad image fails alone. Too many images fail the whole request.</summary>
    public async Task<Outcome<IReadOnlyList<Outcome<PredictionResult>>>> PredictManyAsync(IReadOnlyList<ImageUpload> images, CancellationToken cancellationToken)
    {
        if (images.Count > service.MaxBatchFiles)
        {
            return service.Rejected(ApiError.BadRequest(ErrorCodes.TooManyFiles, "Too many files", $"{images.Count} files were sent; a batch takes at most {service.MaxBatchFiles}."));
        }

        service.BatchRequest(images.Count);
        return await Task.WhenAll(images.Select(image => PredictAsync(image, cancellationToken)));
    }

    /// <summary>Decodes an upload with the prediction's checks; see <see cref="PredictionService.DecodeAsync"/>.</summary>
    public Task<Outcome<OpenCvSharp.Mat>> DecodeAsync(ImageUpload image, CancellationToken cancellationToken) =>
        service.DecodeAsync(image, cancellationToken);

    /// <summary>Classifies a decoded image (a face crop) on this session's model.</summary>
    public Task<PredictionResult> ClassifyAsync(OpenCvSharp.Mat bgr, CancellationToken cancellationToken) =>
        service.ClassifyAsync(lease.Model, bgr, cancellationToken);

    public void Dispose() => lease.Dispose();
}
