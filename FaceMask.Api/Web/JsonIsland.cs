using System.Text.Encodings.Web;
using System.Text.Json;
using FaceMask.Training.Common;
using Microsoft.AspNetCore.Html;

namespace FaceMask.Api.Web;

/// <summary>
/// Data a page hands its script as a <c>&lt;script type="application/json"&gt;</c> island. The
/// project's files are written with relaxed escaping (readable metadata.json); here every <c>&lt;</c>,
/// <c>&gt;</c>, <c>&amp;</c> and quote is escaped as <c>\uXXXX</c>, so no class name or metadata value
/// can close the element and run as script.
/// </summary>
public static class JsonIsland
{
    private static readonly JsonSerializerOptions Options = new(Json.Options) { Encoder = JavaScriptEncoder.Default, WriteIndented = false };

    public static IHtmlContent Of<T>(T value) => new HtmlString(JsonSerializer.Serialize(value, Options));
}
