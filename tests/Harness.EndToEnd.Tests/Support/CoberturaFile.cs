using System.Globalization;
using System.Xml.Linq;

namespace Harness.EndToEnd.Tests.Support;

/// <summary>What a Cobertura report says: its totals, and each class's line hits by absolute file path.</summary>
internal sealed record CoberturaFile(int LinesCovered, int LinesValid, IReadOnlyDictionary<string, IReadOnlyDictionary<int, long>> Files)
{
    /// <summary>Parses with <see cref="XDocument"/>; class file names are resolved against the <c>sources</c>.</summary>
    public static CoberturaFile Read(string path)
    {
        var document = XDocument.Load(path);
        var root = document.Root!;
        Assert.Equal("coverage", root.Name.LocalName);
        var sources = root.Element("sources")?.Elements("source").Select(s => s.Value).ToList() ?? [];
        var files = new Dictionary<string, IReadOnlyDictionary<int, long>>(StringComparer.Ordinal);
        foreach (var type in root.Descendants("class"))
        {
            var name = (string?)type.Attribute("filename") ?? throw new InvalidDataException($"{path}: a class without filename");
            var full = Path.IsPathRooted(name) ? name : sources.Select(s => Path.Combine(s, name)).FirstOrDefault(File.Exists) ?? name;
            // Class-level <lines>, not the per-method copies.
            var lines = type.Element("lines")?.Elements("line")
                .ToDictionary(l => (int)l.Attribute("number")!, l => long.Parse((string)l.Attribute("hits")!, CultureInfo.InvariantCulture))
                ?? [];
            Assert.True(files.TryAdd(full, lines), $"{path}: file {full} in two classes");
        }
        return new CoberturaFile((int)root.Attribute("lines-covered")!, (int)root.Attribute("lines-valid")!, files);
    }
}
