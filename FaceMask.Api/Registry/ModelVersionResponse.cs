using System.Text.Json.Serialization;

namespace FaceMask.Api.Registry;

/// <summary>A registered version as <c>GET /api/models</c> shows it; the folder on the server only to admins.</summary>
public sealed record ModelVersionResponse(
    string Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Path,
    ModelState State,
    double? Accuracy,
    double? MacroF1,
    string? DatasetFingerprint,
    string? ParentVersion,
    DateTimeOffset Created,
    DateTimeOffset? ActivatedAt,
    string? Reason,
    ModelEvaluation? Evaluation)
{
    public static ModelVersionResponse Of(ModelRecord record, bool showPath) => new(
        record.Version, showPath ? record.Path : null, record.State, record.Accuracy, record.MacroF1, record.DatasetFingerprint,
        record.ParentVersion, record.Created, record.ActivatedAt, record.Reason, record.Evaluation);
}
