namespace FaceMask.Training.Common;

/// <summary>Derives seeds that are the same on every run and machine (HashCode.Combine is randomised per process).</summary>
public static class Seeds
{
    public static int Mix(int a, int b, int c)
    {
        var mixed = unchecked(((ulong)(uint)a * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)b << 32) ^ (ulong)(uint)c);
        mixed = unchecked((mixed ^ (mixed >> 31)) * 0xBF58476D1CE4E5B9UL);
        mixed = unchecked((mixed ^ (mixed >> 27)) * 0x94D049BB133111EBUL);
        return (int)((mixed ^ (mixed >> 29)) & int.MaxValue);
    }
}
