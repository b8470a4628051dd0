using Harness.Core.Coverage;
using Harness.Core.Reports;

namespace Harness.Reporters.Coverage;

/// <summary>Writes a <see cref="CoverageReport"/> in one file format. Writers are pure: model in, bytes out.</summary>
public interface ICoverageWriter : IReportWriter
{
    /// <summary>The file name this format is usually found under (<c>lcov.info</c>, <c>coverage.cobertura.xml</c>).</summary>
    string DefaultFileName { get; }

    string IReportWriter.FileName => DefaultFileName;

    /// <summary>Writes the whole report to <paramref name="output"/> and leaves the stream open.</summary>
    void Write(CoverageReport report, Stream output);

    void IReportWriter.Write(ReportData data, ReportOptions options, Stream output) => Write(data.Coverage, output);
}
