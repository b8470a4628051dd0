using System.Globalization;
using System.Text;
using System.Xml;
using Harness.Core.Suites.Execution;
using Harness.Core.Suites.Running;

namespace Harness.Reporters.Results;

/// <summary>
/// JUnit XML as CI systems read it: one <c>testsuite</c> per test binary, one <c>testcase</c> per test with
/// <c>classname</c> = the dotted name without its last part; failures as <c>failure</c>, crashes and timeouts
/// as <c>error</c>, skipped tests as <c>skipped</c>, the test's output in <c>system-out</c>/<c>system-err</c>.
/// </summary>
public static class JUnitWriter
{
    public static void Write(IReadOnlyList<FinishedTest> results, Stream output, bool flakyFails)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, NewLineChars = "\n", NewLineHandling = NewLineHandling.Entitize };
        using var xml = XmlWriter.Create(output, settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", "harness");
        WriteCounts(xml, results, flakyFails);
        foreach (var binary in results.GroupBy(r => $"{r.Test.Binary.Suite}.{r.Test.Binary.BinaryId}").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var tests = binary.ToList();
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", Clean(binary.Key));
            WriteCounts(xml, tests, flakyFails);
            xml.WriteAttributeString("timestamp", tests.Min(t => t.Result.Started).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
            foreach (var finished in tests)
            {
                WriteCase(xml, finished, flakyFails);
            }
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteCounts(XmlWriter xml, IReadOnlyCollection<FinishedTest> results, bool flakyFails)
    {
        xml.WriteAttributeString("tests", results.Count.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", results.Count(r => r.Result.Outcome == TestOutcome.Failed || (r.IsFlaky && flakyFails)).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("errors", results.Count(r => r.Result.Outcome is TestOutcome.Crashed or TestOutcome.TimedOut).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("skipped", results.Count(r => r.Result.Outcome == TestOutcome.Skipped).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("time", Seconds(TimeSpan.FromTicks(results.Sum(r => r.Result.Duration.Ticks))));
    }

    private static void WriteCase(XmlWriter xml, FinishedTest finished, bool flakyFails)
    {
        var result = finished.Result;
        var name = result.Test.FullyQualifiedName;
        var dot = name.LastIndexOf('.');
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("classname", Clean(dot > 0 ? name[..dot] : name));
        xml.WriteAttributeString("name", Clean(dot > 0 ? name[(dot + 1)..] : name));
        xml.WriteAttributeString("time", Seconds(result.Duration));
        if (result.Test.SourceFile is { } file)
        {
            xml.WriteAttributeString("file", Clean(file));
            xml.WriteAttributeString("line", (result.Test.SourceLine ?? 0).ToString(CultureInfo.InvariantCulture));
        }
        var message = Clean(result.FailureMessage ?? result.Outcome.ToString());
        var location = result.FailureFile is null ? "" : $"at {result.FailureFile}:{result.FailureLine}\n";
        switch (result.Outcome)
        {
            case TestOutcome.Failed:
                xml.WriteStartElement("failure");
                xml.WriteAttributeString("message", message);
                xml.WriteString(Clean(location + (result.FailureMessage ?? "")));
                xml.WriteEndElement();
                break;
            case TestOutcome.Crashed or TestOutcome.TimedOut:
                xml.WriteStartElement("error");
                xml.WriteAttributeString("message", message);
                xml.WriteAttributeString("type", result.Outcome.ToString());
                xml.WriteEndElement();
                break;
            case TestOutcome.Skipped:
                xml.WriteElementString("skipped", "");
                break;
            case TestOutcome.Passed when finished.IsFlaky && flakyFails:
                xml.WriteStartElement("failure");
                xml.WriteAttributeString("message", $"flaky: passed on attempt {finished.Attempts}");
                xml.WriteEndElement();
                break;
        }
        if (result.StandardOutput.Length > 0)
        {
            xml.WriteElementString("system-out", Clean(result.StandardOutput));
        }
        if (result.StandardError.Length > 0)
        {
            xml.WriteElementString("system-err", Clean(result.StandardError));
        }
        xml.WriteEndElement();
    }

    private static string Seconds(TimeSpan time) => time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>Characters XML 1.0 cannot carry (test output is arbitrary bytes) become U+FFFD.</summary>
    private static string Clean(string text)
    {
        if (text.All(XmlConvert.IsXmlChar))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else
            {
                builder.Append(XmlConvert.IsXmlChar(c) ? c : '\uFFFD');
            }
        }
        return builder.ToString();
    }
}
