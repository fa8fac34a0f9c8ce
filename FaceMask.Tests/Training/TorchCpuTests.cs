using System.Diagnostics;
using FaceMask.Tests.Cli;
using FaceMask.Tests.Support;
using FaceMask.Training.Cli;
using FaceMask.Training.Torch;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace FaceMask.Tests.Training;

/// <summary>The TorchSharp engine computes with one instruction set on every host (see <see cref="TorchCpu"/>).</summary>
[Collection(CliCollection.Name)]
public class TorchCpuTests
{
    /// <summary>
    /// The case oneDNN's AVX-512 kernel gets wrong: a depthwise convolution with a depth multiplier
    /// of 2 on channels-last input, against the same sums in float64 (which oneDNN never computes).
    /// </summary>
    [Fact]
    public void Depthwise_convolution_with_a_multiplier_on_channels_last_input_is_exact()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var input = randn(2, 7, 8, 4).permute(0, 3, 1, 2); // NHWC storage seen as NCHW, as TorchKerasModel's input
        var kernel = randn(8, 1, 3, 3);

        var output = F.conv2d(input, kernel, null, groups: 4);
        var reference = F.conv2d(input.to_type(ScalarType.Float64), kernel.to_type(ScalarType.Float64), null, groups: 4);

        var worst = (output.to_type(ScalarType.Float64) - reference).abs().max().item<double>();
        Assert.True(worst < 1e-5, $"largest difference {worst:E2}");
    }

    /// <summary>
    /// oneDNN reports the instruction set it dispatches to (ONEDNN_VERBOSE): a training run of the
    /// CLI, started by a user who asked for AVX-512 in the environment, still runs at AVX2 (or
    /// lower, on a CPU without it).
    /// </summary>
    [Fact]
    public async Task The_cli_trains_with_onednn_capped_below_avx512_whatever_the_environment_asks()
    {
        using var directory = new TempDirectory();
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["generate", "--out", directory.Combine("data"), "--per-class", "8", "--seed", "2"]));
        Assert.Equal(CliConsole.Ok, await FaceMaskCli.RunAsync(["split", "--data", directory.Combine("data"), "--out", directory.Combine("split"), "--seed", "1", "--val", "0.25", "--test", "0.25"]));

        var start = new ProcessStartInfo("dotnet",
        [
            Path.Combine(AppContext.BaseDirectory, "FaceMask.Training.dll"), "train", "--split", directory.Combine("split"), "--out", directory.Combine("model"),
            "--epochs", "1", "--input-size", "32", "--batch-size", "8", "--paint-ratio", "0", "--architecture", "facemask-separable",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ONEDNN_VERBOSE"] = "1";
        start.Environment["DNNL_MAX_CPU_ISA"] = "AVX512_CORE_AMX";
        start.Environment["ATEN_CPU_CAPABILITY"] = "avx512";
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(process.ExitCode == 0, await errors);
        var lines = output.Split('\n');
        var isa = Assert.Single(lines, l => l.StartsWith("onednn_verbose", StringComparison.Ordinal) && l.Contains(",isa:", StringComparison.Ordinal));
        Assert.DoesNotContain("AVX-512", isa, StringComparison.Ordinal);
        var convolutions = lines.Where(l => l.Contains(",exec,cpu,convolution,", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(convolutions);
        Assert.DoesNotContain(convolutions, l => l.Contains("avx512", StringComparison.Ordinal));
    }
}
