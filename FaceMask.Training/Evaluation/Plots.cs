using ScottPlot;

namespace FaceMask.Training.Evaluation;

/// <summary>The test confusion matrix as a PNG saved with a model (ScottPlot).</summary>
public static class Plots
{
    public const string ConfusionMatrixFile = "confusion_matrix.png";

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
}
