using Harness.Testing;
using Harness.Tracing.Tests.Support;

namespace Harness.Tracing.Tests;

/// <summary>
/// A program's own <c>int3</c> (debug-break macros, <c>core::intrinsics::breakpoint</c>) must reach the program
/// as the SIGTRAP it would get alone, including when the compiler puts the instruction at the start of a
/// line, where the planner also places a probe. The programs are built here from the source below: the
/// <c>int3</c> is the only statement of its line, so its address is that line's breakpoint site.
/// </summary>
public sealed class OwnBreakpointTests
{
    private const string Source = """
        #include <signal.h>
        #include <stdio.h>

        static volatile sig_atomic_t traps;

        static void on_trap(int signo)
        {
            (void)signo;
            traps++;
        }

        int main(int argc, char **argv)
        {
            (void)argv;
            if (argc > 1) {
                signal(SIGTRAP, on_trap);
            }
            puts("before");
            fflush(stdout);
            __asm__ volatile("int3");
            printf("after: %d trap(s) handled\n", (int)traps);
            return 0;
        }
        """;

    [Fact]
    public void Run_OwnInt3WithoutHandler_KilledBySigtrapAsNative()
    {
        using var directory = new TempDirectory("int3");
        var program = Build(directory);
        var native = NativeRun.Start(program, []);

        var run = TracedRun.Start(program, [], BoundedBy3Seconds);

        AssertInt3LineProbed(run, directory);
        Assert.Equal(128 + 5, native.ExitCode);
        Assert.False(run.Result.TimedOut, $"the traced program never got past its own int3\n{run}");
        Assert.Equal(5, run.Result.TerminatingSignal);
        Assert.Equal("before\n", run.Output);
    }

    [Fact]
    public void Run_OwnInt3WithHandler_HandledOnceAsNative()
    {
        using var directory = new TempDirectory("int3-handled");
        var program = Build(directory);
        var native = NativeRun.Start(program, ["handle"]);

        var run = TracedRun.Start(program, ["handle"], BoundedBy3Seconds);

        AssertInt3LineProbed(run, directory);
        Assert.Equal(0, native.ExitCode);
        Assert.False(run.Result.TimedOut, $"the traced program never got past its own int3\n{run}");
        Assert.Equal(0, run.Result.ExitCode);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(native.StandardOutput), run.Output);
    }

    /// <summary>Alone the program takes milliseconds; a run that loops on the int3 ends here, as a failure.</summary>
    private static LaunchOptions BoundedBy3Seconds(LaunchOptions options) => options with { Timeout = TimeSpan.FromSeconds(3) };

    /// <summary>The premise: the int3 line is an executable line of the report, so its one instruction was probed.</summary>
    private static void AssertInt3LineProbed(TracedRun run, TempDirectory directory)
    {
        var line = SourceFile.Read(directory.File("own_int3.c")).LineOf("int3");
        Assert.Contains(run.File("own_int3.c").Lines, l => l.Line == line);
    }

    private static string Build(TempDirectory directory)
    {
        var source = directory.File("own_int3.c");
        File.WriteAllText(source, Source);
        var program = directory.File("own_int3");
        ProcessRunner.Run("gcc", ["-g", "-O0", source, "-o", program]).EnsureSuccess("gcc own_int3.c");
        return program;
    }
}
