using FaceMask.Training.Common;

namespace FaceMask.Api.Registry;

/// <summary>The one serializer of the registry's JSON columns (the project's snake_case conventions).</summary>
internal static class RegistryJson
{
    public static string? Write<T>(T? value)
        where T : class => value is null ? null : Json.Serialize(value);

    public static T? Read<T>(string? json)
        where T : class => json is null ? null : Json.Deserialize<T>(json);
}
