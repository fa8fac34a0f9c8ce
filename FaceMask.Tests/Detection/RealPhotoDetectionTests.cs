using FaceMask.Tests.Support;
using FaceMask.Training.Detection;
using FaceMask.Training.Imaging;
using FaceMask.Training.Models;

namespace FaceMask.Tests.Detection;

/// <summary>The default detector on real annotated street photos (../shared/datasets/facemask-photos), skipped where they are absent.</summary>
public sealed class RealPhotoDetectionTests
{
    /// <summary>
    /// The figures docs/detection.md quotes for YuNet-n at 640 px, score 0.6 (precision 0.91,
    /// recall 0.94-0.96 at 32 px and over, 0.90-0.91 at 16-32 px), with room for the photos' own spread;
    /// BlazeFace, the former detector, reached precision 0.70 on the same photos.
    /// </summary>
    [Fact]
    public void Finds_real_faces_and_few_things_that_are_not()
    {
        var photos = RepositoryPaths.SharedFaceMaskPhotos;
        Assert.SkipWhen(photos is null, "../shared/datasets/facemask-photos is not on this machine.");
        var annotations = VocAnnotation.LoadAll(photos!);
        using var finder = FaceFinders.Open(Path.Combine(RepositoryPaths.Root, "models"));
        using var classifier = OnnxModel.Load(ModelFolder.Load(Path.Combine(RepositoryPaths.Root, "models", "facemask-v2")));

        var results = annotations.Select(annotation =>
        {
            using var photo = ImageDecoder.DecodeFile(annotation.ImagePath);
            return new PhotoResult(annotation.Faces, FaceClassifier.Classify(classifier, photo, finder.Find(photo), finder.CropWidening));
        }).ToList();
        var report = DetectionReport.Compute(results);

        TestContext.Current.SendDiagnosticMessage($"{finder.Description} on {report.Photos} photos: precision {report.Precision:0.000}, recall {string.Join(" / ", report.RecallBySize.Select(r => $"{r.Size} {r.Recall:0.000}"))}");
        Assert.True(report.Precision >= 0.88, $"precision {report.Precision:0.000}");
        Assert.True(report.RecallBySize.Single(r => r.Size == ">=32").Recall >= 0.92, "recall of faces 32 px and over");
        Assert.True(report.RecallBySize.Single(r => r.Size == "16-32").Recall >= 0.87, "recall of faces 16-32 px");
        Assert.True(report.ClassAccuracy >= 0.9, $"3-class accuracy of found faces {report.ClassAccuracy:0.000}");
    }
}
