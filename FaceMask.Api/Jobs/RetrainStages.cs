namespace FaceMask.Api.Jobs;

/// <summary>Names of a retrain's stages, as records and progress show them.</summary>
public static class RetrainStages
{
    public const string Queued = "queued";
    public const string Split = "split";
    public const string Train = "train";
    public const string Evaluate = "evaluate";
    public const string Promote = "promote";
    public const string Done = "done";
}
