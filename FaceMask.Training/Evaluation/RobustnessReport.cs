namespace FaceMask.Training.Evaluation;

/// <summary>A model's figures under one shift.</summary>
public sealed record ShiftResult(string Shift, string Description, int Count, double Accuracy, double MacroF1, IReadOnlyDictionary<string, double> Recall);

/// <summary>
/// Macro-F1 on the images as they are and under each shift of conditions (computed by
/// <c>Learning.ModelEvaluator</c>), and the worst row: a model that is only good on the first row has
/// learned the dataset's photo style, so shipping decisions look at the worst.
/// </summary>
public sealed record RobustnessReport(IReadOnlyList<ShiftResult> Rows, string Worst, double WorstMacroF1)
{
    public static RobustnessReport FromRows(IReadOnlyList<ShiftResult> rows)
    {
        var worst = rows.MinBy(r => r.MacroF1) ?? throw new ArgumentException("A robustness report needs at least one row.", nameof(rows));
        return new RobustnessReport(rows, worst.Shift, worst.MacroF1);
    }
}
