using Harness.Core.Coverage;
using Harness.Core.Reports;
using Harness.Reporters.Reports;

namespace Harness.Reporters.Tests.Support;

/// <summary>Helpers for report tests: reading inputs as <c>harness report</c> does, and a canonical text of a report.</summary>
internal static class Reports
{
    public static string TestData(params string[] parts) => Path.Combine([AppContext.BaseDirectory, "TestData", .. parts]);

    public static ReportData Read(string path) => ReportInputs.Read(new InputFile(path));

    public static CoverageReport ReadCoverage(string path) => Read(path).Coverage;

    /// <summary>The harness JSON of a report: equal text means equal reports, field by field and in order.</summary>
    public static string Canonical(ReportData data)
    {
        using var stream = new MemoryStream();
        HarnessJsonWriter.Write(data, "canonical", stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string Canonical(CoverageReport coverage) => Canonical(ReportData.FromCoverage(coverage));

    public static string WriteText(string directory, string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
