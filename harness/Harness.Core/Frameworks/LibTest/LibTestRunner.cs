using System.Globalization;
using System.Text.RegularExpressions;
using Harness.Core.Frameworks;
using Harness.Core.Model;
using Harness.Core.Processes;

namespace Harness.Core.Frameworks.LibTest;

/// <summary>Rust libtest: one process per test, <c>BIN --exact NAME --nocapture [--ignored]</c>; exit 101 on failure.</summary>
internal static partial class LibTestRunner
{
    private const int FailureExitCode = 101;

    public static TestResult Run(TestCase test, RunContext context)
    {
        if (test.IsIgnored && !context.RunIgnored)
        {
            return Results.Skipped(test, "ignored");
        }
        var isDocTest = LibTestLister.IsDocTest(test.FrameworkName);
        List<string> arguments = [.. isDocTest ? DocTestFilter(test.FrameworkName) : ["--exact", test.FrameworkName], "--nocapture"];
        if (test.IsIgnored)
        {
            arguments.Add("--ignored");
        }
        var run = context.Start(arguments);
        if (run.StartError is not null || run.TimedOut || run.Signal is not null)
        {
            return Results.FromExit(test, run, context.Timeout);
        }
        if (isDocTest)
        {
            return DocTestResult(test, run, context.Binary.WorkingDirectory);
        }
        var summaries = Summary().Matches(run.StandardOutput);
        if (summaries.Count == 0 && run.ExitCode != FailureExitCode)
        {
            // libtest prints its summary before it exits: without one, the test ended the process itself
            // (std::process::exit), and exit code 0 is not a pass.
            return Results.Of(test, run, run.ExitCode == 0 ? TestOutcome.Failed : TestOutcome.Crashed,
                $"the test exited the process (code {run.ExitCode}) before libtest reported it");
        }
        if (run.ExitCode == 0)
        {
            if (summaries.Sum(s => int.Parse(s.Groups["passed"].Value, CultureInfo.InvariantCulture)) == 0)
            {
                return Results.Of(test, run, TestOutcome.Failed,
                    $"libtest ran no test named '{test.FrameworkName}' (exit code 0 but nothing passed): the binary does not hold it");
            }
            return Results.Of(test, run, TestOutcome.Passed, null);
        }
        if (run.ExitCode == FailureExitCode)
        {
            var (message, file, line) = Failure(test, run, context.Binary.WorkingDirectory);
            return Results.Of(test, run, TestOutcome.Failed, message ?? "test failed (exit code 101)", file, line);
        }
        // libtest itself only exits 0 or 101; anything else is the process going away (abort, exit after the summary).
        return Results.Of(test, run, TestOutcome.Crashed, $"exit code {run.ExitCode}");
    }

    /// <summary>
    /// cargo hands rustdoc the arguments after <c>--</c> as <c>--test-args</c>, which rustdoc splits at whitespace, and
    /// every doctest name has spaces: <c>--exact NAME</c> can never match. The filter is the name's line token
    /// (<c>9)</c> of <c>… (line 9)</c>), which selects this test and few others (lines 19, 29…); the verdict is this test's
    /// own <c>test NAME ... ok</c> line.
    /// </summary>
    private static string[] DocTestFilter(string name) => [name[(name.LastIndexOf(' ') + 1)..]];

    private static TestResult DocTestResult(TestCase test, ProcessRun run, string workingDirectory)
    {
        foreach (Match line in DocTestLine().Matches(run.StandardOutput))
        {
            if (line.Groups["name"].Value != test.FrameworkName)
            {
                continue;
            }
            switch (line.Groups["result"].Value)
            {
                case "ok":
                    return Results.Of(test, run, TestOutcome.Passed, null);
                case "ignored":
                    return Results.Skipped(test, "ignored");
                default:
                    var (message, file, at) = Failure(test, run, workingDirectory);
                    // Else rustdoc's own reason, on stderr under --nocapture ("Test compiled successfully, but it's marked
                    // `compile_fail`."), which cargo's "error: doctest failed" may follow on the same line.
                    message ??= run.StandardError.Split('\n')
                        .Where(l => l.StartsWith("Test ", StringComparison.Ordinal))
                        .Select(l => l.Split("error: doctest failed")[0].TrimEnd())
                        .FirstOrDefault();
                    return Results.Of(test, run, TestOutcome.Failed, message ?? $"doctest failed (exit code {run.ExitCode})", file, at);
            }
        }
        return Results.Of(test, run, run.ExitCode == 0 ? TestOutcome.Failed : TestOutcome.Crashed,
            $"rustdoc ran no doctest named '{test.FrameworkName}' (exit code {run.ExitCode})");
    }

    /// <summary>
    /// Why a test failed, in libtest's words: its note when it has one (a <c>should_panic</c> test that panicked
    /// with the wrong message, or did not panic), else the panic, else what a test returning <c>Err(e)</c> printed
    /// (<c>Error: e</c>, from <c>Termination</c>).
    /// </summary>
    internal static (string? Message, string? File, int? Line) Failure(TestCase test, ProcessRun run, string workingDirectory)
    {
        // A doctest's panic is in rustdoc's report on stdout ("Test executable failed … stderr:").
        var panic = ParsePanic(run.StandardError, workingDirectory);
        if (panic is { Message: null, File: null })
        {
            panic = ParsePanic(run.StandardOutput, workingDirectory);
        }
        if (Note(run.StandardOutput, test.FrameworkName) is { } note)
        {
            if (NoPanicNote().Match(note) is { Success: true } where)
            {
                var line = int.TryParse(where.Groups["line"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : (int?)null;
                return ("test did not panic as expected", Resolve(where.Groups["file"].Value, workingDirectory), line);
            }
            return (note, panic.File, panic.Line);
        }
        if (panic.Message is not null || panic.File is not null)
        {
            return panic;
        }
        var error = run.StandardError.Split('\n').Select(l => l.TrimEnd('\r')).SkipWhile(l => !l.StartsWith("Error: ", StringComparison.Ordinal)).ToList();
        return error.Count > 0 ? (string.Join('\n', error).TrimEnd('\n'), null, null) : (null, null, null);
    }

    /// <summary>The <c>note: …</c> lines libtest printed in the test's <c>---- NAME stdout ----</c> section, up to a blank line.</summary>
    private static string? Note(string standardOutput, string name)
    {
        var lines = standardOutput.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var header = lines.IndexOf($"---- {name} stdout ----");
        if (header < 0)
        {
            return null;
        }
        var start = lines.FindIndex(header + 1, l => l.StartsWith("note: ", StringComparison.Ordinal) || l.StartsWith("---- ", StringComparison.Ordinal) || l == "failures:");
        if (start < 0 || !lines[start].StartsWith("note: ", StringComparison.Ordinal))
        {
            return null;
        }
        var end = lines.FindIndex(start, l => l.Length == 0);
        var note = lines.GetRange(start, (end < 0 ? lines.Count : end) - start);
        note[0] = note[0]["note: ".Length..];
        return string.Join('\n', note);
    }

    /// <summary>The first panic in <paramref name="standardError"/>: its message and location.</summary>
    internal static (string? Message, string? File, int? Line) ParsePanic(string standardError, string workingDirectory)
    {
        var lines = standardError.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        for (var i = 0; i < lines.Length; i++)
        {
            var match = PanicLine().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }
            var message = new List<string>();
            if (match.Groups["rest"].Value.Trim() is { Length: > 0 } inline)
            {
                message.Add(inline);
            }
            for (var j = i + 1; j < lines.Length; j++)
            {
                var text = lines[j];
                if (text.StartsWith("note: ", StringComparison.Ordinal) || text.StartsWith("stack backtrace:", StringComparison.Ordinal)
                    || PanicLine().IsMatch(text) || (text.Length == 0 && j == lines.Length - 1))
                {
                    break;
                }
                message.Add(text);
            }
            while (message.Count > 0 && message[^1].Length == 0)
            {
                message.RemoveAt(message.Count - 1);
            }
            var line = int.TryParse(match.Groups["line"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : (int?)null;
            return (message.Count > 0 ? string.Join('\n', message) : null, Resolve(match.Groups["file"].Value, workingDirectory), line);
        }
        return (null, null, null);
    }

    /// <summary>
    /// Panic locations are relative to where cargo compiled the crate: the package's directory or, in a workspace,
    /// the workspace root. Tries the working directory, then the enclosing directories with a <c>Cargo.toml</c>;
    /// keeps the path as printed when none holds it.
    /// </summary>
    private static string Resolve(string file, string workingDirectory)
    {
        if (Path.IsPathRooted(file) || string.IsNullOrEmpty(workingDirectory))
        {
            return file;
        }
        for (var directory = new DirectoryInfo(workingDirectory); directory is not null; directory = directory.Parent)
        {
            var first = directory.FullName == Path.GetFullPath(workingDirectory);
            if (!first && !File.Exists(Path.Combine(directory.FullName, "Cargo.toml")))
            {
                continue;
            }
            var candidate = Path.GetFullPath(Path.Combine(directory.FullName, file));
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return file;
    }

    [GeneratedRegex(@"^thread '.*' (\(\d+\) )?panicked at (?<file>.+?):(?<line>\d+):(?<column>\d+):(?<rest>.*)$")]
    private static partial Regex PanicLine();

    /// <summary>
    /// A doctest's verdict: <c>test NAME ... ok</c>, or <c>NAME --- FAILED</c> when the test wrote output after libtest's
    /// <c>test NAME ...</c>; rustdoc adds <c> - compile</c> (no_run) or <c> - compile fail</c> to the name it prints.
    /// </summary>
    [GeneratedRegex(@"^(?:test )?(?<name>.+?)(?: - compile(?: fail)?)? (?:\.\.\.|---) (?<result>ok|FAILED|ignored)\r?$", RegexOptions.Multiline)]
    private static partial Regex DocTestLine();

    [GeneratedRegex(@"^test result: (ok|FAILED)\. (?<passed>\d+) passed", RegexOptions.Multiline)]
    private static partial Regex Summary();

    [GeneratedRegex(@"^test did not panic as expected at (?<file>.+?):(?<line>\d+):(?<column>\d+)")]
    private static partial Regex NoPanicNote();
}
