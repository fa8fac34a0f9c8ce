using FaceMask.Tests.Support;
using FaceMask.Training.Common;
using FaceMask.Training.Learning;
using FaceMask.Training.Models;
using FaceMask.Training.Painting;
using FaceMask.Training.Synthetic;
using OpenCvSharp;

namespace FaceMask.Tests.Evaluation;

/// <summary>The robustness report's shifts and rows, on drawn faces and the committed synthetic model.</summary>
public class RobustnessReportTests
{
    [Fact]
    public void Every_shift_but_the_first_changes_the_images_it_is_given()
    {
        foreach (var state in Enum.GetValues<MaskState>())
        {
            using var image = SyntheticFaces.Draw(state, seed: 7, size: 128);
            var input = new ShiftInput(image, SyntheticFaces.ClassName(state), FaceGeometry.Aligned(128, 128), Seed: 1);
            foreach (var shift in Shifts.All)
            {
                var outputs = shift.Apply(input).ToList();
                if (shift.Paints && state != MaskState.None)
                {
                    Assert.Empty(outputs); // painted rows are made from no-mask faces only
                    continue;
                }

                var changes = outputs.Select(o => Difference(image, o.Image)).ToList();
                foreach (var output in outputs)
                {
                    output.Image.Dispose();
                }

                if (shift.Name == "as_is")
                {
                    Assert.Equal(0, changes.Single());
                }
                else if (shift.Paints)
                {
                    // The face itself, and a painted copy that must differ from it.
                    Assert.Equal(2, outputs.Count);
                    Assert.Equal([MaskClasses.WithoutMask, MaskClasses.Incorrect], outputs.Select(o => o.Class)); // image 1 gets the second position, below the nose
                    Assert.True(changes[1] > 2, $"{shift.Name}: the painted copy is nearly the face itself (mean difference {changes[1]:0.00})");
                }
                else
                {
                    Assert.True(changes.Single() > 2, $"{shift.Name} left {SyntheticFaces.ClassName(state)} nearly unchanged (mean difference {changes.Single():0.00})");
                }
            }
        }
    }

    [Fact]
    public void The_first_row_is_the_plain_evaluation_and_the_other_rows_are_measured_on_shifted_images()
    {
        using var directory = new TempDirectory();
        SyntheticFaces.WriteDataset(directory.Path, perClass: 30, seed: 21, size: 128);
        var model = ModelFolder.Load(Path.Combine(RepositoryPaths.Root, "FaceMask.Tests", "Fixtures", "Models", "synthetic-good"));
        var preprocessing = model.Metadata.ToPreprocessing();
        var images = LabelledImages.Load(directory.Path, model.Metadata.Classes, TrainingPipeline.EvaluationSide(preprocessing));

        var plain = ModelEvaluator.Evaluate(model.Model, preprocessing, images);
        var report = ModelEvaluator.EvaluateWithRobustness(model.Model, preprocessing, images, detector: null).Robustness!;

        Assert.Equal(Shifts.All.Select(s => s.Name), report.Rows.Select(r => r.Shift));
        Assert.Equal(plain.MacroF1, report.Rows[0].MacroF1, 12);
        Assert.Equal(90, report.Rows[0].Count);
        Assert.Equal(60, report.Rows.Single(r => r.Shift == "painted").Count); // 30 no-mask faces and 30 painted copies
        Assert.Equal(report.Rows.Min(r => r.MacroF1), report.WorstMacroF1);
        Assert.Contains(report.Rows, r => Math.Abs(r.MacroF1 - plain.MacroF1) > 1e-6); // shifts are not the test set again
    }

    /// <summary>Mean absolute pixel difference after bringing the shifted image to the original's size.</summary>
    private static double Difference(Mat original, Mat shifted)
    {
        using var resized = new Mat();
        Cv2.Resize(shifted, resized, original.Size(), 0, 0, InterpolationFlags.Area);
        using var difference = new Mat();
        Cv2.Absdiff(original, resized, difference);
        var mean = Cv2.Mean(difference);
        return (mean.Val0 + mean.Val1 + mean.Val2) / 3;
    }
}
