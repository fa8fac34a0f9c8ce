using System.Text.Json;
using FaceMask.Training.Common;

namespace FaceMask.Api.Registry;

/// <summary>
/// The one serializer of the registry's columns that hold structure (progress, decisions, job ids,
/// evaluations): the project's snake_case JSON, read case-insensitively so rows written by earlier
/// versions (PascalCase job ids) still load; and the stage names as stored.
/// </summary>
internal static class RegistryJson
{
    private static readonly JsonSerializerOptions Reading = new(Json.Options) { PropertyNameCaseInsensitive = true };

    public static string? Write<T>(T? value)
        where T : class => value is null ? null : Json.Serialize(value);

    public static T? Read<T>(string? json)
        where T : class => json is null ? null : JsonSerializer.Deserialize<T>(json, Reading);

    /// <summary>
    /// A stored decision. Earlier versions stored only its summary text, whose first words said
    /// whether it promoted; those rows are read into the typed decision here, once.
    /// </summary>
    public static PromotionDecision? ReadDecision(string? stored) => stored switch
    {
        null => null,
        ['{', ..] => Read<PromotionDecision>(stored),
        _ => new PromotionDecision(stored.StartsWith("promoted", StringComparison.Ordinal), stored, []),
    };

    public static string Stage(RetrainStage stage) => stage.ToString().ToLowerInvariant();

    public static RetrainStage Stage(string stored) => Enum.Parse<RetrainStage>(stored, ignoreCase: true);
}
