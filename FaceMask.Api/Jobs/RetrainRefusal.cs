namespace FaceMask.Api.Jobs;

/// <summary>Why a retrain cannot work, said before anything is enqueued or written.</summary>
public sealed record RetrainRefusal(int Status, string Code, string Title, string Detail);
