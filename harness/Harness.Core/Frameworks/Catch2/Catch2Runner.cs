using System.Globalization;
using System.Text;
using System.Xml;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Processes;

namespace Harness.Core.Frameworks.Catch2;

/// <summary>
/// Catch2 v2: runs a batch in one process, <c>BIN -r xml -d yes -o F SPEC1,SPEC2</c> (a comma between specs means
/// "or"), and reads the XML as far as it goes: a crash truncates it. Test cases with an <c>OverallResult</c> are
/// settled, the one that started without finishing is crashed (or timed out), and the rest run again.
/// </summary>
internal sealed class Catch2Runner : BatchRunner
{
    protected override string SkipReason => "hidden";

    protected override string Selector(TestCase test) => Catch2Spec.Escape(test.FrameworkName);

    protected override (ProcessRun Run, IReadOnlyDictionary<TestCase, TestResult> Settled) RunOnce(IReadOnlyList<TestCase> batch, RunContext context)
    {
        var xml = Path.Combine(Path.GetTempPath(), $"harness-catch2-{Guid.NewGuid():N}.xml");
        ProcessRun run;
        List<Case> cases;
        try
        {
            run = context.Start(["-r", "xml", "-d", "yes", "-o", xml, string.Join(',', batch.Select(Selector))],
                new BatchProgress.ReportFile(xml, "<TestCase "));
            cases = File.Exists(xml) ? Read(xml) : [];
        }
        finally
        {
            File.Delete(xml);
        }
        var settled = new Dictionary<TestCase, TestResult>(ReferenceEqualityComparer.Instance);
        if (run.StartError is not null)
        {
            return (run, settled);
        }

        var died = run.TimedOut || run.Signal is not null;
        var byName = Match(batch, cases);
        foreach (var (test, entry) in byName)
        {
            if (entry.Success is null && !died)
            {
                continue;
            }
            var outcome = entry switch
            {
                { Success: null } or { Fatal: not null } when died => run.TimedOut ? TestOutcome.TimedOut : TestOutcome.Crashed,
                { Success: true } => TestOutcome.Passed,
                _ => TestOutcome.Failed,
            };
            var message = outcome switch
            {
                TestOutcome.Crashed => run.Signal is { } s ? $"killed by {Signals.Name(s)}" : $"exit code {run.ExitCode}",
                TestOutcome.TimedOut => $"timed out after {Results.Seconds(context.Timeout)} s",
                TestOutcome.Failed => entry.Message ?? "test case failed",
                _ => null,
            };
            if (entry.Fatal is not null && message is not null)
            {
                message = $"{message}: {entry.Fatal}";
            }
            var (standardOutput, standardError) = Output(entry, run, batch.Count == 1 || outcome != TestOutcome.Passed);
            settled[test] = Results.Of(test, run, outcome, message,
                outcome == TestOutcome.Passed ? null : entry.File, outcome == TestOutcome.Passed ? null : entry.Line,
                entry.Duration ?? (outcome is TestOutcome.Crashed or TestOutcome.TimedOut ? Results.Remainder(run, byName.Select(b => b.Entry.Duration)) : null),
                standardOutput, standardError);
        }
        return (run, settled);
    }

    /// <summary>Nothing reported: a batch of one is decided by its exit status; a larger one runs its tests alone.</summary>
    protected override IReadOnlyList<TestResult>? NoneSettled(IReadOnlyList<TestCase> batch, ProcessRun run, RunContext context)
    {
        if (batch.Count != 1)
        {
            return null;
        }
        var test = batch[0];
        return
        [
            run.TimedOut || run.Signal is not null || run.ExitCode != 0
                ? Results.Of(test, run, run.TimedOut ? TestOutcome.TimedOut : TestOutcome.Crashed, $"Catch2 did not report this test ({run.Describe()})")
                : Results.Of(test, run, TestOutcome.Failed, "Catch2 ran no test case of this name"),
        ];
    }

    /// <summary>
    /// A test's output: what Catch2 captured from <c>std::cout</c>/<c>std::cerr</c> during it (its XML reporter
    /// redirects those streams per test case). Output written past the streams (<c>printf</c>, child processes) is
    /// the whole batch's: it goes with the test when the batch was that test alone or the test did not pass.
    /// </summary>
    private static (string Output, string Error) Output(Case entry, ProcessRun run, bool withProcessOutput)
    {
        if (!withProcessOutput)
        {
            return (entry.StandardOutput, entry.StandardError);
        }
        return (Join(entry.StandardOutput, run.StandardOutput), Join(entry.StandardError, run.StandardError));

        static string Join(string captured, string process) =>
            captured.Length == 0 ? process : process.Length == 0 ? captured : $"{captured}--- output of the Catch2 process ---\n{process}";
    }

    /// <summary>The reported case for each test of the batch; Catch2 matches names ignoring case, so fall back to that.</summary>
    private static List<(TestCase Test, Case Entry)> Match(IReadOnlyList<TestCase> batch, List<Case> cases)
    {
        var exact = new Dictionary<string, Case>(StringComparer.Ordinal);
        var folded = new Dictionary<string, Case>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in cases)
        {
            exact.TryAdd(c.Name, c);
            folded.TryAdd(c.Name, c);
        }
        var matched = new List<(TestCase, Case)>();
        foreach (var test in batch)
        {
            if (exact.TryGetValue(test.FrameworkName, out var c) || folded.TryGetValue(test.FrameworkName, out c))
            {
                matched.Add((test, c));
            }
        }
        return matched;
    }

    private sealed class Case(string name)
    {
        public string Name { get; } = name;
        public bool? Success { get; set; }
        public TimeSpan? Duration { get; set; }
        public string? Message { get; set; }
        public string? File { get; set; }
        public int? Line { get; set; }
        public string? Fatal { get; set; }
        public string StandardOutput { get; set; } = "";
        public string StandardError { get; set; } = "";
    }

    /// <summary>Reads test cases in order until the document ends or breaks off.</summary>
    private static List<Case> Read(string path)
    {
        var cases = new List<Case>();
        var failures = new List<string>();
        Case? current = null;
        string? expressionType = null;
        string? original = null;
        string? expanded = null;
        string? element = null;
        var depthOfCase = -1;
        try
        {
            using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    switch (reader.Name)
                    {
                        case "TestCase" when current is null:
                            current = new Case(reader.GetAttribute("name") ?? "");
                            cases.Add(current);
                            failures.Clear();
                            depthOfCase = reader.Depth;
                            break;
                        case "Expression" when current is not null && reader.GetAttribute("success") == "false":
                            expressionType = reader.GetAttribute("type") ?? "CHECK";
                            original = expanded = null;
                            SetLocation(current, reader);
                            break;
                        case "Exception" or "FatalErrorCondition" when current is not null:
                            SetLocation(current, reader);
                            element = reader.Name;
                            break;
                        case "Original" or "Expanded" when expressionType is not null:
                            element = reader.Name;
                            break;
                        case "StdOut" or "StdErr" when current is not null:
                            element = reader.Name;
                            break;
                        case "OverallResult" when current is not null && reader.Depth == depthOfCase + 1:
                            current.Success = reader.GetAttribute("success") == "true";
                            if (double.TryParse(reader.GetAttribute("durationInSeconds"), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                            {
                                current.Duration = TimeSpan.FromSeconds(seconds);
                            }
                            break;
                    }
                }
                else if (current is not null && (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA
                    || (reader.NodeType is XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace && element is "StdOut" or "StdErr")))
                {
                    if (element is "StdOut" or "StdErr")
                    {
                        // Catch2 puts the captured text on lines of its own, the closing tag indented after it.
                        var captured = reader.Value.TrimStart('\n').TrimEnd(' ');
                        if (element == "StdOut")
                        {
                            current.StandardOutput += captured;
                        }
                        else
                        {
                            current.StandardError += captured;
                        }
                        continue;
                    }
                    var text = reader.Value.Trim();
                    switch (element)
                    {
                        case "Original":
                            original = text;
                            break;
                        case "Expanded":
                            expanded = text;
                            break;
                        case "Exception":
                            failures.Add($"exception: {text}");
                            current.Message = string.Join("\n", failures);
                            break;
                        case "FatalErrorCondition":
                            current.Fatal = text;
                            failures.Add(text);
                            current.Message = string.Join("\n", failures);
                            break;
                    }
                }
                else if (reader.NodeType == XmlNodeType.EndElement)
                {
                    if (reader.Name is "Original" or "Expanded" or "Exception" or "FatalErrorCondition" or "StdOut" or "StdErr")
                    {
                        element = null;
                    }
                    else if (reader.Name == "Expression" && expressionType is not null && current is not null)
                    {
                        var line = new StringBuilder($"{expressionType}( {original} )");
                        if (expanded is not null && expanded != original)
                        {
                            line.Append($" with expansion: {expanded}");
                        }
                        failures.Add(line.ToString());
                        current.Message = string.Join("\n", failures);
                        expressionType = null;
                    }
                    else if (reader.Name == "TestCase" && reader.Depth == depthOfCase)
                    {
                        current = null;
                    }
                }
            }
        }
        catch (XmlException)
        {
            // Truncated by a crash: what was read stands; the case being written has no OverallResult.
        }
        return cases;
    }

    private static void SetLocation(Case current, XmlReader reader)
    {
        if (current.File is null && reader.GetAttribute("filename") is { Length: > 0 } file)
        {
            current.File = file;
            current.Line = int.TryParse(reader.GetAttribute("line"), NumberStyles.None, CultureInfo.InvariantCulture, out var line) ? line : null;
        }
    }
}
