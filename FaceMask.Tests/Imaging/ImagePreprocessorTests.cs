using FaceMask.Tests.Support;
using FaceMask.Training.Imaging;
using FaceMask.Training.Synthetic;
using OpenCvSharp;

namespace FaceMask.Tests.Imaging;

public class ImagePreprocessorTests
{
    [Theory]
    [InlineData(ColorOrder.Rgb, 0)]
    [InlineData(ColorOrder.Bgr, 2)]
    public void Writes_channels_last_in_the_requested_order_and_scale(ColorOrder order, int redChannel)
    {
        using var red = TestImages.Solid(8, 6, new OpenCvSharp.Scalar(0, 0, 255)); // BGR
        var spec = new Preprocessing(Height: 6, Width: 8, order, Scale: 1f / 127.5f, Offset: -1f);
        var input = new float[spec.InputLength];

        ImagePreprocessor.WriteInput(red, spec, input);

        for (var pixel = 0; pixel < 6 * 8; pixel++)
        {
            for (var channel = 0; channel < 3; channel++)
            {
                Assert.Equal(channel == redChannel ? 1f : -1f, input[(pixel * 3) + channel], 5);
            }
        }
    }

    [Fact]
    public void Preprocess_decodes_resizes_and_scales_in_one_call()
    {
        var bytes = TestImages.Face(MaskState.Correct, seed: 4, ImageFormat.Png, size: 128);
        var spec = new Preprocessing(Height: 64, Width: 48);
        var input = new float[spec.InputLength];

        ImagePreprocessor.Preprocess(bytes, spec, input);

        using var decoded = ImageDecoder.Decode(bytes);
        using var resized = ImagePreprocessor.Resize(decoded, spec);
        var expected = resized.At<Vec3b>(10, 20);
        var at = ((10 * 48) + 20) * 3;
        Assert.Equal(expected.Item2 / 255f, input[at], 5); // R first
        Assert.Equal(expected.Item0 / 255f, input[at + 2], 5);
        Assert.InRange(input.Max(), 0f, 1f);
    }

    [Fact]
    public void Rejects_a_destination_that_is_too_small()
    {
        using var image = TestImages.Solid(4, 4, OpenCvSharp.Scalar.White);
        var spec = new Preprocessing(4, 4);

        Assert.Throws<ArgumentException>(() => ImagePreprocessor.WriteInput(image, spec, new float[spec.InputLength - 1]));
    }
}
