using FaceMask.Api.Inference;
using FaceMask.Api.Infrastructure;
using FaceMask.Api.Registry;
using Microsoft.Extensions.Options;

namespace FaceMask.Api.Jobs;

/// <summary>The services the retrain stages share.</summary>
public sealed record RetrainJobServices(
    IModelRegistry Registry,
    ServicePaths Paths,
    ActiveModelWatcher Watcher,
    RetrainPreflight Preflight,
    ReferenceSets References,
    RetrainCancellations Cancellations,
    IJobKeepAlive KeepAlive,
    TimeProvider Time,
    IOptions<RetrainOptions> Options,
    IOptions<JobsOptions> Jobs,
    ILogger<RetrainJobs> Logger);
