using System.Text.Json.Serialization;

namespace FaceMask.Api.Registry;

/// <summary>Where a retrain is: its four stages, before and after. Written in lower case, in the registry and in JSON.</summary>
public enum RetrainStage
{
    [JsonStringEnumMemberName("queued")]
    Queued,

    [JsonStringEnumMemberName("split")]
    Split,

    [JsonStringEnumMemberName("train")]
    Train,

    [JsonStringEnumMemberName("evaluate")]
    Evaluate,

    [JsonStringEnumMemberName("promote")]
    Promote,

    [JsonStringEnumMemberName("done")]
    Done,
}
