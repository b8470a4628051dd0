namespace Harness.Core.Coverage;

/// <summary>
/// The lines a source file excludes from coverage with lcov's markers: <c>LCOV_EXCL_LINE</c> on a line,
/// and everything from a <c>LCOV_EXCL_START</c> line to the next <c>LCOV_EXCL_STOP</c> line, both included.
/// </summary>
public static class ExclusionMarkers
{
    public static HashSet<int> Read(string path)
    {
        var excluded = new HashSet<int>();
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadLines(path);
            var number = 0;
            var inBlock = false;
            foreach (var line in lines)
            {
                number++;
                if (line.Contains("LCOV_EXCL_START", StringComparison.Ordinal))
                {
                    inBlock = true;
                }
                if (inBlock || line.Contains("LCOV_EXCL_LINE", StringComparison.Ordinal))
                {
                    excluded.Add(number);
                }
                if (line.Contains("LCOV_EXCL_STOP", StringComparison.Ordinal))
                {
                    inBlock = false;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A source that cannot be read has no markers; its lines still count.
        }
        return excluded;
    }
}
