using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Harness.Tracing.Tests.Support;

/// <summary>Checks and cleans up the processes of a traced tree by pid, through /proc and kill(2).</summary>
internal static partial class ProcessTree
{
    private const int SigKill = 9;

    /// <summary>
    /// The <c>sleeper</c> fixture's stderr line <c>sleeper: parent P child C</c>, or null when it has not
    /// been written yet.
    /// </summary>
    public static (int Parent, int Child)? SleeperPids(string stderr)
    {
        var match = SleeperLine().Match(stderr);
        return match.Success
            ? (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>Waits up to <paramref name="limit"/> for the files the tracee writes to show both "started" and its pids.</summary>
    public static (int Parent, int Child) WaitForSleeper(string stdoutPath, string stderrPath, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (File.ReadAllText(stdoutPath) == "started\n" && SleeperPids(File.ReadAllText(stderrPath)) is { } pids)
            {
                return pids;
            }
            Thread.Sleep(10);
        }
        throw new TimeoutException($"sleeper did not report its pids within {limit}: stdout '{File.ReadAllText(stdoutPath)}', stderr '{File.ReadAllText(stderrPath)}'");
    }

    /// <summary>
    /// Fails unless the process is gone. A zombie is dead but not yet reaped; give whoever reaps it (init, for
    /// an orphaned child) <paramref name="grace"/>, then accept a zombie only when this process is not its parent
    /// (we would be the one leaking it).
    /// </summary>
    public static void AssertGone(int pid, string role, TimeSpan grace)
    {
        var clock = Stopwatch.StartNew();
        string? state;
        while ((state = State(pid, out _)) is not null && clock.Elapsed < grace)
        {
            Thread.Sleep(20);
        }
        state = State(pid, out var parent);
        if (state is null)
        {
            return;
        }
        Assert.True(state == "Z", $"{role} (pid {pid}) is still alive in state {state} {grace.TotalSeconds} s after the traced run ended");
        Assert.True(parent != Environment.ProcessId, $"{role} (pid {pid}) is a zombie of the test process: the tracer did not reap it");
    }

    /// <summary>SIGKILL, for cleaning up after a failed test so that a 60 s sleeper does not outlive it.</summary>
    public static void Kill(int pid) => _ = NativeKill(pid, SigKill);

    /// <summary>The state letter from /proc/PID/stat and the parent pid, or null when there is no such process.</summary>
    private static string? State(int pid, out int parent)
    {
        parent = 0;
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // "pid (comm) S ppid …": comm may contain spaces and parentheses, so split after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
        return fields[0];
    }

    [GeneratedRegex(@"sleeper: parent (\d+) child (\d+)")]
    private static partial Regex SleeperLine();

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int NativeKill(int pid, int signal);
}
