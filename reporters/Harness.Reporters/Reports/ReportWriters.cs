using Harness.Core.Reports;
using Harness.Reporters.Coverage;
using Harness.Reporters.Results;

namespace Harness.Reporters.Reports;

/// <summary>
/// The single-file report formats of <c>harness report</c>, by name: each writes one file of a fixed name into
/// the output directory. (HTML, a directory of pages, is <c>Harness.Reporters.Html</c>.)
/// </summary>
public static class ReportWriters
{
    /// <summary>Every single-file format name, lower case.</summary>
    public static IReadOnlyList<string> Formats { get; } = ["cobertura", "lcov", "json", "markdown", "junit"];

    /// <summary>The file name <paramref name="format"/> is written to.</summary>
    public static string FileName(string format) => format switch
    {
        "cobertura" => new CoberturaWriter().DefaultFileName,
        "lcov" => new LcovWriter().DefaultFileName,
        "json" => HarnessJsonWriter.FileName,
        "markdown" => MarkdownWriter.FileName,
        "junit" => "junit.xml",
        _ => throw new ArgumentException($"unknown report format '{format}'", nameof(format)),
    };

    public static void Write(string format, ReportData data, string title, Stream output)
    {
        ArgumentNullException.ThrowIfNull(data);
        switch (format)
        {
            case "cobertura":
                new CoberturaWriter().Write(data.Coverage, output);
                break;
            case "lcov":
                new LcovWriter().Write(data.Coverage, output);
                break;
            case "json":
                HarnessJsonWriter.Write(data, title, output);
                break;
            case "markdown":
                MarkdownWriter.Write(data, title, output);
                break;
            case "junit":
                JUnitWriter.Write(data.Tests, output, flakyFails: false);
                break;
            default:
                throw new ArgumentException($"unknown report format '{format}'", nameof(format));
        }
    }
}
