using FaceMask.Training.Training;
using ScottPlot;

namespace FaceMask.Training.Evaluation;

/// <summary>PNG plots saved with a model: training curves and the test confusion matrix (ScottPlot).</summary>
public static class Plots
{
    public const string TrainingCurvesFile = "training_curves.png";
    public const string ConfusionMatrixFile = "confusion_matrix.png";

    public static void TrainingCurves(IReadOnlyList<EpochResult> history, int bestEpoch, string path)
    {
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        var plot = new Plot();
        AddLine(plot, epochs, history.Select(h => h.TrainLoss), "train loss");
        AddLine(plot, epochs, history.Select(h => h.ValLoss), "val loss");
        AddLine(plot, epochs, history.Select(h => h.TrainAccuracy), "train accuracy");
        AddLine(plot, epochs, history.Select(h => h.ValAccuracy), "val accuracy");
        AddLine(plot, epochs, history.Select(h => h.ValMacroF1), "val macro-F1");
        var best = plot.Add.VerticalLine(bestEpoch);
        best.LinePattern = LinePattern.Dashed;
        best.LegendText = $"best epoch ({bestEpoch})";
        plot.Title("Training");
        plot.Axes.Bottom.Label.Text = "epoch";
        plot.ShowLegend(Alignment.MiddleRight);
        plot.SavePng(path, 900, 520);
    }

    public static void ConfusionMatrix(ConfusionMatrix confusion, string path)
    {
        var size = confusion.Labels.Count;
        var counts = new double[size, size];
        for (var row = 0; row < size; row++)
        {
            for (var column = 0; column < size; column++)
            {
                counts[row, column] = -confusion.Matrix[row][column]; // ScottPlot's Blues runs dark to light: negate so large counts are dark
            }
        }

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(counts);
        heatmap.Colormap = new ScottPlot.Colormaps.Blues();
        heatmap.Rectangle = new CoordinateRect(-0.5, size - 0.5, -0.5, size - 0.5); // cell (row, column) centred on (column, size - 1 - row)
        var maximum = Math.Max(1, confusion.Matrix.SelectMany(row => row).Max());
        for (var row = 0; row < size; row++)
        {
            for (var column = 0; column < size; column++)
            {
                var text = plot.Add.Text(confusion.Matrix[row][column].ToString(System.Globalization.CultureInfo.InvariantCulture), column, size - 1 - row);
                text.LabelFontSize = 22;
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = confusion.Matrix[row][column] > maximum / 2 ? Colors.White : Colors.Black;
            }
        }

        var ticks = Enumerable.Range(0, size).Select(i => (double)i).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, confusion.Labels.ToArray());
        plot.Axes.Left.SetTicks(ticks, confusion.Labels.Reverse().ToArray());
        plot.Axes.Bottom.Label.Text = "predicted";
        plot.Axes.Left.Label.Text = "true";
        plot.Title("Confusion matrix (test)");
        plot.SavePng(path, 760, 640);
    }

    private static void AddLine(Plot plot, double[] xs, IEnumerable<double> ys, string label)
    {
        var line = plot.Add.Scatter(xs, ys.ToArray());
        line.LegendText = label;
    }
}
