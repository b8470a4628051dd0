namespace Harness.Cli.Commands;

/// <summary>How the summaries of <c>harness test</c> and <c>harness cover</c> name a directory: the same form in both.</summary>
internal static class DisplayPath
{
    /// <summary>Relative to the current directory when under it (<c>harness-out</c>, <c>build/out</c>), else absolute.</summary>
    public static string For(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        return relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }
}
