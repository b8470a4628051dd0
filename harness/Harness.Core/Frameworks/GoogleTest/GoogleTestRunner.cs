using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Processes;

namespace Harness.Core.Frameworks.GoogleTest;

/// <summary>
/// GoogleTest: runs a batch in one process, <c>BIN --gtest_filter=A:B --gtest_output=xml:F</c>, and reads the XML.
/// GoogleTest writes no XML when the process dies; then the <c>[ RUN      ]</c>/<c>[       OK ]</c> markers on
/// stdout tell which tests finished, the one that started and never finished is crashed (or timed out), and
/// the tests not reached run again in a new batch.
/// </summary>
internal sealed partial class GoogleTestRunner : BatchRunner
{
    protected override string SkipReason => "disabled";

    protected override string Selector(TestCase test) => test.FrameworkName;

    protected override (ProcessRun Run, IReadOnlyDictionary<TestCase, TestResult> Settled) RunOnce(IReadOnlyList<TestCase> batch, RunContext context)
    {
        var xml = Path.Combine(Path.GetTempPath(), $"harness-gtest-{Guid.NewGuid():N}.xml");
        try
        {
            List<string> arguments = [$"--gtest_filter={string.Join(':', batch.Select(t => t.FrameworkName))}", $"--gtest_output=xml:{xml}"];
            if (context.RunIgnored)
            {
                arguments.Add("--gtest_also_run_disabled_tests");
            }
            var run = context.Start(arguments, new BatchProgress.OutputLines("[ RUN      ]"));
            var report = run.StartError is null && !run.TimedOut && run.Signal is null ? ReadXml(xml) : null;
            if (report is null)
            {
                return (run, run.StartError is null ? Recover(batch, run, context) : new Dictionary<TestCase, TestResult>());
            }
            var slices = Markers(run.StandardOutput);
            return (run, batch.ToDictionary<TestCase, TestCase, TestResult>(test => test, test => report.TryGetValue(test.FrameworkName, out var entry)
                ? FromXml(test, entry, run, slices)
                : Results.Of(test, run, TestOutcome.Failed, $"GoogleTest did not report this test ({run.Describe()})"), ReferenceEqualityComparer.Instance));
        }
        finally
        {
            File.Delete(xml);
        }
    }

    /// <summary>Died before its first test or after its last: nothing to blame on one test, so they all carry the process's death.</summary>
    protected override IReadOnlyList<TestResult> NoneSettled(IReadOnlyList<TestCase> batch, ProcessRun run, RunContext context) =>
        [.. batch.Select(test => Results.Of(test, run, run.TimedOut ? TestOutcome.TimedOut : TestOutcome.Crashed,
            $"the GoogleTest process ended before running it ({Describe(run, context)})"))];

    /// <summary>What the markers tell after a batch died: the finished tests and the one that never finished.</summary>
    private static Dictionary<TestCase, TestResult> Recover(IReadOnlyList<TestCase> batch, ProcessRun run, RunContext context)
    {
        var results = new Dictionary<TestCase, TestResult>(ReferenceEqualityComparer.Instance);
        var slices = Markers(run.StandardOutput);
        var byName = batch.ToDictionary(t => t.FrameworkName, StringComparer.Ordinal);
        TestCase? unfinished = null;
        foreach (var (name, slice) in slices)
        {
            if (!byName.TryGetValue(name, out var test))
            {
                continue;
            }
            if (slice.End is null)
            {
                unfinished = test;
                continue;
            }
            var (file, line) = FailureLocation(slice.Output);
            var outcome = slice.End switch
            {
                "OK" => TestOutcome.Passed,
                "SKIPPED" => TestOutcome.Skipped,
                _ => TestOutcome.Failed,
            };
            results[test] = Results.Of(test, run, outcome, outcome == TestOutcome.Failed ? FailureText(slice.Output) : null,
                outcome == TestOutcome.Failed ? file : null, outcome == TestOutcome.Failed ? line : null, slice.Duration, slice.Output);
        }
        if (unfinished is not null)
        {
            var output = slices.First(s => s.Name == unfinished.FrameworkName).Slice.Output;
            results[unfinished] = Results.Of(unfinished, run, run.TimedOut ? TestOutcome.TimedOut : TestOutcome.Crashed,
                Describe(run, context), duration: Results.Remainder(run, slices.Select(s => s.Slice.Duration)), standardOutput: output);
        }
        return results;
    }

    private static string Describe(ProcessRun run, RunContext context) =>
        run.TimedOut ? $"timed out after {Results.Seconds(context.Timeout)} s" : run.Signal is { } s ? $"killed by {Signals.Name(s)}" : $"exit code {run.ExitCode} without a report";

    private sealed record Slice(string Output, string? End, TimeSpan? Duration);

    /// <summary>Per test started on stdout: what it printed and how it ended (null: never ended), in run order.</summary>
    private static List<(string Name, Slice Slice)> Markers(string standardOutput)
    {
        var found = new List<(string, Slice)>();
        string? current = null;
        var output = new System.Text.StringBuilder();
        foreach (var raw in standardOutput.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var marker = Marker().Match(line);
            if (marker.Success)
            {
                var kind = marker.Groups["kind"].Value.Trim();
                var name = marker.Groups["name"].Value;
                if (kind == "RUN")
                {
                    current = name;
                    output.Clear();
                    continue;
                }
                if (current is not null && name == current)
                {
                    TimeSpan? duration = marker.Groups["ms"].Success
                        ? TimeSpan.FromMilliseconds(long.Parse(marker.Groups["ms"].Value, CultureInfo.InvariantCulture))
                        : null;
                    found.Add((current, new Slice(output.ToString(), kind, duration)));
                    current = null;
                    continue;
                }
            }
            if (current is not null)
            {
                output.Append(line).Append('\n');
            }
        }
        if (current is not null)
        {
            found.Add((current, new Slice(output.ToString(), null, null)));
        }
        return found;
    }

    private sealed record XmlEntry(TestOutcome Outcome, TimeSpan Duration, string? Message, string? File, int? Line);

    /// <summary>The XML report by full name (<c>classname.name</c>), or null when there is none or it is unreadable.</summary>
    private static Dictionary<string, XmlEntry>? ReadXml(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        XDocument document;
        try
        {
            document = XDocument.Load(path);
        }
        catch (XmlException)
        {
            return null;
        }
        var entries = new Dictionary<string, XmlEntry>(StringComparer.Ordinal);
        foreach (var testcase in document.Descendants("testcase"))
        {
            var name = $"{(string?)testcase.Attribute("classname")}.{(string?)testcase.Attribute("name")}";
            var seconds = double.TryParse((string?)testcase.Attribute("time"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 0;
            var failures = testcase.Elements("failure").Concat(testcase.Elements("error")).ToList();
            var status = (string?)testcase.Attribute("status");
            var result = (string?)testcase.Attribute("result");
            if (failures.Count > 0)
            {
                var texts = failures.Select(f => (string?)f.Attribute("message") ?? f.Value).ToList();
                var (file, line) = LeadingLocation(texts[0]);
                var messages = texts.Select(t => LeadingLocation(t).File is null ? t : t[(t.IndexOf('\n') is var n and >= 0 ? n + 1 : t.Length)..]);
                entries[name] = new XmlEntry(TestOutcome.Failed, TimeSpan.FromSeconds(seconds), string.Join("\n\n", messages), file, line);
            }
            else if (status == "notrun" || result is "skipped" or "suppressed" || testcase.Element("skipped") is not null)
            {
                entries[name] = new XmlEntry(TestOutcome.Skipped, TimeSpan.FromSeconds(seconds), (string?)testcase.Element("skipped")?.Attribute("message"), null, null);
            }
            else
            {
                entries[name] = new XmlEntry(TestOutcome.Passed, TimeSpan.FromSeconds(seconds), null, null, null);
            }
        }
        return entries;
    }

    private static TestResult FromXml(TestCase test, XmlEntry entry, ProcessRun run, List<(string Name, Slice Slice)> slices)
    {
        var output = slices.Where(s => s.Name == test.FrameworkName).Select(s => s.Slice.Output).FirstOrDefault() ?? "";
        return Results.Of(test, run, entry.Outcome, entry.Message, entry.File, entry.Line, entry.Duration, output);
    }

    /// <summary><c>file:line</c> on the first line of a failure text.</summary>
    private static (string? File, int? Line) LeadingLocation(string text)
    {
        var match = Location().Match(text.Split('\n')[0]);
        return match.Success ? (match.Groups["file"].Value, int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture)) : (null, null);
    }

    /// <summary>The first <c>file:line: Failure</c> in a test's output.</summary>
    private static (string? File, int? Line) FailureLocation(string output)
    {
        var match = OutputFailure().Match(output);
        return match.Success ? (match.Groups["file"].Value, int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture)) : (null, null);
    }

    private static string? FailureText(string output)
    {
        var match = OutputFailure().Match(output);
        return match.Success ? output[(match.Index + match.Length)..].Trim('\n', '\r') : null;
    }

    [GeneratedRegex(@"^\[ *(?<kind>RUN|OK|FAILED|SKIPPED) *\] (?<name>[^\s,]+)(?:,.*?)?(?: \((?<ms>\d+) ms\))?$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^(?<file>.+):(?<line>\d+)$")]
    private static partial Regex Location();

    [GeneratedRegex(@"^(?<file>.+?):(?<line>\d+): Failure\r?$", RegexOptions.Multiline)]
    private static partial Regex OutputFailure();
}
