using System.Diagnostics;
using System.Text.Json;
using FaceMask.Tests.Support;
using FaceMask.Training.Keras;
using FaceMask.Training.Torch;
using static TorchSharp.torch;

namespace FaceMask.Tests.Keras;

public class KerasH5Tests
{
    public static TheoryData<string> Fixtures => [.. KerasFixture.Names];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Reads_python_written_files_and_reproduces_their_outputs(string name)
    {
        var fixture = KerasFixture.Load(name);

        var model = KerasH5.Read(KerasFixture.ModelPath(name));

        AssertClose(fixture.Output, Forward(model, fixture), 1e-5f);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Writes_files_that_read_back_identically(string name)
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("model.h5");
        var original = KerasH5.Read(KerasFixture.ModelPath(name));

        KerasH5.Write(original, path);
        var reread = KerasH5.Read(path);

        Assert.Equal(KerasConfig.Write(original.Spec), KerasConfig.Write(reread.Spec));
        foreach (var (layer, weights) in original.Weights)
        {
            foreach (var (weight, tensor) in weights)
            {
                Assert.Equal(tensor.Shape, reread.Weight(layer, weight).Shape);
                Assert.Equal(tensor.Data, reread.Weight(layer, weight).Data);
            }
        }

        Assert.Equal(["model.h5"], Directory.EnumerateFileSystemEntries(directory.Path).Select(Path.GetFileName)); // no temporary left
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Files_it_writes_load_in_python_with_the_same_outputs(string name)
    {
        Assert.SkipUnless(File.Exists("/usr/bin/python3") && Process.Start(new ProcessStartInfo("/usr/bin/python3", "-c \"import h5py, numpy\"") { RedirectStandardError = true })!.WaitForExitAndCode() == 0,
            "python3 with h5py and numpy is not installed (Debian: python3-h5py python3-numpy).");
        using var directory = new TempDirectory();
        var fixture = KerasFixture.Load(name);
        var model = KerasH5.Read(KerasFixture.ModelPath(name));
        var path = directory.Combine("model.h5");
        KerasH5.Write(model, path);

        var start = new ProcessStartInfo("/usr/bin/python3", [Path.Combine(KerasFixture.Directory, "run_keras_file.py"), path, Path.Combine(KerasFixture.Directory, name + ".json")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = Process.Start(start)!;
        var output = python.StandardOutput.ReadToEnd();
        var errors = python.StandardError.ReadToEnd();
        python.WaitForExit();

        Assert.True(python.ExitCode == 0, errors);
        using var json = JsonDocument.Parse(output);
        var pythonOutput = json.RootElement.GetProperty("output").EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();
        AssertClose(fixture.Output, pythonOutput, 1e-5f);
    }

    [Fact]
    public void Refuses_files_that_are_not_keras_models_with_a_reason()
    {
        using var directory = new TempDirectory();
        var notHdf5 = directory.Combine("text.h5");
        File.WriteAllText(notHdf5, "not hdf5");

        var error = Assert.Throws<InvalidDataException>(() => KerasH5.Read(notHdf5));

        Assert.Contains("not an HDF5 file", error.Message);
    }

    internal static float[] Forward(KerasModel model, KerasFixture fixture)
    {
        using var scope = NewDisposeScope();
        using var torchModel = TorchKerasModel.FromKeras(model);
        torchModel.eval();
        var output = torchModel.forward(tensor(fixture.Input, fixture.InputShape));
        Assert.Equal(fixture.OutputShape, output.shape);
        return output.data<float>().ToArray();
    }

    internal static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a) / Math.Max(1f, Math.Abs(e))).Max();
        Assert.True(worst <= tolerance, $"largest difference {worst:E2} exceeds {tolerance:E0}");
    }
}

internal static class ProcessExtensions
{
    public static int WaitForExitAndCode(this Process process)
    {
        process.WaitForExit();
        return process.ExitCode;
    }
}
