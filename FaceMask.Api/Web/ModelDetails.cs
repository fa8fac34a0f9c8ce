using FaceMask.Training.Common;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;

namespace FaceMask.Api.Web;

/// <summary>What a model folder records about its training: its test figures and its curves; either may be missing.</summary>
public sealed record ModelDetails(ClassificationReport? Test, IReadOnlyList<EpochResult> History)
{
    public static ModelDetails Read(string folder) => new(
        ReadJson<ClassificationReport>(Path.Combine(folder, ModelFolder.MetricsFile)),
        ReadJson<List<EpochResult>>(Path.Combine(folder, TrainingPipeline.HistoryFile)) ?? []);

    // A folder from an older release or a hand-made one may lack a file or hold another shape: show less, not fail.
    private static T? ReadJson<T>(string path)
        where T : class
    {
        try
        {
            return File.Exists(path) ? Json.Deserialize<T>(File.ReadAllText(path)) : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or InvalidDataException)
        {
            return null;
        }
    }
}
