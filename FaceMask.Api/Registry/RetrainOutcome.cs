using System.Text.Json.Serialization;

namespace FaceMask.Api.Registry;

/// <summary>
/// What a retrain did to the served model, the question people ask of it: the state machine's
/// "Succeeded" covers both a promotion and a candidate the gate kept out.
/// </summary>
public enum RetrainOutcome
{
    /// <summary>Enqueued; no worker has started it yet.</summary>
    [JsonStringEnumMemberName("waiting")]
    Waiting,

    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>The new model is served.</summary>
    [JsonStringEnumMemberName("promoted")]
    Promoted,

    /// <summary>Trained and registered, but the gate kept the served model.</summary>
    [JsonStringEnumMemberName("kept_as_candidate")]
    KeptAsCandidate,

    [JsonStringEnumMemberName("failed")]
    Failed,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}

public static class RetrainOutcomes
{
    public static RetrainOutcome Of(RetrainRecord retrain) => retrain.State switch
    {
        RetrainState.Enqueued => RetrainOutcome.Waiting,
        RetrainState.Processing => RetrainOutcome.Running,
        RetrainState.Succeeded => retrain.Decision?.Promote == true ? RetrainOutcome.Promoted : RetrainOutcome.KeptAsCandidate,
        RetrainState.Failed => RetrainOutcome.Failed,
        _ => RetrainOutcome.Cancelled,
    };

    /// <summary>The outcome as the JSON spells it (<c>kept_as_candidate</c>), also the pages' CSS class suffix.</summary>
    public static string Code(RetrainOutcome outcome) =>
        typeof(RetrainOutcome).GetField(outcome.ToString())!.GetCustomAttributes(typeof(JsonStringEnumMemberNameAttribute), false)
            .Cast<JsonStringEnumMemberNameAttribute>().Single().Name;

    /// <summary>The outcome as people read it on the pages: "kept as candidate".</summary>
    public static string Label(RetrainOutcome outcome) => Code(outcome).Replace('_', ' ');
}
