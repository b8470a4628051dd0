using Harness.Core.Reports;

namespace Harness.Reporters;

/// <summary>How a report is written: its title, and whether flaky tests count as failed.</summary>
public sealed record ReportOptions(string Title, bool FlakyFails = false);

/// <summary>
/// One report format: its name (what <c>--format</c> takes), the file it is written to, and the writer itself, a
/// pure function of the model. Every format is registered in <see cref="Reports.ReportWriters"/>.
/// </summary>
public interface IReportWriter
{
    /// <summary>The format's name, lower case (<c>cobertura</c>, <c>junit</c>).</summary>
    string Name { get; }

    /// <summary>The file name the format is written to in an output directory.</summary>
    string FileName { get; }

    /// <summary>Writes the whole report to <paramref name="output"/> and leaves the stream open.</summary>
    void Write(ReportData data, ReportOptions options, Stream output);
}
