using System.Diagnostics;
using System.Text;
using Harness.Core.Coverage;

namespace Harness.Tracing.Tests.Support;

/// <summary>
/// One program run in-process under <see cref="Tracer.Run"/> with a <see cref="CoveragePlanner"/>, its stdout
/// and stderr redirected to files (raw descriptors in <see cref="LaunchOptions"/>) and read back as bytes.
/// </summary>
internal sealed record TracedRun(TraceResult Result, CoverageReport Report, byte[] StandardOutput, string StandardError, TimeSpan Elapsed)
{
    public string Output => Encoding.UTF8.GetString(StandardOutput);

    /// <summary>Runs <paramref name="program"/> to its end (or timeout / cancellation) under the tracer.</summary>
    /// <param name="configure">Adjusts the launch options (timeout, working directory) before the run.</param>
    /// <param name="whileRunning">Called on the test's thread once the tracer has started: the output files and the run's completion.</param>
    public static TracedRun Start(
        string program,
        IReadOnlyList<string> arguments,
        Func<LaunchOptions, LaunchOptions>? configure = null,
        SourceSelection? selection = null,
        CancellationToken cancellation = default,
        Action<RunningTrace>? whileRunning = null,
        ProbeMode mode = ProbeMode.Lines,
        BranchCoverage branches = BranchCoverage.Off)
    {
        using var files = new TempDirectory("run");
        var stdoutPath = files.File("stdout");
        var stderrPath = files.File("stderr");
        var planner = new CoveragePlanner(selection ?? new SourceSelection(), mode, branches);
        TraceResult result;
        var clock = Stopwatch.StartNew();
        // The handles stay open for the whole run: the tracee gets dup2()ed copies of these descriptors.
        using (var stdin = System.IO.File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read))
        using (var stdout = System.IO.File.OpenHandle(stdoutPath, FileMode.CreateNew, FileAccess.Write))
        using (var stderr = System.IO.File.OpenHandle(stderrPath, FileMode.CreateNew, FileAccess.Write))
        {
            var options = new LaunchOptions(program, arguments)
            {
                StandardInput = (int)stdin.DangerousGetHandle(),
                StandardOutput = (int)stdout.DangerousGetHandle(),
                StandardError = (int)stderr.DangerousGetHandle(),
            };
            options = configure?.Invoke(options) ?? options;
            if (whileRunning is null)
            {
                result = Tracer.Run(options, planner, cancellation);
            }
            else
            {
                // Tracer.Run blocks; it runs its own ptrace thread, so any thread may call it.
                var run = Task.Factory.StartNew(() => Tracer.Run(options, planner, cancellation), TaskCreationOptions.LongRunning);
                whileRunning(new RunningTrace(stdoutPath, stderrPath, run));
                result = run.GetAwaiter().GetResult();
            }
        }
        clock.Stop();
        return new TracedRun(result, planner.Report(result.Images), System.IO.File.ReadAllBytes(stdoutPath), System.IO.File.ReadAllText(stderrPath), clock.Elapsed);
    }

    /// <summary>The coverage of the one file whose path ends with <paramref name="suffix"/> (a name, or a path tail such as <c>calc/src/lib.rs</c>).</summary>
    public FileCoverage File(string suffix)
    {
        var matches = Report.Files.Where(f => f.Path.EndsWith("/" + suffix, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"expected one covered file ending with {suffix}, found {matches.Count} among: {string.Join(", ", Report.Files.Select(f => f.Path))}");
        return matches[0];
    }

    /// <summary>Images' known facts summed: in line mode, each counts a source line whose breakpoint fired at least once.</summary>
    public int HitGroups => Result.Images.Sum(i => i.HitCount);

    public override string ToString() =>
        $"exit {Result.ExitCode?.ToString() ?? "-"}, signal {Result.TerminatingSignal?.ToString() ?? "-"}, timed out {Result.TimedOut}, cancelled {Result.Cancelled}, {Elapsed.TotalMilliseconds:F0} ms\nstdout:\n{Output}\nstderr:\n{StandardError}";
}

/// <summary>A traced run in progress: where its output goes, and the task that ends with its result.</summary>
internal sealed record RunningTrace(string StandardOutputPath, string StandardErrorPath, Task<TraceResult> Completion);
