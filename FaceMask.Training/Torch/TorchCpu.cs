using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace FaceMask.Training.Torch;

/// <summary>
/// Pins the instruction set libtorch computes with to AVX2, so that training and fine-tuning give
/// the same answers on every x86-64 CPU.
/// </summary>
/// <remarks>
/// Why: oneDNN 3.7.1, inside libtorch 2.10, runs a grouped convolution with more than one output
/// channel per group (DepthwiseConv2D or SeparableConv2D with a depth multiplier above 1) on
/// channels-last input (what the model's NHWC input is after its permute) with its AVX-512 kernel
/// <c>jit:avx512_core</c>, and that kernel computes wrong sums: errors up to 7 on unit-variance
/// inputs, 0.06 on a softmax. Its AVX2 kernels are right. The cap costs about a tenth of the
/// training speed on AVX-512 machines.
/// How: oneDNN and ATen read their setting from the environment once, at their first operation,
/// so it is set natively (.NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// does not reach <c>getenv</c> on Linux) when this library loads, before any tensor exists. The
/// <c>ONEDNN_</c> name takes precedence over a user's <c>DNNL_MAX_CPU_ISA</c>.
/// </remarks>
public static partial class TorchCpu
{
    /// <summary>oneDNN's cap; it takes the lower of this and what the CPU has.</summary>
    public const string OneDnnVariable = "ONEDNN_MAX_CPU_ISA";

    public const string OneDnnValue = "AVX2";

    /// <summary>ATen's own vectorised kernels; ATen does not check the CPU, so it is set only where AVX2 exists.</summary>
    public const string AtenVariable = "ATEN_CPU_CAPABILITY";

    public const string AtenValue = "avx2";

    /// <summary>Sets the caps; idempotent. Runs by itself when the library loads.</summary>
    public static void Pin()
    {
        Set(OneDnnVariable, OneDnnValue);
        if (Avx2.IsSupported && Fma.IsSupported)
        {
            Set(AtenVariable, AtenValue);
        }
    }

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The cap must be in place before any caller's first tensor operation, whichever type of this library that caller touches first.")]
    internal static void PinOnLoad() => Pin();

    private static void Set(string name, string value)
    {
        if (SetEnv(name, value, overwrite: 1) != 0)
        {
            throw new InvalidOperationException($"Could not set {name} for libtorch (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
