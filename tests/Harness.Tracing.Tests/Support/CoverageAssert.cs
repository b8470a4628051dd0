using Harness.Core.Coverage;
using Harness.Testing;

namespace Harness.Tracing.Tests.Support;

/// <summary>Per-line coverage assertions whose messages quote the source, so a failure reads without the fixture open.</summary>
internal static class CoverageAssert
{
    /// <summary>Every executable line of <paramref name="range"/> was hit (there must be some), except <paramref name="except"/>.</summary>
    public static void AllCovered(FileCoverage file, SourceFile source, LineRange range, params int[] except)
    {
        var lines = file.Lines.Where(l => range.Contains(l.Line) && !except.Contains(l.Line)).ToList();
        Assert.True(lines.Count > 0, $"{source.Path} {range}: no executable lines in the report at all");
        var missed = lines.Where(l => !l.IsCovered).Select(l => Quote(source, l.Line)).ToList();
        Assert.True(missed.Count == 0, $"{source.Path} {range}: {missed.Count} of {lines.Count} executable lines not covered:\n{string.Join('\n', missed)}");
    }

    /// <summary>The line is executable (present in the report) and was hit.</summary>
    public static void Covered(FileCoverage file, SourceFile source, int line)
    {
        var found = file.Lines.Where(l => l.Line == line).ToList();
        Assert.True(found.Count == 1, $"not an executable line of the report: {Quote(source, line)}");
        Assert.True(found[0].IsCovered, $"not covered: {Quote(source, line)}");
    }

    /// <summary>The line is executable (present in the report, so the check is not vacuous) and was never hit.</summary>
    public static void NotCovered(FileCoverage file, SourceFile source, int line)
    {
        var found = file.Lines.Where(l => l.Line == line).ToList();
        Assert.True(found.Count == 1, $"not an executable line of the report: {Quote(source, line)}");
        Assert.False(found[0].IsCovered, $"reported covered but never runs: {Quote(source, line)}");
    }

    public static FunctionCoverage Function(FileCoverage file, string name)
    {
        var found = file.Functions.Where(f => f.Name == name || f.Name.EndsWith("::" + name, StringComparison.Ordinal)).ToList();
        Assert.True(found.Count == 1, $"{file.Path}: expected one function {name}, found {found.Count} among {string.Join(", ", file.Functions.Select(f => f.Name))}");
        return found[0];
    }

    private static string Quote(SourceFile source, int line) =>
        line >= 1 && line <= source.LineCount ? $"  {line}: {source[line].Trim()}" : $"  {line}: (beyond the end of the file)";
}
