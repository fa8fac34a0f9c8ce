using System.Runtime.InteropServices;

namespace FaceMask.Training.Common;

/// <summary>Hard links (no copy of the bytes) with a copy as fallback, e.g. across file systems.</summary>
public static partial class HardLink
{
    /// <returns>True when linked, false when copied.</returns>
    public static bool CreateOrCopy(string source, string destination)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            if (Link(source, destination) == 0)
            {
                return true;
            }
        }

        File.Copy(source, destination, overwrite: false);
        return false;
    }

    // .NET has no hard-link API; libc's link(2) is all it takes.
    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string oldPath, string newPath);
}
