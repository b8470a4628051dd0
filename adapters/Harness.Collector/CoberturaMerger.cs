using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Harness.Core.Coverage;
using Harness.Reporters.Coverage;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.DataCollection;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace Harness.Collector;

/// <summary>
/// Merges the Native Coverage attachments of a run (one per test host, so one per test source) into one
/// Cobertura file: a line is covered when any input covered it, hits add up; a function likewise. Reads only
/// what <see cref="CoberturaWriter"/> writes (sources, class file names, lines, methods) and writes with it.
/// </summary>
public sealed class CoberturaMerger : IDataCollectorAttachmentProcessor
{
    public bool SupportsIncrementalProcessing => true;

    public IEnumerable<Uri> GetExtensionUris() => [new Uri(NativeCoverageCollector.UriString)];

    public Task<ICollection<AttachmentSet>> ProcessAttachmentSetsAsync(
        XmlElement configurationElement, ICollection<AttachmentSet> attachments, IProgress<int> progressReporter, IMessageLogger logger,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attachments);
        var ours = attachments.Where(set => set.Uri == new Uri(NativeCoverageCollector.UriString)).ToList();
        var files = ours.SelectMany(set => set.Attachments).Select(a => a.Uri.LocalPath).Where(File.Exists).ToList();
        if (files.Count < 2)
        {
            return Task.FromResult(attachments);
        }
        cancellationToken.ThrowIfCancellationRequested();
        var directory = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(files[0])!)!, Guid.NewGuid().ToString());
        var merged = Path.Combine(directory, NativeCoverageCollector.FileName);
        try
        {
            Directory.CreateDirectory(directory);
            Merge(files, merged);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException or FormatException)
        {
            logger?.SendMessage(TestMessageLevel.Warning, $"harness: could not merge native coverage ({e.Message}); keeping the files apart");
            return Task.FromResult(attachments);
        }
        foreach (var file in files)
        {
            File.Delete(file);
        }
        var set = new AttachmentSet(new Uri(NativeCoverageCollector.UriString), NativeCoverageCollector.FriendlyName);
        set.Attachments.Add(UriDataAttachment.CreateFrom(merged, NativeCoverageCollector.FriendlyName));
        ICollection<AttachmentSet> result = [.. attachments.Except(ours), set];
        progressReporter?.Report(100);
        return Task.FromResult(result);
    }

    /// <summary>Merges Cobertura files written by <see cref="CoberturaWriter"/> into <paramref name="output"/>.</summary>
    public static void Merge(IReadOnlyList<string> inputs, string output)
    {
        var report = Merge(inputs.Select(Read));
        var temporary = output + ".tmp";
        using (var file = File.Create(temporary))
        {
            new CoberturaWriter().Write(report, file);
        }
        File.Move(temporary, output, overwrite: true);
    }

    internal static CoverageReport Merge(IEnumerable<CoverageReport> reports)
    {
        var files = new Dictionary<string, (string Module, Dictionary<int, long> Lines, Dictionary<(string, int), FunctionCoverage> Functions)>(StringComparer.Ordinal);
        foreach (var file in reports.SelectMany(r => r.Files))
        {
            if (!files.TryGetValue(file.Path, out var merged))
            {
                files[file.Path] = merged = (file.Module, [], []);
            }
            foreach (var line in file.Lines)
            {
                merged.Lines[line.Line] = merged.Lines.GetValueOrDefault(line.Line) + line.Hits;
            }
            foreach (var function in file.Functions)
            {
                var key = (function.Name, function.Line);
                merged.Functions[key] = merged.Functions.TryGetValue(key, out var seen)
                    ? seen with { Hits = seen.Hits + function.Hits, HasCode = seen.HasCode || function.HasCode }
                    : function;
            }
        }
        return new CoverageReport(
            [.. files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new FileCoverage(
                f.Key,
                f.Value.Module,
                [.. f.Value.Lines.OrderBy(l => l.Key).Select(l => new LineCoverage(l.Key, l.Value))],
                [.. f.Value.Functions.Values.OrderBy(fn => fn.Line).ThenBy(fn => fn.Name, StringComparer.Ordinal)]))],
            DateTimeOffset.UtcNow);
    }

    /// <summary>Reads a Cobertura file back into the model: file paths are the <c>source</c> joined with each class's <c>filename</c>.</summary>
    internal static CoverageReport Read(string path)
    {
        var document = XDocument.Load(path);
        var root = document.Root ?? throw new FormatException($"{path}: empty document");
        var source = root.Element("sources")?.Element("source")?.Value ?? "";
        var files = new List<FileCoverage>();
        foreach (var package in root.Element("packages")?.Elements("package") ?? [])
        {
            var module = (string?)package.Attribute("name") ?? "";
            foreach (var type in package.Element("classes")?.Elements("class") ?? [])
            {
                var name = (string?)type.Attribute("filename") ?? throw new FormatException($"{path}: class without filename");
                var lines = (type.Element("lines")?.Elements("line") ?? [])
                    .Select(line => new LineCoverage(Number(line, "number", path), Number(line, "hits", path)))
                    .ToList();
                var functions = (type.Element("methods")?.Elements("method") ?? [])
                    .Select(method =>
                    {
                        var methodLines = method.Element("lines")?.Elements("line").Select(l => (Line: Number(l, "number", path), Hits: Number(l, "hits", path))).ToList() ?? [];
                        var first = methodLines.Count > 0 ? methodLines.Min(l => l.Line) : 0;
                        var last = methodLines.Count > 0 ? methodLines.Max(l => l.Line) : first;
                        return new FunctionCoverage((string?)method.Attribute("name") ?? "", (int)first, (int)last, methodLines.Any(l => l.Hits > 0) ? 1 : 0, methodLines.Count > 0);
                    })
                    .ToList();
                files.Add(new FileCoverage(Path.IsPathRooted(name) ? name : Path.Combine(source, name), module, lines, functions));
            }
        }
        return new CoverageReport(files, DateTimeOffset.UtcNow);
    }

    private static int Number(XElement element, string attribute, string path) =>
        int.TryParse((string?)element.Attribute(attribute), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"{path}: <{element.Name}> without a numeric {attribute}");
}
