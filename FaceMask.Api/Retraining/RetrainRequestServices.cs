using FaceMask.Api.Datasets;
using FaceMask.Api.Retraining.Reference;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Retraining;

/// <summary>The services a retrain request needs.</summary>
public sealed record RetrainRequestServices(
    RetrainService Retrains,
    RetrainPreflight Preflight,
    ReferenceSets References,
    DatasetStore Store,
    LabelledUploadReader Uploads,
    RetrainRequestLock Lock,
    IOptions<RetrainingOptions> Options);
