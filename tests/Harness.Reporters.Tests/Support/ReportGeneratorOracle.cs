using System.Text.RegularExpressions;
using Palmmedia.ReportGenerator.Core;
using Palmmedia.ReportGenerator.Core.Parser;
using Palmmedia.ReportGenerator.Core.Parser.Filtering;

namespace Harness.Reporters.Tests.Support;

/// <summary>What ReportGenerator's TextSummary says about a coverage file.</summary>
internal sealed record ReportGeneratorSummary(string Parser, int Assemblies, int Files, int CoveredLines, int CoverableLines, string Text);

/// <summary>ReportGenerator 5.6.0, in-process, reading our files as it would read coverlet's or lcov's.</summary>
internal static partial class ReportGeneratorOracle
{
    /// <summary>Generates TextSummary and Html reports into <paramref name="targetDirectory"/> and reads the summary back.</summary>
    public static ReportGeneratorSummary Generate(string coverageFile, string targetDirectory)
    {
        var configuration = new ReportConfiguration(
            reportFilePatterns: [coverageFile],
            targetDirectory: targetDirectory,
            sourceDirectories: [],
            historyDirectory: null,
            reportTypes: ["TextSummary", "Html"],
            plugins: [],
            assemblyFilters: [],
            classFilters: [],
            fileFilters: [],
            verbosityLevel: "Warning",
            tag: null);
        Assert.True(new Generator().GenerateReport(configuration), $"ReportGenerator failed on {coverageFile}");

        var text = File.ReadAllText(Path.Combine(targetDirectory, "Summary.txt"));
        return new ReportGeneratorSummary(
            Field(text, "Parser"),
            int.Parse(Field(text, "Assemblies"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Field(text, "Files"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Field(text, "Covered lines"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Field(text, "Coverable lines"), System.Globalization.CultureInfo.InvariantCulture),
            text);
    }

    /// <summary>ReportGenerator's own model of a coverage file: assemblies, classes, files, code elements.</summary>
    public static ParserResult Parse(string coverageFile) =>
        new CoverageReportParser(1, 1, [], new DefaultFilter([]), new DefaultFilter([]), new DefaultFilter([])).ParseFiles([coverageFile]);

    private static string Field(string summary, string name)
    {
        var match = FieldPattern().Matches(summary).FirstOrDefault(m => m.Groups["name"].Value == name);
        Assert.True(match is not null, $"no '{name}:' in ReportGenerator's summary:\n{summary}");
        return match.Groups["value"].Value.Trim();
    }

    [GeneratedRegex(@"^[ \t]*(?<name>[A-Za-z ]+):[ \t]*(?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex FieldPattern();
}
