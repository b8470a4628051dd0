using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Harness.Core.Coverage;
using Harness.Core.Model;
using Harness.Core.Profiling;
using Harness.Tracing;
using Microsoft.Win32.SafeHandles;

namespace Harness.Core.Processes;

/// <summary>
/// Runs a test process under the tracer instead of <see cref="ProcessGroup"/>: same inputs, same <see cref="ProcessRun"/>
/// out, hits merged into the run's <see cref="CoverageCollector"/> and stack samples filed in its <see cref="ProfileCollector"/>. The tracer
/// launches the process itself (in its own process group), so output goes through pipes we make: created
/// close-on-exec, so a test started in parallel never inherits another test's pipe ends.
/// </summary>
internal static partial class TracedProcess
{
    private const int OCloExec = 0x80000;

    /// <summary>Where a traced process's hits and samples go, and the tests they are filed under.</summary>
    /// <param name="Hits">Receives the process's own hits, after they were merged into <paramref name="Coverage"/>.</param>
    public sealed record Observers(CoverageCollector? Coverage, ProfileCollector? Profile, IReadOnlyList<string> Tests, Action<IReadOnlyList<ImageHits>>? Hits);

    public static ProcessRun Run(TestBinary binary, IEnumerable<string> arguments, TimeSpan? timeout, TimeSpan killGrace, Observers observers,
        CancellationToken cancellation, BatchProgress? progress = null, int maxOutput = OutputCapture.DefaultLimit, Action<OutputStream, string>? lines = null)
    {
        var (coverage, profile) = (observers.Coverage, observers.Profile);
        cancellation.ThrowIfCancellationRequested();
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        if (!File.Exists(binary.Path))
        {
            return new ProcessRun(null, null, false, $"could not start {binary.Path}: no such file", started, clock.Elapsed, "", "");
        }
        var environment = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        TestProcessStart.ApplyEnvironment(binary, environment);

        var (outRead, outWrite) = Pipe();
        var (errRead, errWrite) = Pipe();
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read);
        using var outReader = new StreamReader(new FileStream(outRead, FileAccess.Read), Encoding.UTF8);
        using var errReader = new StreamReader(new FileStream(errRead, FileAccess.Read), Encoding.UTF8);
        var output = new OutputCapture(outReader, (progress as BatchProgress.OutputLines)?.Prefix, maxOutput, OutputCapture.Lines(lines, OutputStream.Stdout));
        var error = new OutputCapture(errReader, limit: maxOutput, onLine: OutputCapture.Lines(lines, OutputStream.Stderr));
        using var deadline = TestDeadline.For(timeout, progress, output);
        TraceResult result;
        try
        {
            var options = new LaunchOptions(binary.Path, [.. binary.Arguments, .. arguments])
            {
                Environment = environment.ToDictionary(e => e.Key, e => e.Value ?? "", StringComparer.Ordinal),
                WorkingDirectory = binary.WorkingDirectory,
                NewProcessGroup = true,
                StandardInput = (int)devNull.DangerousGetHandle(),
                StandardOutput = (int)outWrite.DangerousGetHandle(),
                StandardError = (int)errWrite.DangerousGetHandle(),
                TimeoutToken = deadline.Expired,
                KillGrace = killGrace,
                SampleRate = profile?.Rate,
            };
            result = Tracer.Run(options, coverage?.Planner ?? (IProbePlanner)NoProbes.Instance, cancellation);
        }
        catch (TracerException e)
        {
            return new ProcessRun(null, null, false, $"could not trace {binary.Path}: {e.Message}", started, clock.Elapsed, "", "");
        }
        finally
        {
            // Every traced process is gone now: closing our write ends lets the readers see end of file.
            outWrite.Dispose();
            errWrite.Dispose();
        }
        var duration = clock.Elapsed;
        Task.WaitAll([output.Completion, error.Completion], TimeSpan.FromSeconds(5));
        if (coverage is not null)
        {
            var own = coverage.Add(result.Images, observers.Tests);
            observers.Hits?.Invoke(own);
        }
        if (result.Profile is { } samples)
        {
            profile?.Add(samples, observers.Tests);
        }
        if (result.Cancelled)
        {
            throw new OperationCanceledException(cancellation);
        }
        return new ProcessRun(result.ExitCode, result.TerminatingSignal, result.TimedOut, null, started, duration, output.Text, error.Text);
    }

    private static (SafeFileHandle Read, SafeFileHandle Write) Pipe()
    {
        Span<int> fds = stackalloc int[2];
        if (Pipe2(ref MemoryMarshal.GetReference(fds), OCloExec) != 0)
        {
            throw new IOException($"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return (new SafeFileHandle(fds[0], ownsHandle: true), new SafeFileHandle(fds[1], ownsHandle: true));
    }

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(ref int fds, int flags);
}
