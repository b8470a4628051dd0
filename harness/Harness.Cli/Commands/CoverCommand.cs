using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Harness.Core.Coverage;
using Harness.Core.Suites.Discovery;
using Harness.Reporters.Coverage;
using Harness.Tracing;

namespace Harness.Cli.Commands;

/// <summary>
/// <c>harness cover -- PROGRAM [ARGS…]</c>: runs a program under breakpoint coverage (no rebuild, any
/// <c>-g</c> binary), writes LCOV and Cobertura, prints a one-line summary on stderr (stdout is the program's), and
/// exits as the program did.
/// </summary>
internal static class CoverCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Directory for lcov.info and coverage.cobertura.xml.", DefaultValueFactory = _ => "harness-out" };
        var include = new Option<string[]>("--include") { Description = "Glob of source files to cover (repeatable); replaces the default selection.", AllowMultipleArgumentsPerToken = false };
        var exclude = new Option<string[]>("--exclude") { Description = "Glob of source files to leave out (repeatable)." };
        var timeout = new Option<double?>("--timeout") { Description = "Kill the program's whole process tree after this many seconds; coverage so far is kept." };
        var probes = new Option<ProbeMode>("--probes") { Description = "Where probes go: lines (one per source line, the default) or blocks (decoded basic blocks, dominator-pruned: fewer traps, costlier start-up).", DefaultValueFactory = _ => ProbeMode.Lines };
        var verbose = new Option<bool>("--verbose") { Description = "Also print the tracer's counters (processes, threads, breakpoints, traps, timings)." };
        var command = new Argument<string[]>("PROGRAM") { Description = "The program and its arguments, after --.", Arity = ArgumentArity.OneOrMore };
        var cover = new Command("cover", "Run a program under breakpoint line coverage and write LCOV and Cobertura reports.")
        {
            output,
            include,
            exclude,
            timeout,
            probes,
            verbose,
            command,
        };
        var branches = new BranchOptions();
        branches.AddTo(cover);
        cover.SetAction((result, cancellation) => Task.FromResult(Run(
            result.GetValue(command)!,
            result.GetValue(output)!,
            result.GetValue(include) ?? [],
            result.GetValue(exclude) ?? [],
            result.GetValue(timeout),
            result.GetValue(probes),
            branches.Value(result),
            result.GetValue(verbose),
            cancellation)));
        return cover;
    }

    private static int Run(string[] command, string outputDirectory, string[] includes, string[] excludes, double? timeoutSeconds, ProbeMode probes, BranchCoverage branches, bool verbose, CancellationToken cancellation)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var program = ResolveProgram(command[0]);
        if (program is null)
        {
            Console.Error.WriteLine($"harness: {command[0]}: no such program");
            return 2;
        }
        // Never through /bin/sh: execve's ENOEXEC would make the launcher's shell run a data or text file as a script.
        if (ExecutableFile.Problem(program, allowScript: true) is { } problem)
        {
            Console.Error.WriteLine($"harness: {program}: cannot run it: {problem}");
            return 2;
        }
        if (timeoutSeconds is <= 0)
        {
            Console.Error.WriteLine("harness: --timeout must be a positive number of seconds");
            return 2;
        }
        using var output = OutputDirectory.TryOpen(outputDirectory, CoverageWriters.FileNames);
        if (output is null)
        {
            return 2;
        }
        var planner = new CoveragePlanner(new SourceSelection(includes, excludes), probes, branches);
        planner.Named(program);
        var options = new LaunchOptions(program, command[1..])
        {
            Timeout = timeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        };

        // Ctrl-C or SIGTERM: kill the traced tree, then still write what was collected.
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; interrupted.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; interrupted.Cancel(); });

        TraceResult result;
        try
        {
            result = Tracer.Run(options, planner, interrupted.Token);
        }
        catch (HarnessException e)
        {
            Console.Error.WriteLine(ErrorLine.For(e));
            return 2;
        }
        CoverageSummary.PrintWarnings(planner);
        var traced = clock.Elapsed;
        var report = planner.Report(result.Images);
        try
        {
            CoverageWriters.WriteAll(report, outputDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"harness: {outputDirectory}: cannot write the report: {e.Message}");
            return 2;
        }

        var ending = result switch
        {
            { TimedOut: true } => $"timed out after {timeoutSeconds} s, killed",
            { Cancelled: true } => "interrupted, killed",
            { TerminatingSignal: { } signal } => $"killed by signal {signal}",
            { ExitCode: { } code } => $"exit code {code}",
            _ => "ended",
        };
        // On stderr: stdout is the program's own, passed through unchanged (`harness cover -- prog | jq` must still work).
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"harness: {CoverageSummary.Lines(report)}; {Path.GetFileName(program)}: {ending}; reports in {DisplayPath.For(outputDirectory)}"));
        if (verbose)
        {
            var stats = result.Statistics;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"harness: {stats.Processes} processes, {stats.Threads} threads, {stats.BreakpointsInserted} breakpoints, {stats.Traps} traps ({FormatProbes(planner)}); seize to exec {stats.SeizeToExec.TotalMilliseconds:F1} ms, handling stops {stats.HandlingTime.TotalMilliseconds:F0} ms, traced run {traced.TotalMilliseconds:F0} ms, reports {(clock.Elapsed - traced).TotalMilliseconds:F0} ms"));
        }
        // Killed by us: 137 (SIGKILL) after a timeout, 130 (SIGINT) when interrupted, as a shell reports them.
        return result.TimedOut ? 128 + 9 : result.Cancelled ? 128 + 2 : result.ShellStatus;
    }

    private static string FormatProbes(CoveragePlanner planner)
    {
        if (planner.Mode == ProbeMode.Lines)
        {
            return "line probes";
        }
        var (decoded, lineProbed) = planner.FunctionCounts();
        return $"block probes: {decoded} functions decoded, {lineProbed} probed by line";
    }

    /// <summary>The program as a path: as given when it contains a '/', else looked up on PATH like execvp.</summary>
    internal static string? ResolveProgram(string name)
    {
        if (name.Contains('/'))
        {
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        }
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
