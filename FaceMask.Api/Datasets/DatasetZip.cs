using System.IO.Compression;

namespace FaceMask.Api.Datasets;

/// <summary>
/// Reads a dataset zip (<c>&lt;class&gt;/&lt;image&gt;</c>, optionally under one top-level folder)
/// defensively: path traversal, absolute paths, links, too many entries and too many expanded bytes
/// (checked against the headers and again while inflating, since headers can lie) refuse the zip.
/// </summary>
public static class DatasetZip
{
    public static (IReadOnlyList<LabelledUpload> Files, IReadOnlyList<RejectedFile> Rejected) Read(Stream zip, DatasetUploadOptions limits)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentOutOfRangeException or IOException)
        {
            // Too short to hold a zip's end record, for one, fails inside ZipArchive with ArgumentOutOfRangeException.
            throw new UnsafeZipException($"The dataset is not a readable zip file: {e.Message}");
        }

        using (archive)
        {
            if (archive.Entries.Count > limits.MaxZipEntries)
            {
                throw new UnsafeZipException($"The zip has {archive.Entries.Count} entries; at most {limits.MaxZipEntries} are accepted.");
            }

            var declared = archive.Entries.Sum(e => e.Length);
            if (declared > limits.MaxZipUncompressedBytes)
            {
                throw new UnsafeZipException($"The zip expands to {declared:N0} bytes; at most {limits.MaxZipUncompressedBytes:N0} are accepted.");
            }

            foreach (var entry in archive.Entries)
            {
                CheckPath(entry);
            }

            var files = new List<LabelledUpload>();
            var rejected = new List<RejectedFile>();
            long expanded = 0;
            foreach (var entry in archive.Entries.Where(e => !e.FullName.EndsWith('/')))
            {
                var parts = entry.FullName.Split('/');
                if (parts.Length is < 2 or > 3 || parts.Any(p => p.StartsWith('.')))
                {
                    if (!parts.Any(p => p.StartsWith('.') || p == "__MACOSX"))
                    {
                        rejected.Add(new RejectedFile(entry.FullName, "Not in a class folder: expected <class>/<image> in the zip."));
                    }

                    continue;
                }

                byte[] bytes;
                try
                {
                    bytes = Inflate(entry, limits.MaxZipUncompressedBytes - expanded);
                }
                catch (InvalidDataException e)
                {
                    throw new UnsafeZipException($"The zip entry '{entry.FullName}' is corrupt: {e.Message}");
                }

                expanded += bytes.Length;
                files.Add(new LabelledUpload(entry.FullName, parts[^2], bytes));
            }

            return (files, rejected);
        }
    }

    private static void CheckPath(ZipArchiveEntry entry)
    {
        var name = entry.FullName;
        if (name.Contains('\\') || name.StartsWith('/') || (name.Length > 1 && name[1] == ':'))
        {
            throw new UnsafeZipException($"The zip entry '{name}' has an absolute or non-portable path.");
        }

        if (name.Split('/').Any(part => part == ".."))
        {
            throw new UnsafeZipException($"The zip entry '{name}' escapes its folder (path traversal).");
        }

        // Unix mode bits live in the high 16 bits of the external attributes; 0xA000 is a symbolic link.
        if (((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000)
        {
            throw new UnsafeZipException($"The zip entry '{name}' is a link; links are not accepted.");
        }
    }

    private static byte[] Inflate(ZipArchiveEntry entry, long budget)
    {
        using var source = entry.Open();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = source.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > entry.Length || buffer.Length > budget)
            {
                throw new UnsafeZipException($"The zip entry '{entry.FullName}' expands beyond what its header declares or the size limit.");
            }
        }

        return buffer.ToArray();
    }
}
