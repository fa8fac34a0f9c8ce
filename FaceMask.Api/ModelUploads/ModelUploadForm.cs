using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FaceMask.Api.Errors;
using FaceMask.Training.Imaging;
using FaceMask.Training.Importing;

namespace FaceMask.Api.ModelUploads;

/// <summary>What a model upload says about its file: from form fields, or a <c>metadata.json</c> part (the model folder's own shape, plus <c>sigmoid</c>).</summary>
public sealed record ModelUploadForm(IFormFile Model, ImportOptions Options, string? Version)
{
    public const string ModelField = "model";
    public const string MetadataField = "metadata";
    public const string ClassesField = "classes";
    public const string InputSizeField = "input_size";
    public const string ScaleField = "scale";
    public const string OffsetField = "offset";
    public const string ColorField = "color";
    public const string SigmoidField = "sigmoid";
    public const string VersionField = "version";

    public static async Task<Outcome<ModelUploadForm>> ReadAsync(IFormCollection form, CancellationToken cancellationToken)
    {
        if (form.Files.GetFile(ModelField) is not { } model)
        {
            return ApiError.BadRequest(ErrorCodes.MissingFile, "No model file", $"Send the Keras .h5 in the multipart field '{ModelField}'.");
        }

        if (model.Length == 0)
        {
            return ApiError.BadRequest(ErrorCodes.EmptyFile, "Empty model file", $"'{model.FileName}' is empty.");
        }

        try
        {
            if (form.Files.GetFile(MetadataField) is { } metadata)
            {
                using var reader = new StreamReader(metadata.OpenReadStream());
                return FromMetadata(model, JsonNode.Parse(await reader.ReadToEndAsync(cancellationToken)) as JsonObject
                    ?? throw new FormatException("metadata.json is not a JSON object."));
            }

            return FromFields(model, form);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return Invalid(e.Message);
        }
    }

    public static ApiError Invalid(string detail) => ApiError.BadRequest(ErrorCodes.InvalidDescription, "The model's description does not fit", detail);

    private static ModelUploadForm FromFields(IFormFile model, IFormCollection form)
    {
        var classes = Text(form, ClassesField) ?? throw new FormatException($"Name the classes in output order in the field '{ClassesField}' (e.g. with_mask,without_mask).");
        var size = Text(form, InputSizeField) ?? throw new FormatException($"Give the input size in the field '{InputSizeField}' ({InputSizeText.Form}).");
        var (height, width) = InputSizeText.TryParse(size, out var parsed) ? parsed : throw new FormatException($"'{InputSizeField}' '{size}' is not {InputSizeText.Form}.");
        return new ModelUploadForm(model, new ImportOptions(
            classes.Split(',', StringSplitOptions.TrimEntries),
            height,
            width,
            Text(form, ScaleField) is { } scale ? Number(scale, ScaleField) : 1f / 255f,
            Text(form, OffsetField) is { } offset ? Number(offset, OffsetField) : 0f,
            Color(Text(form, ColorField) ?? "RGB"),
            Text(form, SigmoidField) is { } sigmoid && (bool.TryParse(sigmoid, out var yes) ? yes : throw new FormatException($"'{SigmoidField}' is true or false, not '{sigmoid}'."))),
            Text(form, VersionField));
    }

    private static ModelUploadForm FromMetadata(IFormFile model, JsonObject metadata)
    {
        var classes = metadata["classes"] as JsonArray ?? throw new FormatException("metadata.json has no 'classes' list.");
        var size = metadata["input_size"] as JsonArray is { Count: 2 } pair ? pair : throw new FormatException("metadata.json has no 'input_size' [height, width].");
        var preprocessing = metadata["preprocessing"] as JsonObject;
        return new ModelUploadForm(model, new ImportOptions(
            classes.Select(c => c?.GetValue<string>() ?? throw new FormatException("A class in metadata.json is null.")).ToList(),
            size[0]!.GetValue<int>(),
            size[1]!.GetValue<int>(),
            preprocessing?["scale"]?.GetValue<float>() ?? 1f / 255f,
            preprocessing?["offset"]?.GetValue<float>() ?? 0f,
            Color(preprocessing?["color_order"]?.GetValue<string>() ?? "RGB"),
            metadata["sigmoid"]?.GetValue<bool>() ?? false),
            metadata["version"]?.GetValue<string>());
    }

    private static string? Text(IFormCollection form, string field) => form.TryGetValue(field, out var value) && !string.IsNullOrWhiteSpace(value) ? value.ToString().Trim() : null;

    private static float Number(string text, string field) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : throw new FormatException($"'{field}' '{text}' is not a number.");

    private static ColorOrder Color(string text) => text.ToUpperInvariant() switch
    {
        "RGB" => ColorOrder.Rgb,
        "BGR" => ColorOrder.Bgr,
        "GRAY" or "GREY" => ColorOrder.Gray,
        _ => throw new FormatException($"The colour order '{text}' is not RGB, BGR or GRAY."),
    };
}
