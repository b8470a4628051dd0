namespace Harness.Cli.Commands;

/// <summary>The directory a command writes its files into.</summary>
internal static class OutputDirectory
{
    /// <summary>
    /// Creates <paramref name="path"/> before the run (a report that cannot be written should not cost a whole run to
    /// find out); on failure prints one <c>harness: …</c> line and returns false (the caller exits 2).
    /// </summary>
    public static bool TryCreate(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"harness: {path}: cannot create the output directory: {e.Message}");
            return false;
        }
    }
}
