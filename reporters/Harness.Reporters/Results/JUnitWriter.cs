using System.Globalization;
using System.Text;
using System.Xml;
using Harness.Core.Model;
using Harness.Core.Reports;

namespace Harness.Reporters.Results;

/// <summary>
/// JUnit XML as CI systems read it: one <c>testsuite</c> per test binary, one <c>testcase</c> per test with
/// <c>classname</c> = the dotted name without its last part; failures as <c>failure</c>, crashes and timeouts
/// as <c>error</c> (so are tests a cancel interrupted), skipped tests as <c>skipped</c> (so are tests never started,
/// with the reason as message), the test's output in <c>system-out</c>/<c>system-err</c>.
/// Written from <see cref="ResultEntry"/>, so that results read back from <c>results.json</c> files (merged shards)
/// give the same XML as the run that wrote them.
/// </summary>
public sealed class JUnitWriter : IReportWriter
{
    public const string FileName = "junit.xml";

    string IReportWriter.Name => "junit";

    string IReportWriter.FileName => FileName;

    void IReportWriter.Write(ReportData data, ReportOptions options, Stream output) => Write(data.Tests, output, options.FlakyFails);

    public static void Write(IReadOnlyList<FinishedTest> results, Stream output, bool flakyFails) =>
        Write([.. results.Select(r => ResultEntry.From(r))], output, flakyFails);

    public static void Write(IReadOnlyList<ResultEntry> results, Stream output, bool flakyFails)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, NewLineChars = "\n", NewLineHandling = NewLineHandling.Entitize };
        using var xml = XmlWriter.Create(output, settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", "harness");
        WriteCounts(xml, results, flakyFails);
        foreach (var binary in results.GroupBy(r => $"{r.Suite}.{r.BinaryId}").OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var tests = binary.ToList();
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", Clean(binary.Key));
            WriteCounts(xml, tests, flakyFails);
            xml.WriteAttributeString("timestamp", tests.Min(t => t.Started).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
            foreach (var result in tests)
            {
                WriteCase(xml, result, flakyFails);
            }
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteCounts(XmlWriter xml, IReadOnlyCollection<ResultEntry> results, bool flakyFails)
    {
        xml.WriteAttributeString("tests", results.Count.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", results.Count(r => r.Outcome == Failed || (r.Flaky && flakyFails)).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("errors", results.Count(r => r.Outcome is Crashed or TimedOut or Cancelled).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("skipped", results.Count(r => r.Outcome is Skipped or NotRun).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("time", Seconds(results.Sum(r => r.Seconds)));
    }

    private const TestOutcome Failed = TestOutcome.Failed;
    private const TestOutcome Crashed = TestOutcome.Crashed;
    private const TestOutcome TimedOut = TestOutcome.TimedOut;
    private const TestOutcome Skipped = TestOutcome.Skipped;
    private const TestOutcome Cancelled = TestOutcome.Cancelled;
    private const TestOutcome NotRun = TestOutcome.NotRun;

    private static void WriteCase(XmlWriter xml, ResultEntry result, bool flakyFails)
    {
        var name = result.FullyQualifiedName;
        var dot = name.LastIndexOf('.');
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("classname", Clean(dot > 0 ? name[..dot] : name));
        xml.WriteAttributeString("name", Clean(dot > 0 ? name[(dot + 1)..] : name));
        xml.WriteAttributeString("time", Seconds(result.Seconds));
        if (result.File is { } file)
        {
            xml.WriteAttributeString("file", Clean(file));
            xml.WriteAttributeString("line", (result.Line ?? 0).ToString(CultureInfo.InvariantCulture));
        }
        var message = Clean(result.FailureMessage ?? OutcomeName(result.Outcome));
        var location = result.FailureFile is null ? "" : $"at {result.FailureFile}:{result.FailureLine}\n";
        switch (result.Outcome)
        {
            case Failed:
                xml.WriteStartElement("failure");
                xml.WriteAttributeString("message", message);
                xml.WriteString(Clean(location + (result.FailureMessage ?? "")));
                xml.WriteEndElement();
                break;
            case Crashed or TimedOut or Cancelled:
                xml.WriteStartElement("error");
                xml.WriteAttributeString("message", message);
                xml.WriteAttributeString("type", OutcomeName(result.Outcome));
                xml.WriteEndElement();
                break;
            case Skipped:
                xml.WriteElementString("skipped", "");
                break;
            case NotRun:
                xml.WriteStartElement("skipped");
                xml.WriteAttributeString("message", message);
                xml.WriteEndElement();
                break;
            case TestOutcome.Passed when result.Flaky && flakyFails:
                xml.WriteStartElement("failure");
                xml.WriteAttributeString("message", $"flaky: passed on attempt {result.Attempts}");
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

    private static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);

    // As the run has always written them: "TimedOut", not the file's "timedout".
    private static string OutcomeName(TestOutcome outcome) => outcome.ToString();

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
