using System.Globalization;
using Harness.Core.Coverage;

namespace Harness.Cli.Commands;

/// <summary>What <c>harness cover</c> and <c>harness test --coverage</c> print about coverage: the same words for both.</summary>
internal static class CoverageSummary
{
    /// <summary>
    /// <c>lines: 7/10706 (0.0%) in 33 files</c>; with no executable line at all, <c>lines: n/a (no line information)</c>,
    /// never a percentage: a binary built without <c>-g</c> has not been fully covered.
    /// </summary>
    public static string Lines(CoverageReport report) => report.HasLineData
        ? string.Create(CultureInfo.InvariantCulture,
            $"lines: {report.LinesCovered}/{report.LinesValid} ({CoveragePercent.Format(report.LinesCovered, report.LinesValid)}) in {report.Files.Count} files")
        : $"lines: {CoveragePercent.NoData} (no line information in any traced binary)";

    /// <summary>One <c>harness: warning: …</c> line per image that gave no coverage, naming it and why (after the run).</summary>
    public static void PrintWarnings(CoveragePlanner planner)
    {
        foreach (var warning in planner.Warnings)
        {
            Console.Error.WriteLine($"harness: warning: {warning}");
        }
    }
}
