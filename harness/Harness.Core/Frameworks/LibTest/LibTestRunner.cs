using System.Globalization;
using System.Text.RegularExpressions;
using Harness.Core.Frameworks;
using Harness.Core.Model;

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
        if (run.ExitCode == 0)
        {
            var summary = Summary().Match(run.StandardOutput);
            if (!summary.Success || int.Parse(summary.Groups["passed"].Value, CultureInfo.InvariantCulture) == 0)
            {
                return Results.Of(test, run, TestOutcome.Failed,
                    $"libtest ran no test named '{test.FrameworkName}' (exit code 0 but nothing passed): the binary does not hold it");
            }
            return Results.Of(test, run, TestOutcome.Passed, null);
        }
        if (run.ExitCode == FailureExitCode)
        {
            var (message, file, line) = ParsePanic(run.StandardError, context.Binary.WorkingDirectory);
            return Results.Of(test, run, TestOutcome.Failed, message ?? "test failed (exit code 101)", file, line);
        }
        // libtest itself only exits 0 or 101; anything else is the process going away (std::process::exit, abort).
        return Results.Of(test, run, TestOutcome.Crashed, $"exit code {run.ExitCode}");
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

    [GeneratedRegex(@"^test result: ok\. (?<passed>\d+) passed", RegexOptions.Multiline)]
    private static partial Regex Summary();
}
