namespace FaceMask.Api.Datasets;

/// <summary>Per-class counts of the primary data, the uploads waiting for a retrain, and the current split.</summary>
public sealed record DatasetsResponse(
    IReadOnlyList<string> Classes,
    IReadOnlyDictionary<string, int> Dataset,
    IReadOnlyDictionary<string, int> DatasetNew,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>>? Split);
