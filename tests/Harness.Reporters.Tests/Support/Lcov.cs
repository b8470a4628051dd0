using System.Text.RegularExpressions;
using Harness.Testing;

namespace Harness.Reporters.Tests.Support;

/// <summary>What <c>lcov --summary</c> counted in a tracefile.</summary>
internal sealed record LcovSummary(int LinesHit, int LinesFound, int FunctionsHit, int FunctionsFound);

/// <summary>The Debian <c>lcov</c> package (lcov and genhtml, installed by tests/setup.sh) as an oracle.</summary>
internal static partial class Lcov
{
    public static LcovSummary Summary(string tracefile)
    {
        var result = ProcessRunner.Run("lcov", ["--summary", tracefile]).EnsureSuccess($"lcov --summary {tracefile}");
        // lcov 1.x prints the summary on stderr, 2.x on stdout.
        var text = result.StandardOutput + result.StandardError;
        var lines = LinesPattern().Match(text);
        var functions = FunctionsPattern().Match(text);
        Assert.True(lines.Success && functions.Success, $"unexpected lcov output:\n{text}");
        return new LcovSummary(
            int.Parse(lines.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(lines.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(functions.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(functions.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public static ProcessResult Genhtml(string tracefile, string outputDirectory) =>
        ProcessRunner.Run("genhtml", ["--output-directory", outputDirectory, tracefile]);

    [GeneratedRegex(@"lines\.+:\s*[\d.]+%\s*\((\d+) of (\d+) lines?\)")]
    private static partial Regex LinesPattern();

    [GeneratedRegex(@"functions\.+:\s*[\d.]+%\s*\((\d+) of (\d+) functions?\)")]
    private static partial Regex FunctionsPattern();
}
