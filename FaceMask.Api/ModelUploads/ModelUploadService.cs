using System.Text.RegularExpressions;
using FaceMask.Api.Errors;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Registry;
using FaceMask.Api.Retraining;
using FaceMask.Api.Retraining.Reference;
using FaceMask.Training.Importing;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.ModelUploads;

/// <summary>
/// A model upload, checked before anything is kept: the file is staged beside the model folders,
/// must be HDF5, load, fit its description and run on a drawn face (<see cref="KerasImport"/>);
/// then both it and the active model are measured on the reference set and the promotion gate
/// says what it would decide. Only then is the folder written (atomically) and the version
/// registered as a Candidate, with the gate's verdict as its reason. Nothing is activated; a bad
/// upload leaves neither a file nor a registry row behind.
/// </summary>
public sealed partial class ModelUploadService(
    FormReader forms,
    IOptions<ModelUploadOptions> options,
    IOptions<RetrainingOptions> retraining,
    IModelRegistry registry,
    ReferenceSets references,
    ServicePaths paths,
    TimeProvider time,
    ILogger<ModelUploadService> logger)
{
    private static readonly byte[] HdfSignature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    public async Task<Outcome<ModelUploadResponse>> UploadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxRequestBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        context.Features.Set<IFormFeature>(new FormFeature(context.Request, new FormOptions { MultipartBodyLengthLimit = limit }));
        var read = await forms.ReadAsync(context.Request, ModelUploadForm.ModelField, cancellationToken, limit);
        if (read.Error is { } unreadable)
        {
            return unreadable;
        }

        var form = await ModelUploadForm.ReadAsync(read.Value!, cancellationToken);
        if (form.Error is { } undescribed)
        {
            return undescribed;
        }

        var upload = form.Value!;
        var version = upload.Version ?? $"uploaded-{time.GetUtcNow():yyyyMMdd-HHmmss}";
        if (!VersionName().IsMatch(version))
        {
            return ModelUploadForm.Invalid($"The version '{version}' is not 1 to 64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        var folder = Path.Combine(paths.Models, version);
        if (await registry.GetAsync(version, cancellationToken) is not null || Directory.Exists(folder))
        {
            return Taken(version);
        }

        Directory.CreateDirectory(paths.Models);
        var staged = Path.Combine(paths.Models, $".upload-{Guid.NewGuid():N}.h5");
        try
        {
            await using (var target = File.Create(staged))
            {
                await upload.Model.CopyToAsync(target, cancellationToken);
            }

            if (!await IsHdf5Async(staged, cancellationToken))
            {
                return ApiError.BadRequest(ErrorCodes.NotHdf5, "Not an HDF5 file", $"'{upload.Model.FileName}' is not an HDF5 file: upload the Keras .h5 (model.save(\"model.h5\"); a Keras 3 .keras archive is a zip, not read here).");
            }

            ModelFolder candidate;
            try
            {
                var (model, metadata) = KerasImport.Import(staged, upload.Options, version);
                candidate = new ModelFolder(folder, model, metadata, null);
            }
            catch (InvalidDataException e)
            {
                // The message names the staged file; the operator knows it by the name they uploaded.
                return new ApiError(StatusCodes.Status422UnprocessableEntity, ErrorCodes.ModelInvalid, "The model cannot be used", e.Message.Replace(staged, upload.Model.FileName, StringComparison.Ordinal));
            }

            var activeRecord = await registry.GetActiveAsync(cancellationToken);
            var judged = await Task.Run(() => Judge(candidate, activeRecord), cancellationToken);
            try
            {
                ModelFolder.Save(folder, candidate.Model, candidate.Metadata, metrics: null, overwrite: false);
            }
            catch (ArgumentException)
            {
                return Taken(version); // another upload took the name meanwhile
            }

            return await RegisterAsync(candidate, judged, cancellationToken);
        }
        finally
        {
            File.Delete(staged);
        }
    }

    /// <summary>The candidate and the active model (when its classes are the same) on the reference set, and the gate's decision.</summary>
    private (ModelFigures Figures, PromotionDecision Decision, string? Reference) Judge(ModelFolder candidate, ModelRecord? activeRecord)
    {
        var active = activeRecord is null ? null : ModelFolders.TryLoad(activeRecord.Path, logger, "the upload's judgement");
        var reference = references.Current();
        using var detector = TrainingPipeline.OpenDetector(paths.FaceDetector);
        var sets = new EvaluationSets(references, reference, split: null, detector);
        var figures = sets.Figures(candidate);
        var activeFigures = active is not null && active.Metadata.Classes.SequenceEqual(candidate.Metadata.Classes) ? sets.Figures(active) : null;
        var decision = PromotionGate.Decide(candidate.Metadata, figures, active?.Metadata, activeFigures, reference, retraining.Value, sameInputContract: false);
        return (figures, decision, reference?.Name);
    }

    private async Task<Outcome<ModelUploadResponse>> RegisterAsync(ModelFolder candidate, (ModelFigures Figures, PromotionDecision Decision, string? Reference) judged, CancellationToken cancellationToken)
    {
        var (figures, decision, reference) = judged;
        var comparable = !decision.Reasons.Any(r => r.Kind is GateReasonKind.ClassesDiffer or GateReasonKind.NoActiveModel);
        var reason = decision.Promote
            ? $"uploaded; the gate would promote it ({decision.Summary["promoted: ".Length..]}): activate it to serve"
            : $"uploaded; {(comparable ? decision.Summary : "not comparable: " + decision.Summary["kept as candidate: ".Length..])}";
        var version = candidate.Metadata.Version;
        try
        {
            await registry.UpsertAsync(ModelRecords.For(candidate, Path.GetFullPath(candidate.Path), reason), cancellationToken);
            if (reference is not null && figures.Reference is not null)
            {
                await registry.SetEvaluationAsync(version, new ModelEvaluation(reference, figures.Reference, null, null), cancellationToken);
            }
        }
        catch
        {
            Directory.Delete(candidate.Path, recursive: true); // a folder no registry row names would be taken by the next retrain's name check
            throw;
        }

        logger.LogInformation("Model {Version} uploaded and registered as a candidate: {Reason}", version, reason);
        var record = (await registry.GetAsync(version, cancellationToken))!;
        return new ModelUploadResponse(ModelVersionResponse.Of(record, showPath: true), decision.Promote, decision.Summary, decision.Reasons, reference, figures.Reference, figures.ReferenceRobustness);
    }

    private static async Task<bool> IsHdf5Async(string path, CancellationToken cancellationToken)
    {
        var head = new byte[HdfSignature.Length];
        await using var stream = File.OpenRead(path);
        return await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken) == head.Length && head.AsSpan().SequenceEqual(HdfSignature);
    }

    private static ApiError Taken(string version) =>
        ApiError.Conflict(ErrorCodes.VersionTaken, "Version taken", $"A model version '{version}' is already registered or on disk; choose another 'version'.");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex VersionName();
}
