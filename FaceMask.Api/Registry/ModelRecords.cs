using FaceMask.Training.Models;

namespace FaceMask.Api.Registry;

/// <summary>Registry rows made from model folders.</summary>
public static class ModelRecords
{
    /// <summary>A new Candidate row for a model folder: its figures on its own test split, lineage and path.</summary>
    public static ModelRecord For(ModelFolder model, string path, string reason)
    {
        var metadata = model.Metadata;
        return new ModelRecord(metadata.Version, path, ModelState.Candidate, metadata.Metrics?.Accuracy, metadata.Metrics?.MacroF1,
            metadata.DatasetFingerprint, metadata.ParentVersion, metadata.Created, null, reason);
    }
}
