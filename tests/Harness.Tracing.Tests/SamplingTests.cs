using Harness.Tracing.Tests.Support;

namespace Harness.Tracing.Tests;

/// <summary>
/// Stack sampling in the tracer (fixtures/c-profile, -O0 with frame pointers): the hot function of a program
/// whose split is known by construction gets most leaf samples, stacks unwind through its callers, every
/// thread is sampled, and the program behaves and ends exactly as it does natively. Bands are wide: the
/// machine is shared and loaded, and this must not flake.
/// </summary>
public sealed class SamplingTests
{
    private static string Program(string name) => Fixtures.CMake("c-profile", CFlavour.O0).Output(name);

    [Fact]
    public void Run_Hotspot_HotLoopIsTheLeafOfMostSamplesUnderMainRun()
    {
        var run = SampledRun.Start(Program("hotspot"), []);

        Assert.Equal(0, run.Result.ExitCode);
        Assert.StartsWith("hotspot: ", run.Output, StringComparison.Ordinal);
        var stacks = run.Stacks().Where(s => !s.Sample.Waiting).ToList();
        Assert.True(stacks.Count >= 50, $"only {stacks.Count} samples ({run.Profile.Samples.Count} in all, {run.Profile.Ticks} ticks, {run.Profile.MissedTicks} missed) in {run.Elapsed.TotalMilliseconds:F0} ms");
        // Shares of CPU time, not of ticks: a tick finds a runnable thread even when a busy machine does not run it.
        double Cpu(Func<string[], bool> match) => stacks.Where(s => match(s.Stack)).Sum(s => s.Sample.Cpu!.Value.TotalMilliseconds);
        var all = Cpu(_ => true);
        var hot = Cpu(s => s[^1] == "hot_loop") / all;
        var warm = Cpu(s => s[^1] == "warm") / all;
        Assert.InRange(hot, 0.6, 0.95);
        Assert.InRange(warm, 0.04, 0.3);
        var hotStacks = stacks.Where(s => s.Stack[^1] == "hot_loop").ToList();
        Assert.True(hotStacks.Count(s => s.Stack.Length >= 3 && s.Stack[^3..].SequenceEqual(["main", "run", "hot_loop"])) >= 0.9 * hotStacks.Count,
            string.Join("\n", hotStacks.Take(5).Select(s => string.Join(";", s.Stack))));
    }

    [Fact]
    public void Run_Hotspot_SamplesCpuTimeAddsUpToTheKernelsCpuTime()
    {
        var run = SampledRun.Start(Program("hotspot"), [], rate: 500);

        var cpu = run.Profile.CpuTime;
        Assert.NotNull(cpu);
        Assert.All(run.Profile.Samples, s => Assert.NotNull(s.Cpu));
        var sampled = run.Profile.Samples.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Cpu!.Value);
        // Lost: the CPU time before the first sample beyond one interval (start-up, a late first tick) and after the last.
        Assert.InRange(sampled / cpu!.Value, 0.7, 1.02);
        Assert.InRange(run.Profile.Ticks, 1, (long)(run.Elapsed.TotalSeconds * 500 * 1.1) + 5);
    }

    [Theory]
    [InlineData("signals")]
    [InlineData("forker")]
    [InlineData("threads")]
    public void Run_CTraceProgramSampledAt4kHz_BehavesExactlyAsNatively(string name)
    {
        // Sampling interrupts system calls (sigsuspend, waitpid, joins): they must restart unseen by the program.
        var program = CTracePrograms.Program(CFlavour.O0, name);
        var native = NativeRun.Start(program, []);

        var run = SampledRun.Start(program, [], rate: 4000);

        Assert.Equal(native.ExitCode, run.Result.ShellStatus);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(native.StandardOutput), run.Output);
        Assert.NotEmpty(run.Profile.Samples);
    }

    [Fact]
    public void Run_Spinners_EveryThreadSampledInItsOwnFunction()
    {
        var run = SampledRun.Start(Program("spinners"), ["300"]);

        Assert.Equal("spinners: done\n", run.Output);
        var stacks = run.Stacks();
        foreach (var spinner in new[] { "spin_one", "spin_two", "spin_three" })
        {
            var threads = stacks.Where(s => s.Stack[^1] == spinner).Select(s => s.Sample.Tid).Distinct().ToList();
            Assert.True(threads.Count == 1, $"{spinner}: threads {string.Join(",", threads)}");
            Assert.True(stacks.Count(s => s.Stack[^1] == spinner) >= 20, $"{spinner}: {stacks.Count(s => s.Stack[^1] == spinner)} samples");
        }
        // The main thread waits in pthread_join the whole time: sampled too, as waiting.
        var mainThread = run.Profile.Samples.Where(s => s.Tid == s.Pid).ToList();
        Assert.NotEmpty(mainThread);
        Assert.True(mainThread.Count(s => s.Waiting) >= mainThread.Count / 2, $"{mainThread.Count(s => s.Waiting)} of {mainThread.Count} waiting");
        Assert.Equal(4, run.Profile.Samples.Select(s => s.Tid).Distinct().Count());
    }
}
