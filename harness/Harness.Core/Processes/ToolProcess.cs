using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Harness.Core.Processes;

/// <summary>What a tool printed, read to the end.</summary>
internal sealed record ToolOutput(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// The one way harness starts a tool that is not a test run (cargo, ctest, git, a test binary's listing): arguments
/// as a list, never through a shell, stdin closed at once (a tool waiting for input sees end of file, not a hang),
/// output redirected as UTF-8. Build tools hand each line to a callback as it arrives: cargo builds for minutes and
/// its progress must be shown live.
/// </summary>
internal static class ToolProcess
{
    /// <summary>The start of <paramref name="tool"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static ProcessStartInfo StartInfo(string tool, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    /// <summary>Runs <paramref name="tool"/> to the end and returns its exit code.</summary>
    /// <param name="subject">The path being discovered, named in the error when the tool cannot start.</param>
    /// <exception cref="Suites.Discovery.SuiteException">The tool could not be started.</exception>
    public static int Run(
        string tool,
        IEnumerable<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment,
        Action<string> standardOutputLine,
        Action<string> standardErrorLine,
        string subject)
    {
        var start = StartInfo(tool, arguments, workingDirectory);
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
            throw new Suites.Discovery.SuiteException($"{subject}: cannot run {tool} ({e.Message}); is it installed and on PATH?", e);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Without a timeout WaitForExit also waits until both streams reached their end, so no line is lost.
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>Runs <paramref name="start"/> (made by <see cref="StartInfo"/> or alike) and reads both streams to the end.</summary>
    /// <exception cref="Win32Exception">It could not be started.</exception>
    /// <exception cref="TimeoutException">It ran longer than <paramref name="timeout"/>; its process tree was killed. The message holds its stderr so far.</exception>
    public static ToolOutput Capture(ProcessStartInfo start, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(start);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the process did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException(error.Result);
        }
        process.WaitForExit();
        return new ToolOutput(process.ExitCode, output.Result, error.Result);
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
