using FaceMask.Training.Evaluation;

namespace FaceMask.Tests.Evaluation;

public class ClassificationReportTests
{
    private static readonly string[] Classes = ["mask_weared_incorrect", "with_mask", "without_mask"];

    [Fact]
    public void Computes_per_class_and_macro_figures_and_the_confusion_matrix()
    {
        // truth:     0 0 0 0 1 1 1 2 2 2
        // predicted: 0 0 0 1 1 1 2 2 2 0
        int[] truth = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
        int[] predicted = [0, 0, 0, 1, 1, 1, 2, 2, 2, 0];

        var report = ClassificationReport.Compute(Classes, truth, predicted);

        Assert.Equal(10, report.Count);
        Assert.Equal(0.7, report.Accuracy, 10);
        Assert.Equal([[3, 1, 0], [0, 2, 1], [1, 0, 2]], report.ConfusionMatrix.Matrix);
        Assert.Equal(Classes, report.ConfusionMatrix.Labels);
        var incorrect = report.PerClass["mask_weared_incorrect"];
        Assert.Equal((0.75, 0.75, 0.75, 4), (incorrect.Precision, incorrect.Recall, incorrect.F1, incorrect.Support));
        var withMask = report.PerClass["with_mask"];
        Assert.Equal(2.0 / 3, withMask.Precision, 10);
        Assert.Equal(2.0 / 3, withMask.Recall, 10);
        Assert.Equal((0.75 + (2.0 / 3) + (2.0 / 3)) / 3, report.MacroPrecision, 10);
        Assert.Equal((0.75 + (2.0 / 3) + (2.0 / 3)) / 3, report.MacroF1, 10);
    }

    [Fact]
    public void A_class_missing_from_the_data_gets_support_zero_and_stays_out_of_the_averages()
    {
        int[] truth = [1, 1, 2, 2];
        int[] predicted = [1, 0, 2, 2];

        var report = ClassificationReport.Compute(Classes, truth, predicted);

        Assert.Equal(0, report.PerClass["mask_weared_incorrect"].Support);
        Assert.Equal(0, report.PerClass["mask_weared_incorrect"].Precision);
        Assert.Equal((0.5 + 1.0) / 2, report.MacroRecall, 10);
        Assert.Equal(0.75, report.Accuracy, 10);
    }

    [Fact]
    public void An_empty_evaluation_does_not_crash()
    {
        var report = ClassificationReport.Compute(Classes, [], []);

        Assert.Equal(0, report.Count);
        Assert.Equal(0, report.Accuracy);
        Assert.All(report.PerClass.Values, m => Assert.Equal(0, m.Support));
    }
}
