using System.Text.Json.Serialization;

namespace FaceMask.Api.Registry;

/// <summary>The Hangfire job ids of one retrain's stages.</summary>
public sealed record RetrainJobIds(string Split, string Train, string Evaluate, string Promote)
{
    [JsonIgnore]
    public IEnumerable<string> All => [Split, Train, Evaluate, Promote];
}
