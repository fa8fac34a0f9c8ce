using FaceMask.Api.Errors;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FaceMask.Api.ModelUploads;

/// <summary><c>POST /api/models</c> (admin): a Keras model trained elsewhere, checked, registered as a candidate and judged on the reference set.</summary>
public static class ModelUploadEndpoints
{
    public static IEndpointRouteBuilder MapModelUploadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/models").WithTags("Models")
            .MapPost("/", UploadAsync)
            .WithName("UploadModel")
            .WithSummary("Upload a Keras model")
            .WithDescription("Register a Keras .h5 trained elsewhere as a candidate, judged on the reference set; never activated by the upload. Admin.")
            .AcceptsMultipart(
                new MultipartField(ModelUploadForm.ModelField, MultipartFieldKind.File, "The Keras .h5 (Sequential or Functional, nested models included)."),
                new MultipartField(ModelUploadForm.ClassesField, MultipartFieldKind.Text, "The classes in output order, comma-separated."),
                new MultipartField(ModelUploadForm.InputSizeField, MultipartFieldKind.Text, "The input size: S or HxW."),
                new MultipartField(ModelUploadForm.ScaleField, MultipartFieldKind.Text, "Pixel values 0-255 are multiplied by this (default 1/255)."),
                new MultipartField(ModelUploadForm.OffsetField, MultipartFieldKind.Text, "... and this is added (default 0)."),
                new MultipartField(ModelUploadForm.ColorField, MultipartFieldKind.Text, "RGB (default), BGR or GRAY."),
                new MultipartField(ModelUploadForm.SigmoidField, MultipartFieldKind.Text, "true: one sigmoid output, the probability of the second class."),
                new MultipartField(ModelUploadForm.VersionField, MultipartFieldKind.Text, "The version name (default uploaded-<UTC time>)."),
                new MultipartField(ModelUploadForm.MetadataField, MultipartFieldKind.File, "Instead of the fields: a metadata.json (classes, input_size, preprocessing, version)."))
            .DisableAntiforgery()
            .RequireAdmin()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    internal static async Task<Results<Created<ModelUploadResponse>, ProblemHttpResult>> UploadAsync(HttpContext context, ModelUploadService uploads, CancellationToken cancellationToken)
    {
        var outcome = await uploads.UploadAsync(context, cancellationToken);
        return outcome.Error is { } error
            ? error.ToProblem()
            : TypedResults.Created($"/api/models/{outcome.Value!.Model.Version}", outcome.Value);
    }
}
