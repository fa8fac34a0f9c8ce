using FaceMask.Api.Registry;
using FaceMask.Api.Retraining.Reference;
using FaceMask.Training.Data;
using FaceMask.Training.Detection;
using FaceMask.Training.Evaluation;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;

namespace FaceMask.Api.Retraining;

/// <summary>
/// The reference set and a retrain's test split (none for an upload), each decoded once per input size; the
/// reference set is also measured under every robustness shift, its faces located once.
/// </summary>
public sealed class EvaluationSets(ReferenceSets references, ReferenceVersion? reference, string? split, BlazeFaceDetector? detector)
{
    private readonly Dictionary<(string Set, int Side), LabelledImages> loaded = [];

    public ModelFigures Figures(ModelFolder model)
    {
        var preprocessing = model.Metadata.ToPreprocessing();
        var classes = model.Metadata.Classes;
        var test = split is null ? null : Load(SplitPart.Test.FolderName(), preprocessing.Width, () => LabelledImages.Load(Path.Combine(split, SplitPart.Test.FolderName()), classes, preprocessing.Width));
        ClassificationReport? onReference = null;
        RobustnessReport? robustness = null;
        if (reference is { Images.Count: > 0 })
        {
            var images = Load(reference.Name, preprocessing.Width, () => LabelledImages.Load(classes, references.Set.Files(reference, classes), preprocessing.Width));
            var report = ModelEvaluator.EvaluateWithRobustness(model.Model, preprocessing, images, detector, temperature: model.Metadata.Temperature);
            (onReference, robustness) = (report with { Robustness = null }, report.Robustness);
        }

        return new ModelFigures(model.Metadata.Version, onReference, test is null ? null : ModelEvaluator.Evaluate(model.Model, preprocessing, test, model.Metadata.Temperature), robustness);
    }

    private LabelledImages Load(string set, int side, Func<LabelledImages> load) =>
        loaded.TryGetValue((set, side), out var images) ? images : loaded[(set, side)] = load();
}
