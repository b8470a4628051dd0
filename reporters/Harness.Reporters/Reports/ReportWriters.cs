using Harness.Core.Reports;
using Harness.Reporters.Coverage;
using Harness.Reporters.Results;

namespace Harness.Reporters.Reports;

/// <summary>
/// The registry of single-file report formats (<c>harness report --format</c>, <c>harness test</c>'s files, the
/// adapter's Cobertura): each writer owns its name and file name. (HTML, a directory of pages, is
/// <c>Harness.Reporters.Html</c>.)
/// </summary>
public static class ReportWriters
{
    /// <summary>Every registered writer, in the order formats are listed.</summary>
    public static IReadOnlyList<IReportWriter> All { get; } =
        [new CoberturaWriter(), new LcovWriter(), new HarnessJsonWriter(), new MarkdownWriter(), new JUnitWriter()];

    /// <summary>Every single-file format name, lower case.</summary>
    public static IReadOnlyList<string> Formats { get; } = [.. All.Select(w => w.Name)];

    /// <summary>The writer named <paramref name="format"/> (case-insensitive), or false when none has that name.</summary>
    public static bool TryGet(string format, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IReportWriter? writer)
    {
        ArgumentNullException.ThrowIfNull(format);
        var name = format.Trim();
        writer = All.FirstOrDefault(w => w.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        return writer is not null;
    }

    /// <exception cref="ArgumentException">No writer has that name; the message lists the ones that exist.</exception>
    public static IReportWriter Get(string format) =>
        TryGet(format, out var writer)
            ? writer
            : throw new ArgumentException($"unknown report format '{format}'; known formats: {string.Join(", ", Formats)}", nameof(format));

    /// <summary>The file name <paramref name="format"/> is written to.</summary>
    public static string FileName(string format) => Get(format).FileName;

    public static void Write(string format, ReportData data, string title, Stream output)
    {
        ArgumentNullException.ThrowIfNull(data);
        Get(format).Write(data, new ReportOptions(title), output);
    }

    /// <summary>Writes <paramref name="data"/> with each of <paramref name="writers"/>, each to its own file in <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">A file could not be written.</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be written.</exception>
    public static void WriteAll(IEnumerable<IReportWriter> writers, ReportData data, ReportOptions options, string directory)
    {
        ArgumentNullException.ThrowIfNull(writers);
        foreach (var writer in writers)
        {
            using var file = File.Create(Path.Combine(directory, writer.FileName));
            writer.Write(data, options, file);
        }
    }
}
