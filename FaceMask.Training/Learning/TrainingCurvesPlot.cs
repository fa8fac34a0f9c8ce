using ScottPlot;

namespace FaceMask.Training.Learning;

/// <summary>The training curves (losses, accuracies, validation macro-F1 per epoch) as a PNG saved with a model (ScottPlot).</summary>
public static class TrainingCurvesPlot
{
    public const string FileName = "training_curves.png";

    public static void Save(IReadOnlyList<EpochResult> history, int bestEpoch, string path)
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

    private static void AddLine(Plot plot, double[] xs, IEnumerable<double> ys, string label)
    {
        var line = plot.Add.Scatter(xs, ys.ToArray());
        line.LegendText = label;
    }
}
