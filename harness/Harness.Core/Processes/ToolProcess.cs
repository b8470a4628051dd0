using System.ComponentModel;
using System.Diagnostics;
using Harness.Core.Suites.Discovery;

namespace Harness.Core.Processes;

/// <summary>
/// Runs a build or listing tool (cargo, ctest) with arguments as a list, never through a shell, handing each
/// line of its output to a callback as it arrives: cargo builds for minutes and its progress must be shown live.
/// </summary>
internal static class ToolProcess
{
    /// <summary>Runs <paramref name="tool"/> to the end and returns its exit code.</summary>
    /// <param name="subject">The path being discovered, named in the error when the tool cannot start.</param>
    public static int Run(
        string tool,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment,
        Action<string> standardOutputLine,
        Action<string> standardErrorLine,
        string subject)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                standardOutputLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                standardErrorLine(e.Data);
            }
        };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new SuiteException($"{subject}: cannot run {tool} ({e.Message}); is it installed and on PATH?", e);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Without a timeout WaitForExit also waits until both streams reached their end, so no line is lost.
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>The full path of <paramref name="tool"/> as PATH resolves it, or the bare name when not found.</summary>
    public static string Resolve(string tool)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return tool;
    }
}
