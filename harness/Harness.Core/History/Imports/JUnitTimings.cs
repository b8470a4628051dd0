using System.Globalization;
using System.Xml;
using Harness.Core.History.Comparison;

namespace Harness.Core.History.Imports;

/// <summary>
/// Timings of a JUnit XML file: one sample per passing <c>testcase</c> (<c>time</c> in seconds), named
/// <c>classname.name</c>. Read with DTDs prohibited and no resolver: a report from elsewhere must not make us
/// fetch entities or expand billion-laughs bombs.
/// </summary>
internal static class JUnitTimings
{
    public static IReadOnlyList<SampleSet> Parse(string text, string path)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true };
        var sets = new List<SampleSet>();
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), settings);
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element || reader.Name != "testcase")
                {
                    continue;
                }
                var name = reader.GetAttribute("name");
                var className = reader.GetAttribute("classname");
                var time = reader.GetAttribute("time");
                var passed = !Failed(reader);
                if (name is null || time is null || !passed
                    || !double.TryParse(time, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
                {
                    continue;
                }
                sets.Add(new SampleSet(string.IsNullOrEmpty(className) ? name : $"{className}.{name}", [seconds]));
            }
        }
        catch (XmlException e)
        {
            throw new HistoryException($"{path}: not a readable JUnit XML file: {e.Message}", e);
        }
        if (sets.Count == 0 && !text.Contains("<testsuite", StringComparison.Ordinal))
        {
            throw new HistoryException($"{path}: XML without JUnit <testsuite>/<testcase> elements");
        }
        return sets;
    }

    /// <summary>Reads a testcase's children; true when one says it failed, errored or was skipped (its time then measures nothing comparable).</summary>
    private static bool Failed(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            return false;
        }
        var depth = reader.Depth;
        var failed = false;
        while (reader.Read() && reader.Depth > depth)
        {
            failed |= reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1 && reader.Name is "failure" or "error" or "skipped";
        }
        return failed;
    }
}
