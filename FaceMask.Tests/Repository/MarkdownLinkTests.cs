using System.Text.RegularExpressions;
using FaceMask.Tests.Support;

namespace FaceMask.Tests.Repository;

/// <summary>The README and docs/ link only to what a clone has: files and headings inside the repository.</summary>
public partial class MarkdownLinkTests
{
    public static TheoryData<string> MarkdownFiles => [.. Directory
        .EnumerateFiles(RepositoryPaths.Root, "*.md", SearchOption.AllDirectories)
        .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path))
        .Where(path => !path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules" or "TestResults" || part.StartsWith('.')))
        .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void Every_relative_link_names_a_file_and_heading_inside_the_repository(string file)
    {
        var path = Path.Combine(RepositoryPaths.Root, file);
        var broken = new List<string>();
        foreach (Match link in Link().Matches(StripCode(File.ReadAllText(path))))
        {
            var target = link.Groups["target"].Value;
            if (Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" or "mailto")
            {
                continue;
            }

            var (relative, anchor) = target.IndexOf('#') is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, null);
            var resolved = relative.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(relative)));
            if (!resolved.StartsWith(RepositoryPaths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                broken.Add($"{target}: outside the repository");
            }
            else if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{target}: no such file");
            }
            else if (anchor is { Length: > 0 } && resolved.EndsWith(".md", StringComparison.Ordinal) && !Anchors(resolved).Contains(anchor))
            {
                broken.Add($"{target}: no heading #{anchor}");
            }
        }

        Assert.True(broken.Count == 0, $"{file}: {string.Join("; ", broken)}");
    }

    [Fact]
    public void The_link_check_finds_the_readme_and_sees_a_broken_link()
    {
        Assert.Contains("README.md", MarkdownFiles.Select(row => row.Data));
        Assert.Single(Link().Matches(StripCode("[a](../shared/DESIGN.md) `[b](code.md)`")));
        Assert.Equal(["a-heading-with-code"], Anchors("# A heading with `code`\n"u8.ToArray()));
    }

    /// <summary>GitHub's anchors: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Anchors(string markdownFile) => Anchors(File.ReadAllBytes(markdownFile));

    private static HashSet<string> Anchors(byte[] markdown) =>
        [.. System.Text.Encoding.UTF8.GetString(markdown).Split('\n')
            .Where(line => line.StartsWith('#'))
            .Select(line => Regex.Replace(line.TrimStart('#').Trim().ToLowerInvariant(), @"[^\w\- ]", string.Empty).Replace(' ', '-'))];

    /// <summary>Fenced and inline code hold examples, not links.</summary>
    private static string StripCode(string markdown) => InlineCode().Replace(FencedCode().Replace(markdown, string.Empty), string.Empty);

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();
}
