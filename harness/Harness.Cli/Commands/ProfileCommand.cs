using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Harness.Core.Profiling;
using Harness.Tracing;

namespace Harness.Cli.Commands;

/// <summary>
/// <c>harness profile -- PROGRAM [ARGS…]</c>: runs one program under the tracer with stack sampling (no rebuild;
/// frame pointers give full stacks, without them only the innermost function is certain), writes its folded
/// stacks, speedscope file and profile.json, prints the top functions, and exits as the program did.
/// </summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Directory for profile.json and profile/ (folded stacks, speedscope).", DefaultValueFactory = _ => "harness-out" };
        var rate = new Option<int>("--rate") { Description = "Samples per second per thread (1–10000).", DefaultValueFactory = _ => ProfileCollector.DefaultRate };
        var timeout = new Option<double?>("--timeout") { Description = "Kill the program's whole process tree after this many seconds; samples so far are kept." };
        var top = new Option<int>("--top") { Description = "Functions to print.", DefaultValueFactory = _ => 15 };
        var command = new Argument<string[]>("PROGRAM") { Description = "The program and its arguments, after --.", Arity = ArgumentArity.OneOrMore };
        var profile = new Command("profile", "Run a program under the sampling profiler: per-function self and total time, flame-graph and speedscope files.")
        {
            output, rate, timeout, top, command,
        };
        profile.SetAction((result, cancellation) => Task.FromResult(Run(
            result.GetValue(command)!, result.GetValue(output)!, result.GetValue(rate), result.GetValue(timeout), result.GetValue(top), cancellation)));
        return profile;
    }

    private static int Run(string[] command, string outputDirectory, int rate, double? timeoutSeconds, int top, CancellationToken cancellation)
    {
        var program = CoverCommand.ResolveProgram(command[0]);
        if (program is null)
        {
            Console.Error.WriteLine($"harness: {command[0]}: no such program");
            return 2;
        }
        if (rate is < 1 or > 10_000 || timeoutSeconds is <= 0)
        {
            Console.Error.WriteLine("harness: --rate must be 1–10000 Hz, --timeout > 0");
            return 2;
        }
        if (!OutputDirectory.TryCreate(outputDirectory))
        {
            return 2;
        }
        var options = new LaunchOptions(program, command[1..])
        {
            Timeout = timeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            SampleRate = rate,
        };
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; interrupted.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; interrupted.Cancel(); });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TraceResult result;
        try
        {
            result = Tracer.Run(options, NoProbes.Instance, interrupted.Token);
        }
        catch (HarnessException e)
        {
            Console.Error.WriteLine(ErrorLine.For(e));
            return 2;
        }
        var elapsed = clock.Elapsed;
        var profile = ProfileBuilder.Build(Path.GetFileName(program), result.Profile is { } samples ? [samples] : [], new FunctionSymbolizer());
        try
        {
            ProfileSummary.WriteAndPrint([profile], outputDirectory, rate, top, Console.Error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"harness: {outputDirectory}: cannot write the profile: {e.Message}");
            return 2;
        }
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"harness: {Path.GetFileName(program)} ran {elapsed.TotalMilliseconds:F0} ms traced; CPU {profile.CpuTime?.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) ?? "?"} ms, sampled {profile.SampledTime.TotalMilliseconds:F0} ms on CPU in {profile.Samples} samples (+ {profile.WaitingSamples} waiting); sampling cost {profile.SamplingTime.TotalMilliseconds:F0} ms; {profile.MissedTicks} of {profile.Ticks + profile.MissedTicks} ticks missed"));
        return result.TimedOut ? 128 + 9 : result.Cancelled ? 128 + 2 : result.ShellStatus;
    }
}
