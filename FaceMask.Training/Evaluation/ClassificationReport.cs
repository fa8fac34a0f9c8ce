using System.Text.Json.Serialization;

namespace FaceMask.Training.Evaluation;

/// <summary>Precision, recall, F1 and support of one class.</summary>
public sealed record ClassMetrics(double Precision, double Recall, double F1, int Support);

/// <summary>The confusion matrix: rows are the true class, columns the predicted one, in <see cref="Labels"/> order.</summary>
public sealed record ConfusionMatrix(IReadOnlyList<string> Labels, int[][] Matrix);

/// <summary>
/// A classifier's figures on real photos: the annotated faces the detector found (matched at IoU
/// 0.3), each cut out by the serving framing and classified, against their annotated class.
/// </summary>
public sealed record PhotoFigures(string Detector, int Photos, int AnnotatedFaces, int FoundFaces, ClassificationReport Report);

/// <summary>
/// The evaluation report, exactly the <c>facemask evaluate --json</c> document:
/// <c>count, accuracy, macro_precision, macro_recall, macro_f1, per_class, confusion_matrix</c>, and
/// where computed <c>robustness</c> and <c>calibration_error</c>.
/// </summary>
public sealed record ClassificationReport(
    int Count,
    double Accuracy,
    double MacroPrecision,
    double MacroRecall,
    double MacroF1,
    IReadOnlyDictionary<string, ClassMetrics> PerClass,
    ConfusionMatrix ConfusionMatrix)
{
    /// <summary>The same model under shifted conditions (in <c>metrics.json</c> of trained models and <c>evaluate --json</c>); null when not computed.</summary>
    public RobustnessReport? Robustness { get; init; }

    /// <summary>The same model on the faces a detector found in annotated photos (<c>evaluate --photos</c>); null when not asked for.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PhotoFigures? Photos { get; init; }

    /// <summary>The expected calibration error (<see cref="Calibration.Bins"/> bins) of the probabilities behind the verdicts; null when not computed.</summary>
    public double? CalibrationError { get; init; }

    /// <summary>What flagging verdicts below each of <see cref="Evaluation.Uncertainty.Thresholds"/> would do; null when not computed.</summary>
    public IReadOnlyList<UncertaintyRow>? Uncertainty { get; init; }

    /// <summary>The report with the figures only the probabilities give: the calibration error and the uncertainty table.</summary>
    public ClassificationReport WithConfidence(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> labels) => this with
    {
        CalibrationError = Calibration.ExpectedError(probabilities, labels),
        Uncertainty = Evaluation.Uncertainty.Table(probabilities, labels, Evaluation.Uncertainty.Thresholds),
    };

    /// <summary>
    /// Computes the report. Classes with no true samples get support 0 and are left out of the macro
    /// averages (their recall is undefined); a class never predicted has precision 0.
    /// </summary>
    public static ClassificationReport Compute(IReadOnlyList<string> classes, IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        if (truth.Count != predicted.Count)
        {
            throw new ArgumentException($"{truth.Count} true labels but {predicted.Count} predictions.");
        }

        var matrix = classes.Select(_ => new int[classes.Count]).ToArray();
        for (var i = 0; i < truth.Count; i++)
        {
            matrix[truth[i]][predicted[i]]++;
        }

        var perClass = new Dictionary<string, ClassMetrics>();
        for (var c = 0; c < classes.Count; c++)
        {
            var truePositives = matrix[c][c];
            var support = matrix[c].Sum();
            var predictedCount = matrix.Sum(row => row[c]);
            var precision = predictedCount == 0 ? 0 : (double)truePositives / predictedCount;
            var recall = support == 0 ? 0 : (double)truePositives / support;
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass[classes[c]] = new ClassMetrics(precision, recall, f1, support);
        }

        var present = perClass.Values.Where(m => m.Support > 0).ToList();
        double Macro(Func<ClassMetrics, double> metric) => present.Count == 0 ? 0 : present.Average(metric);
        var correct = Enumerable.Range(0, classes.Count).Sum(c => matrix[c][c]);
        return new ClassificationReport(
            truth.Count,
            truth.Count == 0 ? 0 : (double)correct / truth.Count,
            Macro(m => m.Precision),
            Macro(m => m.Recall),
            Macro(m => m.F1),
            perClass,
            new ConfusionMatrix(classes.ToList(), matrix));
    }
}
