using Harness.Core.Reports;
using Harness.Reporters.Reports;

namespace Harness.Reporters.Coverage;

/// <summary>The coverage formats of the writer registry (<see cref="ReportWriters"/>), by the name a user gives on the command line or in settings.</summary>
public static class CoverageWriters
{
    /// <summary>Every coverage writer.</summary>
    public static IReadOnlyList<ICoverageWriter> All { get; } = [.. ReportWriters.All.OfType<ICoverageWriter>()];

    /// <summary>Every supported format name, lower case.</summary>
    public static IReadOnlyList<string> Formats { get; } = [.. All.Select(w => w.Name)];

    /// <summary>The file names <see cref="WriteAll"/> writes.</summary>
    public static IReadOnlyList<string> FileNames { get; } = [.. Formats.Select(f => Create(f).DefaultFileName)];

    /// <summary>The writer for <paramref name="format"/> (case-insensitive), or false when no writer has that name.</summary>
    public static bool TryCreate(string format, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ICoverageWriter? writer)
    {
        writer = ReportWriters.TryGet(format, out var found) ? found as ICoverageWriter : null;
        return writer is not null;
    }

    /// <summary>The writer for <paramref name="format"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No writer has that name; the message lists the ones that exist.</exception>
    public static ICoverageWriter Create(string format) =>
        TryCreate(format, out var writer)
            ? writer
            : throw new ArgumentException($"unknown coverage format '{format}'; known formats: {string.Join(", ", Formats)}", nameof(format));

    /// <summary>Writes the report in every format, each to its default file name in <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">A file could not be written (the message names it).</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be written.</exception>
    public static void WriteAll(Harness.Core.Coverage.CoverageReport report, string directory) =>
        ReportWriters.WriteAll(All, ReportData.FromCoverage(report), new ReportOptions(""), directory);
}
