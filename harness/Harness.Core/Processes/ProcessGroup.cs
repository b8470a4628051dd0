using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Harness.Core.Model;

namespace Harness.Core.Processes;

/// <summary>How a test process ended.</summary>
/// <param name="ExitCode">Its exit code when it exited normally.</param>
/// <param name="Signal">The signal that killed it, when one did (including our own SIGTERM/SIGKILL after a timeout).</param>
/// <param name="TimedOut">It was still running when the timeout expired.</param>
/// <param name="StartError">Why it could not be started, if it could not.</param>
internal sealed record ProcessRun(
    int? ExitCode,
    int? Signal,
    bool TimedOut,
    string? StartError,
    DateTimeOffset Started,
    TimeSpan Duration,
    string StandardOutput,
    string StandardError)
{
    /// <summary>A short description of how it ended, for failure messages.</summary>
    public string Describe() =>
        StartError ?? (TimedOut ? "timed out" : Signal is { } signal ? $"killed by {Signals.Name(signal)}" : $"exit code {ExitCode}");
}

/// <summary>Signal numbers and names (Linux).</summary>
internal static class Signals
{
    public const int Term = 15;
    public const int Kill = 9;

    public static string Name(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        10 => "SIGUSR1",
        11 => "SIGSEGV",
        12 => "SIGUSR2",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        31 => "SIGSYS",
        _ => $"signal {signal}",
    };
}

internal static partial class Native
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/> to every process of group <paramref name="processGroup"/>; a group already gone is fine.</summary>
    public static void KillGroup(int processGroup, int signal)
    {
        if (processGroup > 1)
        {
            _ = Kill(-processGroup, signal);
        }
    }

    /// <summary>Whether any process is left in group <paramref name="processGroup"/> (signal 0 probes without sending).</summary>
    public static bool GroupExists(int processGroup) => processGroup > 1 && Kill(-processGroup, 0) == 0;
}

/// <summary>
/// Runs one test process in its own process group, through <c>setsid</c>: a child started by .NET is not a
/// group leader, so <c>setsid</c> makes a new session and execs the program in place, and the pid is the group
/// id. A timeout sends SIGTERM to the group, then SIGKILL after the grace; cancellation sends SIGKILL. When the
/// test ends, whatever it left running is killed, escaped daemons included (<see cref="Orphans"/>).
/// </summary>
internal static class ProcessGroup
{
    private const string SetSid = "/usr/bin/setsid";

    /// <summary>How long to wait for the output pipes to close after the process exited (a grandchild may hold them).</summary>
    private static readonly TimeSpan PipeGrace = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="binary"/> with its fixed arguments, then <paramref name="arguments"/>.</summary>
    /// <param name="timeout">Per test: a batch's clock restarts at each test it starts, as <paramref name="progress"/> tells.</param>
    /// <param name="lines">Receives each line of output as the process prints it (see <see cref="OutputCapture"/>); all before this returns.</param>
    /// <exception cref="OperationCanceledException">Cancelled; the process group was killed first.</exception>
    public static ProcessRun Run(TestBinary binary, IEnumerable<string> arguments, TimeSpan? timeout, TimeSpan killGrace, CancellationToken cancellation,
        BatchProgress? progress = null, int maxOutput = OutputCapture.DefaultLimit, Action<OutputStream, string>? lines = null)
    {
        cancellation.ThrowIfCancellationRequested();
        var start = TestProcessStart.For(binary, arguments, File.Exists(SetSid) ? SetSid : "setsid");
        var token = Orphans.NewToken();
        start.Environment[Orphans.TokenVariable] = token;
        Orphans.BecomeSubreaper();

        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        if (!File.Exists(binary.Path))
        {
            // setsid would report this as its own exit code; say what happened instead.
            return new ProcessRun(null, null, false, $"could not start {binary.Path}: no such file", started, clock.Elapsed, "", "");
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("the process did not start");
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            return new ProcessRun(null, null, false, $"could not start {binary.Path} in {binary.WorkingDirectory}: {e.Message}",
                started, clock.Elapsed, "", "");
        }

        using (process)
        {
            var group = process.Id;
            process.StandardInput.Close();
            var output = new OutputCapture(process.StandardOutput, (progress as BatchProgress.OutputLines)?.Prefix, maxOutput, OutputCapture.Lines(lines, OutputStream.Stdout));
            var error = new OutputCapture(process.StandardError, limit: maxOutput, onLine: OutputCapture.Lines(lines, OutputStream.Stderr));
            var exited = process.WaitForExitAsync(CancellationToken.None);
            var timedOut = false;
            using var deadline = TestDeadline.For(timeout, progress, output);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation, deadline.Expired);
            try
            {
                exited.Wait(stop.Token);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                timedOut = true;
                Native.KillGroup(group, Signals.Term);
                exited.Wait(killGrace, CancellationToken.None);
                // Whether or not the leader went on SIGTERM, nothing of the group may outlive the timeout.
                Native.KillGroup(group, Signals.Kill);
                exited.Wait(CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                Native.KillGroup(group, Signals.Kill);
                exited.Wait(CancellationToken.None);
                Orphans.Reap(group, token);
                Drain(output, error, group);
                throw;
            }
            var duration = clock.Elapsed;
            // No orphans: what the test left running (in its group, or escaped from it) ends with it.
            Orphans.Reap(group, token);
            Drain(output, error, group);

            // .NET reports a death by signal as 128 + the signal number.
            var code = process.ExitCode;
            int? signal = code is > 128 and < 128 + 65 ? code - 128 : null;
            return new ProcessRun(signal is null ? code : null, signal, timedOut, null, started, duration, output.Text, error.Text);
        }
    }

    /// <summary>Waits for both pipes to close; kills what is left of the group when a grandchild keeps them open.</summary>
    private static void Drain(OutputCapture output, OutputCapture error, int group)
    {
        try
        {
            if (!Task.WaitAll([output.Completion, error.Completion], PipeGrace))
            {
                Native.KillGroup(group, Signals.Kill);
                Task.WaitAll([output.Completion, error.Completion], PipeGrace);
            }
        }
        catch (AggregateException)
        {
            // A pipe that failed to read leaves its text empty; the exit status still stands.
        }
    }
}
