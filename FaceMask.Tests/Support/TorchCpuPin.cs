using System.Runtime.CompilerServices;
using FaceMask.Training.Torch;

namespace FaceMask.Tests.Support;

/// <summary>
/// Some tests use TorchSharp before touching any type of the library (the smoke test); libtorch
/// fixes its instruction set at the first operation of the process, so the cap goes in first.
/// </summary>
internal static class TorchCpuPin
{
    [ModuleInitializer]
    internal static void Pin() => TorchCpu.Pin();
}
