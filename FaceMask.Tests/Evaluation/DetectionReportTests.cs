using FaceMask.Training.Detection;
using OpenCvSharp;

namespace FaceMask.Tests.Evaluation;

public class DetectionReportTests
{
    [Fact]
    public void Recall_precision_average_precision_and_class_accuracy_follow_their_definitions()
    {
        // Two annotated faces; three detections: one on each face (the second with the wrong class) and one on nothing.
        var truth = new[] { new AnnotatedFace("with_mask", new Rect2f(0, 0, 20, 20)), new AnnotatedFace("without_mask", new Rect2f(100, 100, 40, 40)) };
        var found = new[]
        {
            Face(new FaceBox(1, 1, 20, 20), 0.9f, "with_mask"),
            Face(new FaceBox(300, 300, 30, 30), 0.8f, "without_mask"),
            Face(new FaceBox(102, 100, 40, 42), 0.7f, "with_mask"),
        };

        var report = DetectionReport.Compute([new PhotoResult(truth, found), new PhotoResult([], [])]);

        Assert.Equal((2, 2, 3), (report.Photos, report.Faces, report.Detections));
        Assert.Equal(1.0, report.Recall);
        Assert.Equal(2.0 / 3, report.Precision, 12);

        // Ranked: hit (precision 1, recall 0.5), miss (0.5, 0.5), hit (0.667, 1); the envelope gives 0.5 x 1 + 0.5 x 0.667.
        Assert.Equal((0.5 * 1) + (0.5 * 2.0 / 3), report.AveragePrecision50, 12);
        Assert.Equal(2, report.Classified);
        Assert.Equal(0.5, report.ClassAccuracy);
        Assert.Equal([(0, 0), (1, 1), (1, 1)], report.RecallBySize.Select(s => (s.Faces, s.Found)));
        Assert.Equal(1.0, report.RecallByClass["without_mask"]);
    }

    [Fact]
    public void A_missed_face_lowers_recall_in_its_size_and_class()
    {
        var truth = new[] { new AnnotatedFace("mask_weared_incorrect", new Rect2f(10, 10, 12, 12)), new AnnotatedFace("with_mask", new Rect2f(50, 50, 60, 60)) };
        var report = DetectionReport.Compute([new PhotoResult(truth, [Face(new FaceBox(52, 50, 58, 60), 0.95f, "with_mask")])]);

        Assert.Equal(0.5, report.Recall);
        Assert.Equal(1.0, report.Precision);
        Assert.Equal((1, 0), (report.RecallBySize[0].Faces, report.RecallBySize[0].Found)); // the 12 px face
        Assert.Equal(0.0, report.RecallByClass["mask_weared_incorrect"]);
        Assert.Equal(0.5, report.AveragePrecision50, 12);
        Assert.Equal(58.0 / 60, report.MedianBoxRatio, 6); // the one matched face's widths
    }

    private static ClassifiedFace Face(FaceBox box, float score, string prediction) =>
        new(box, score, prediction, 0.9f, new Dictionary<string, float> { [prediction] = 0.9f }, new Dictionary<string, FacePoint>(), Uncertain: false);
}
