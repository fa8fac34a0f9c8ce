using FaceMask.Api.Datasets;
using FaceMask.Api.Jobs;
using FaceMask.Api.Registry;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Endpoints;

/// <summary>The services a retrain request needs.</summary>
public sealed record RetrainRequestServices(
    RetrainService Retrains,
    RetrainPreflight Preflight,
    ReferenceSets References,
    DatasetStore Store,
    LabelledUploadReader Uploads,
    IOptions<RetrainOptions> Options);
