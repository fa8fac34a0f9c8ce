using FaceMask.Tests.Support;
using FaceMask.Training.Detection;
using FaceMask.Training.Imaging;
using FaceMask.Training.Onnx;
using FaceMask.Training.Synthetic;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using OpenCvSharp;

namespace FaceMask.Tests.Detection;

/// <summary>The vendored BlazeFace model with this project's anchor decoding, on drawn faces and (when present) the public dataset.</summary>
public sealed class BlazeFaceDetectorTests(DetectorFixture fixture) : IClassFixture<DetectorFixture>
{
    private readonly BlazeFaceDetector detector = fixture.Detector;

    [Fact]
    public void Keypoints_land_on_the_features_of_drawn_faces()
    {
        var errors = new List<double>();
        var found = 0;
        const int Faces = 40;
        for (var seed = 0; seed < Faces; seed++)
        {
            var (image, truth) = SyntheticFaces.DrawWithLandmarks(MaskState.None, seed, 128);
            using (image)
            {
                if (detector.Detect(image) is not [var face, ..])
                {
                    continue;
                }

                found++;
                errors.Add(Distance(face[FaceKeypoint.RightEye], truth.ImageLeftEye)); // the person's right eye is on the image's left
                errors.Add(Distance(face[FaceKeypoint.LeftEye], truth.ImageRightEye));
                errors.Add(Distance(face[FaceKeypoint.NoseTip], truth.NoseTip));
                errors.Add(Distance(face[FaceKeypoint.Mouth], truth.Mouth));
            }
        }

        errors.Sort();
        var median = errors[errors.Count / 2];
        TestContext.Current.SendDiagnosticMessage($"found {found} of {Faces} drawn faces; median keypoint error {median:0.0} px");
        Assert.True(found >= Faces * 3 / 4, $"found {found} of {Faces} drawn faces");
        Assert.True(median < 5, $"median keypoint error {median:0.0} px (faces about 50 px wide)");
    }

    [Fact]
    public void The_size_free_graph_computes_what_the_vendored_file_computes_at_its_own_size()
    {
        // The original file straight into ONNX Runtime, against the graph freed at load.
        var path = Path.Combine(RepositoryPaths.Root, "models", "blazeface", BlazeFaceDetector.FrontModelFile);
        using var original = new InferenceSession(path, new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR });
        using var freed = new InferenceSession(SizeFreeGraph.Free(ModelProto.Parser.ParseFrom(File.ReadAllBytes(path))).ToByteArray());
        var input = new float[128 * 128 * 3];
        var random = new Random(3);
        for (var i = 0; i < input.Length; i++)
        {
            input[i] = (float)((random.NextDouble() * 2) - 1);
        }

        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 128, 128, 3]);
        var names = original.OutputMetadata.Keys.ToArray();
        using var expected = original.Run(new RunOptions(), [original.InputMetadata.Keys.Single()], [tensor], names);
        using var actual = freed.Run(new RunOptions(), [freed.InputMetadata.Keys.Single()], [tensor], names);
        for (var i = 0; i < names.Length; i++)
        {
            Assert.Equal(expected[i].GetTensorTypeAndShape().Shape, actual[i].GetTensorTypeAndShape().Shape);
            var (want, got) = (expected[i].GetTensorDataAsSpan<float>().ToArray(), actual[i].GetTensorDataAsSpan<float>().ToArray());
            var worst = want.Zip(got, (w, g) => Math.Abs(w - g) / Math.Max(1, Math.Abs(w))).Max();
            Assert.True(worst < 1e-4, $"output {names[i]} differs by {worst:g3} (relative)"); // kernel order only
        }

        Assert.Contains(freed.InputMetadata.Single().Value.Dimensions, d => d == -1); // and it takes any size
    }

    [Fact]
    public void One_sweep_over_a_larger_photo_finds_the_face_where_the_128_px_view_sees_it()
    {
        using var face = SyntheticFaces.Draw(MaskState.Correct, 5, 128);
        using var photo = PastedInto(face, 336, 240, new Point(150, 70));

        var alone = detector.Detect(face)[0];
        var swept = BlazeFaceDetector.Suppress(detector.DetectScaled(photo, 1f), 0.3f);

        var match = Assert.Single(swept); // one face, no clutter, in a photo whose sides are not multiples of 128
        Assert.InRange(match.Box.X - alone.Box.X, 150 - 3, 150 + 3);
        Assert.InRange(match.Box.Y - alone.Box.Y, 70 - 3, 70 + 3);
        Assert.InRange(match.Box.Width / alone.Box.Width, 0.9, 1.1);
        Assert.InRange(match[FaceKeypoint.Mouth].Y - alone[FaceKeypoint.Mouth].Y, 70 - 3, 70 + 3);
    }

    [Fact]
    public void A_face_placed_in_a_larger_photo_is_found_at_its_place()
    {
        using var face = SyntheticFaces.Draw(MaskState.None, 2, 128);
        using var photo = PastedInto(face, 230, 180, new Point(90, 40));

        var alone = detector.Detect(face)[0];
        var placed = detector.Detect(photo)[0];

        // The photo is padded to a square (centred) and shrunk 1.8x: allow a few pixels of difference.
        Assert.InRange(placed.Box.X - alone.Box.X, 90 - 5, 90 + 5);
        Assert.InRange(placed.Box.Y - alone.Box.Y, 40 - 5, 40 + 5);
        Assert.InRange(placed.Box.Width / alone.Box.Width, 0.85, 1.15);
        Assert.InRange(placed[FaceKeypoint.NoseTip].X - alone[FaceKeypoint.NoseTip].X, 90 - 5, 90 + 5);
        Assert.InRange(placed[FaceKeypoint.NoseTip].Y - alone[FaceKeypoint.NoseTip].Y, 40 - 5, 40 + 5);
    }

    [Fact]
    public void Nothing_is_found_where_there_is_no_face()
    {
        using var plain = new Mat(200, 300, MatType.CV_8UC3, new OpenCvSharp.Scalar(40, 160, 220));
        using var noise = new Mat(256, 256, MatType.CV_8UC3);
        Cv2.Randu(noise, OpenCvSharp.Scalar.All(0), OpenCvSharp.Scalar.All(255));

        Assert.Empty(detector.Detect(plain));
        Assert.Empty(detector.Detect(noise));
    }

    [Fact]
    public void Finds_real_faces_with_their_features_in_order()
    {
        Assert.SkipWhen(RepositoryPaths.SharedFaceMaskDataset is null, "../shared/datasets/facemask is not on this machine.");
        var files = Directory.GetFiles(Path.Combine(RepositoryPaths.SharedFaceMaskDataset!, "without_mask")).Order(StringComparer.Ordinal).Take(50).ToList();
        var found = 0;
        foreach (var file in files)
        {
            using var image = ImageDecoder.DecodeFile(file);
            if (detector.Detect(image) is not [var face, ..])
            {
                continue;
            }

            found++;
            Assert.True(face[FaceKeypoint.RightEye].X < face[FaceKeypoint.LeftEye].X, $"{file}: eyes swapped");
            var eyes = Math.Max(face[FaceKeypoint.RightEye].Y, face[FaceKeypoint.LeftEye].Y);
            Assert.True(eyes < face[FaceKeypoint.NoseTip].Y && face[FaceKeypoint.NoseTip].Y < face[FaceKeypoint.Mouth].Y, $"{file}: eyes, nose and mouth out of order");
            Assert.True(face.Box.Contains(face[FaceKeypoint.NoseTip]), $"{file}: the nose is outside the box");
        }

        Assert.True(found >= files.Count * 9 / 10, $"found faces in {found} of {files.Count} portraits");
    }

    private static double Distance(Point2f a, Point2f b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    /// <summary>A plain green photo of the given size with <paramref name="face"/> pasted at <paramref name="at"/>.</summary>
    private static Mat PastedInto(Mat face, int width, int height, Point at)
    {
        var photo = new Mat(height, width, MatType.CV_8UC3, new OpenCvSharp.Scalar(90, 120, 90));
        using var target = new Mat(photo, new Rect(at, face.Size()));
        face.CopyTo(target);
        return photo;
    }
}
