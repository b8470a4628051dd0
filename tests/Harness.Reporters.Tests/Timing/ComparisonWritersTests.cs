using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Harness.Core.History.Comparison;
using Harness.Reporters.Timing;

namespace Harness.Reporters.Tests.Timing;

/// <summary>The timing report writers over one comparison with every verdict: each row once, worst first, and parseable output.</summary>
public sealed class ComparisonWritersTests
{
    private static readonly ComparisonReport Report = TimingComparer.Compare(
        new SampleSource("base <run 1>", [
            new("s.slow", [0.100, 0.101, 0.099, 0.102, 0.100, 0.098, 0.101, 0.100]),
            new("s.same", [0.050, 0.051, 0.049, 0.050, 0.052, 0.050, 0.049, 0.051]),
            new("s.ties", [0, 0, 0, 0, 0, 0, 0, 0]),
            new("s.gone", [0.2])]),
        new SampleSource("current & run 2", [
            new("s.slow", [0.130, 0.131, 0.129, 0.133, 0.130, 0.128, 0.132, 0.130]),
            new("s.same", [0.050, 0.050, 0.051, 0.049, 0.050, 0.051, 0.050, 0.049]),
            new("s.ties", [0, 0, 0, 0, 0, 0, 0, 0]),
            new("s.added|pipe", [0.3])]),
        new ComparisonOptions());

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<TrendPoint>> Trends = new Dictionary<string, IReadOnlyList<TrendPoint>>
    {
        ["s.slow"] = [new(1, DateTimeOffset.UnixEpoch, "abcdef0123", 0.100), new(2, DateTimeOffset.UnixEpoch, null, 0.101), new(3, DateTimeOffset.UnixEpoch, null, 0.130)],
        ["s.same"] = [new(3, DateTimeOffset.UnixEpoch, null, 0.050)],
    };

    [Fact]
    public void Markdown_EveryVerdict_OneRowEachSlowerFirstAndPipesEscaped()
    {
        var text = new StringWriter();
        ComparisonMarkdownWriter.Write(Report, text);
        var rows = text.ToString().Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();

        Assert.Equal(5, rows.Count);
        Assert.StartsWith("| `s.slow` | **slower** |", rows[0], StringComparison.Ordinal);
        Assert.Contains(rows, r => r.StartsWith("| `s.added\\|pipe` | new |", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith("| `s.gone` | missing |", StringComparison.Ordinal));
        Assert.Contains("1 slower", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Json_EveryVerdict_ParsesWithSamplesAndNoNaN()
    {
        using var stream = new MemoryStream();
        ComparisonJsonWriter.Write(Report, stream);
        using var document = JsonDocument.Parse(stream.ToArray());
        var tests = document.RootElement.GetProperty("tests").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);

        Assert.True(document.RootElement.GetProperty("regressed").GetBoolean());
        Assert.Equal("slower", tests["s.slow"].GetProperty("verdict").GetString());
        Assert.InRange(tests["s.slow"].GetProperty("ratio").GetDouble(), 1.25, 1.35);
        Assert.Equal(8, tests["s.slow"].GetProperty("currentSamples").GetArrayLength());
        Assert.Equal("unchanged", tests["s.ties"].GetProperty("verdict").GetString());
        Assert.Equal(JsonValueKind.Null, tests["s.gone"].GetProperty("ratio").ValueKind);
    }

    [Fact]
    public void Html_EveryVerdict_WellFormedWithDistributionsTrendsAndEscapedText()
    {
        var text = new StringWriter();
        ComparisonHtmlWriter.Write(Report, Trends, text);
        var page = XDocument.Parse(text.ToString());
        XNamespace svg = "http://www.w3.org/2000/svg", xhtml = "http://www.w3.org/1999/xhtml";

        var rows = page.Descendants(xhtml + "tr").Where(r => r.Attribute("data-test") is not null).ToList();
        Assert.Equal(["s.slow", "s.same", "s.ties", "s.added|pipe", "s.gone"], rows.Select(r => (string)r.Attribute("data-test")!));
        var slow = rows[0];
        Assert.Equal([8, 8], slow.Descendants(svg + "g").Select(g => g.Elements(svg + "circle").Count()));
        Assert.Equal(2, slow.Descendants(svg + "line").Count(l => (string?)l.Attribute("class") == "median"));
        var trend = slow.Descendants(svg + "polyline").Single();
        Assert.Equal("3", (string?)trend.Attribute("data-count"));
        Assert.Single(rows[1].Descendants(svg + "polyline")); // one run: a single point still draws
        Assert.Empty(rows[4].Descendants(svg + "polyline"));
        Assert.Contains("base <run 1>", page.Root!.Value, StringComparison.Ordinal);
        Assert.Contains("current & run 2", page.Root.Value, StringComparison.Ordinal);
        Assert.All(page.Descendants(svg + "circle"), c => Assert.True(double.IsFinite(double.Parse((string)c.Attribute("cx")!, System.Globalization.CultureInfo.InvariantCulture))));
    }
}
