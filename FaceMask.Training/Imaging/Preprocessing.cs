namespace FaceMask.Training.Imaging;

/// <summary>Channel order of the network input.</summary>
public enum ColorOrder
{
    Rgb,
    Bgr,

    /// <summary>One channel: the image's luminance (OpenCV's BGR to grey weights).</summary>
    Gray,
}

/// <summary>
/// How an image becomes a network input: resized to <see cref="Height"/> x <see cref="Width"/>,
/// channels in <see cref="ColorOrder"/>, each value <c>pixel * Scale + Offset</c>, laid out
/// channels-last (HWC) as Keras expects. Stored with every model in <c>metadata.json</c>.
/// </summary>
public sealed record Preprocessing(int Height, int Width, ColorOrder ColorOrder = ColorOrder.Rgb, float Scale = 1f / 255f, float Offset = 0f)
{
    public int Channels => ColorOrder == ColorOrder.Gray ? 1 : 3;

    /// <summary>Number of floats in one input tensor.</summary>
    public int InputLength => Height * Width * Channels;
}
