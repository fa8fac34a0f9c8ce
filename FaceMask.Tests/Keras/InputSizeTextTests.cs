using FaceMask.Training.Importing;

namespace FaceMask.Tests.Keras;

/// <summary>The input size as the CLI's --input-size and the upload form's field take it.</summary>
public sealed class InputSizeTextTests
{
    [Theory]
    [InlineData("224", 224, 224)]
    [InlineData("128x96", 128, 96)]
    [InlineData("64X64", 64, 64)]
    [InlineData(" 32 ", 32, 32)]
    public void Reads_S_or_HxW(string text, int height, int width)
    {
        Assert.True(InputSizeText.TryParse(text, out var size));
        Assert.Equal((height, width), size);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1x2x3")]
    [InlineData("128x")]
    [InlineData("12.5")]
    public void Refuses_anything_else(string text) => Assert.False(InputSizeText.TryParse(text, out _));
}
