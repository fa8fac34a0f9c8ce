using static TorchSharp.torch;

namespace FaceMask.Tests.Training;

/// <summary>TorchSharp's native library loads on this OS (see the ELF fix in build/) and computes.</summary>
public class TorchSharpSmokeTests
{
    [Fact]
    public void Runs_a_convolution_forward_and_backward()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var input = randn(2, 3, 8, 8, requires_grad: true);
        using var conv = nn.Conv2d(3, 4, kernel_size: 3, padding: 1);

        var output = conv.forward(input);
        var loss = output.square().mean();
        loss.backward();

        Assert.Equal(new long[] { 2, 4, 8, 8 }, output.shape);
        Assert.True(loss.item<float>() > 0);
        Assert.NotNull(input.grad);
        Assert.Equal(input.shape, input.grad!.shape);
        Assert.True(input.grad.abs().sum().item<float>() > 0);
        Assert.True(conv.weight!.grad!.abs().sum().item<float>() > 0);
    }
}
