using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Harness.Core.Coverage;

namespace Harness.Core.Reports.Formats;

/// <summary>
/// Reads Cobertura XML as coverlet, gcovr, ReportGenerator and harness write it: one file per <c>class</c>
/// <c>filename</c> (coverlet writes a class per C# type, several per file: they merge), line hits, branch counts
/// from <c>condition-coverage</c>, methods as functions spanning their lines.
/// </summary>
/// <remarks>
/// Hostile XML is refused, not obeyed: DTDs are ignored (no entity is ever defined, so a billion-laughs document
/// fails at its first entity reference), nothing is resolved from outside, and entity expansion is capped at 0.
/// Cobertura only tells how many arms of a line's branches were taken, not how often: taken arms count 1.
/// </remarks>
internal static partial class CoberturaReader
{
    public static CoverageReport Read(string path, byte[] content)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            MaxCharactersFromEntities = 0,
            MaxCharactersInDocument = ReportInputs.MaxInputBytes,
        };
        XDocument document;
        using (var stream = new MemoryStream(content, writable: false))
        using (var xml = XmlReader.Create(stream, settings))
        {
            document = XDocument.Load(xml, LoadOptions.SetLineInfo);
        }
        var root = document.Root!;
        if (root.Name.LocalName != "coverage")
        {
            throw new InvalidDataException($"root element is <{root.Name.LocalName}>, not <coverage>");
        }
        var sources = root.Element("sources")?.Elements("source").Select(s => s.Value.Trim()).Where(s => s.Length > 0).ToList() ?? [];
        var timestamp = long.TryParse((string?)root.Attribute("timestamp"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? FromUnix(seconds)
            : DateTimeOffset.UnixEpoch;

        var files = new List<FileCoverage>();
        foreach (var package in root.Element("packages")?.Elements("package") ?? [])
        {
            var module = (string?)package.Attribute("name") ?? "";
            foreach (var @class in package.Element("classes")?.Elements("class") ?? [])
            {
                files.Add(ReadClass(@class, module, sources));
            }
        }
        return ReportInputs.Coverage(files, timestamp);
    }

    // Cobertura's own timestamps are milliseconds, coverlet's and ours seconds: anything past year 3000 in seconds is milliseconds.
    private static DateTimeOffset FromUnix(long value) =>
        value > 32_503_680_000 ? DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(value, 253_402_300_799_999)) : DateTimeOffset.FromUnixTimeSeconds(Math.Max(0, value));

    private static FileCoverage ReadClass(XElement @class, string module, List<string> sources)
    {
        var fileName = Required(@class, "filename");
        var className = (string?)@class.Attribute("name") ?? "";
        var lines = (@class.Element("lines")?.Elements("line") ?? []).Select(ReadLine).ToList();
        var functions = new List<FunctionCoverage>();
        foreach (var method in @class.Element("methods")?.Elements("method") ?? [])
        {
            var methodLines = (method.Element("lines")?.Elements("line") ?? []).Select(ReadLine).ToList();
            if (methodLines.Count == 0)
            {
                continue;
            }
            var name = Required(method, "name");
            var signature = (string?)method.Attribute("signature") ?? "";
            // coverlet names a method only within its class and puts the parameters in the signature.
            var qualified = signature.Length > 0 ? $"{className}::{name}{signature}" : name;
            var first = methodLines.MinBy(l => l.Line);
            functions.Add(new FunctionCoverage(qualified, first.Line, methodLines.Max(l => l.Line), first.Hits));
        }
        return new FileCoverage(Resolve(fileName, sources), module, lines, functions);
    }

    private static LineCoverage ReadLine(XElement line)
    {
        var number = int.Parse(Required(line, "number"), NumberStyles.Integer, CultureInfo.InvariantCulture);
        var hits = long.Parse(Required(line, "hits"), NumberStyles.Integer, CultureInfo.InvariantCulture);
        if (number < 1)
        {
            throw new InvalidDataException($"line {LineOf(line)}: line number {number} is not positive");
        }
        if (hits < 0)
        {
            throw new InvalidDataException($"line {LineOf(line)}: negative hit count {hits} for line {number}");
        }
        IReadOnlyList<BranchArm>? branches = null;
        if (string.Equals((string?)line.Attribute("branch"), "true", StringComparison.OrdinalIgnoreCase)
            && ConditionCoverage().Match((string?)line.Attribute("condition-coverage") ?? "") is { Success: true } match)
        {
            var taken = int.Parse(match.Groups["taken"].Value, CultureInfo.InvariantCulture);
            var total = int.Parse(match.Groups["total"].Value, CultureInfo.InvariantCulture);
            if (total is < 0 or > 100_000 || taken > total)
            {
                throw new InvalidDataException($"line {LineOf(line)}: condition-coverage {match.Value} is not a count of branches");
            }
            branches = [.. Enumerable.Range(0, total).Select(arm => new BranchArm(0, arm, arm < taken ? 1 : (hits > 0 ? 0 : null)))];
        }
        return new LineCoverage(number, hits, branches);
    }

    // A relative filename is relative to one of the sources: the first under which the file exists here, else the first.
    private static string Resolve(string fileName, List<string> sources)
    {
        var normalized = fileName.Replace('\\', '/');
        if (normalized.StartsWith('/') || (normalized.Length > 2 && normalized[1] == ':') || sources.Count == 0)
        {
            return normalized;
        }
        foreach (var source in sources)
        {
            var candidate = source.TrimEnd('/', '\\') + "/" + normalized;
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return sources[0].TrimEnd('/', '\\') + "/" + normalized;
    }

    private static string Required(XElement element, string attribute) =>
        (string?)element.Attribute(attribute)
        ?? throw new InvalidDataException($"line {LineOf(element)}: <{element.Name.LocalName}> has no {attribute} attribute");

    private static int LineOf(XElement element) => ((IXmlLineInfo)element).LineNumber;

    [GeneratedRegex(@"\((?<taken>\d+)/(?<total>\d+)\)")]
    private static partial Regex ConditionCoverage();
}
