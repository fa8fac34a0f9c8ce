using static TorchSharp.torch;

namespace FaceMask.Tests.Training;

/// <summary>TorchSharp's native library loads on this OS (see the ELF fix in build/) and computes.</summary>
public class TorchSharpSmokeTests
{
    /// <summary>
    /// Forward and backward in float32, the training path (oneDNN): the loss and the weight
    /// gradients, which are what training uses. The gradient of the 3-channel input image itself
    /// is checked in float64: oneDNN 3.7.1's multi-threaded backward-data pass for so few input
    /// channels races and leaves NaN in it in some runs (28 of 40 at 2 threads, 0 of 40 at 1, on
    /// this machine; docs/development.md), a gradient training never asks for.
    /// </summary>
    [Fact]
    public void Runs_a_convolution_forward_and_backward()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var input = randn(2, 3, 8, 8);
        using var conv = nn.Conv2d(3, 4, kernel_size: 3, padding: 1);

        var output = conv.forward(input);
        var loss = output.square().mean();
        loss.backward();

        Assert.Equal(new long[] { 2, 4, 8, 8 }, output.shape);
        Assert.True(loss.item<float>() > 0);
        Assert.True(conv.weight!.grad!.abs().sum().item<float>() > 0);
        Assert.True(conv.bias!.grad!.abs().sum().item<float>() > 0);

        var image = input.to_type(ScalarType.Float64).requires_grad_();
        var weight = conv.weight!.detach().to_type(ScalarType.Float64);
        nn.functional.conv2d(image, weight, padding: [1, 1]).square().mean().backward();
        Assert.Equal(image.shape, image.grad!.shape);
        Assert.True(image.grad.abs().sum().item<double>() > 0);
    }
}
