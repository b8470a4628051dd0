using Harness.Core.Reports;
using Harness.Reporters.Coverage;
using Palmmedia.ReportGenerator.Core;

namespace Harness.Reporters.Html;

/// <summary>
/// The HTML coverage report: ReportGenerator's <c>Html</c> report (summary page, one page per file with its source
/// lines marked covered, uncovered or partly covered) over the merged coverage, written into one directory.
/// </summary>
/// <remarks>
/// ReportGenerator is fed the merged coverage as Cobertura, which it reads best: one package per module, one class
/// per file. That file is written into the target directory and removed afterwards, so nothing is written outside
/// it; ReportGenerator names its pages after classes itself and HTML-escapes the names and source it shows, so a
/// hostile path neither escapes the directory nor runs as script. Source lines are read from the paths in the
/// coverage (after <c>--source-root</c>/<c>--path-map</c>): a file that is not on this machine is listed without source.
/// </remarks>
public static class HtmlReportWriter
{
    /// <summary>Writes the report into <paramref name="directory"/> (created if needed); its entry page is <c>index.html</c>.</summary>
    /// <exception cref="IOException">ReportGenerator failed; its own messages went to the console.</exception>
    public static void Write(ReportData data, string title, string directory)
    {
        ArgumentNullException.ThrowIfNull(data);
        Directory.CreateDirectory(directory);
        var input = Path.Combine(directory, ".harness-input.cobertura.xml");
        try
        {
            using (var file = File.Create(input))
            {
                new CoberturaWriter().Write(data.Coverage, file);
            }
            var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["reports"] = input,
                ["targetdir"] = directory,
                ["reporttypes"] = "Html",
                ["title"] = title,
                ["verbosity"] = "Warning",
            };
            var configuration = new ReportConfigurationBuilder().Create(settings);
            if (!new Generator().GenerateReport(configuration))
            {
                throw new IOException($"{directory}: ReportGenerator could not write the HTML report");
            }
        }
        finally
        {
            File.Delete(input);
        }
    }
}
