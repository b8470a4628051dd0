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
        List<string> arguments = ["--exact", test.FrameworkName, "--nocapture"];
        if (test.IsIgnored)
        {
            arguments.Add("--ignored");
        }
        var run = context.Start(arguments);
        if (run.StartError is not null || run.TimedOut || run.Signal is not null)
        {
            return Results.FromExit(test, run, context.Timeout);
        }
        var summary = Summary().Match(run.StandardOutput);
        if (!summary.Success && run.ExitCode != FailureExitCode)
        {
            // libtest prints its summary before it exits: without one, the test ended the process itself
            // (std::process::exit), and exit code 0 is not a pass.
            return Results.Of(test, run, run.ExitCode == 0 ? TestOutcome.Failed : TestOutcome.Crashed,
                $"the test exited the process (code {run.ExitCode}) before libtest reported it");
        }
        if (run.ExitCode == 0)
        {
            if (int.Parse(summary.Groups["passed"].Value, CultureInfo.InvariantCulture) == 0)
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
    /// Why a test failed, in libtest's words: its note when it has one (a <c>should_panic</c> test that panicked
    /// with the wrong message, or did not panic), else the panic, else what a test returning <c>Err(e)</c> printed
    /// (<c>Error: e</c>, from <c>Termination</c>).
    /// </summary>
    internal static (string? Message, string? File, int? Line) Failure(TestCase test, ProcessRun run, string workingDirectory)
    {
        var panic = ParsePanic(run.StandardError, workingDirectory);
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

    [GeneratedRegex(@"^test result: (ok|FAILED)\. (?<passed>\d+) passed", RegexOptions.Multiline)]
    private static partial Regex Summary();

    [GeneratedRegex(@"^test did not panic as expected at (?<file>.+?):(?<line>\d+):(?<column>\d+)")]
    private static partial Regex NoPanicNote();
}
