using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceMask.Api.Registry;

/// <summary>One reason the promotion gate kept a candidate: what kind, and the figures behind it in words.</summary>
[JsonConverter(typeof(GateReasonConverter))]
public sealed record GateReason(GateReasonKind Kind, string Detail)
{
    public override string ToString() => Detail;
}

/// <summary>Reads a reason as an object, or as the bare text earlier versions stored (kind <see cref="GateReasonKind.Recorded"/>); writes the object.</summary>
internal sealed class GateReasonConverter : JsonConverter<GateReason>
{
    public override GateReason Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new GateReason(GateReasonKind.Recorded, reader.GetString()!);
        }

        using var document = JsonDocument.ParseValue(ref reader);
        var (kind, detail) = (GateReasonKind.Recorded, string.Empty);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.NameEquals("kind") || property.NameEquals("Kind"))
            {
                kind = Enum.Parse<GateReasonKind>(property.Value.GetString()!.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true);
            }
            else if (property.NameEquals("detail") || property.NameEquals("Detail"))
            {
                detail = property.Value.GetString() ?? string.Empty;
            }
        }

        return new GateReason(kind, detail);
    }

    public override void Write(Utf8JsonWriter writer, GateReason value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(options.PropertyNamingPolicy?.ConvertName("Kind") ?? "Kind", JsonSerializer.Serialize(value.Kind, options).Trim('"'));
        writer.WriteString(options.PropertyNamingPolicy?.ConvertName("Detail") ?? "Detail", value.Detail);
        writer.WriteEndObject();
    }
}
