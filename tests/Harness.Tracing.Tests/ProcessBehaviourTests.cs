using System.Text;
using Harness.Testing;
using Harness.Tracing.Tests.Support;

namespace Harness.Tracing.Tests;

/// <summary>
/// A program under the tracer behaves as it does alone: the same exit code or terminating signal, and the
/// same bytes on stdout and stderr, for every fixtures/c-trace program (threads, fork/vfork/posix_spawn,
/// exec, crashes, exit from a thread, signals, shared libraries) at -O0 and -O2.
/// </summary>
public sealed class ProcessBehaviourTests(CTracePrograms programs) : IClassFixture<CTracePrograms>
{
    /// <summary>Each program with the ending its header comment documents: an exit code, or a signal.</summary>
    public static TheoryData<CFlavour, string, int?, int?> Programs()
    {
        (string Program, int? Exit, int? Signal)[] endings =
        [
            ("threads", 0, null),
            ("forker", 0, null),
            ("exec_helper", 3, null),
            ("helper", 2, null),
            ("crasher", null, 11),
            ("aborter", null, 6),
            ("thread_exit", 5, null),
            ("signals", 0, null),
            ("dlopen_user", 0, null),
            ("coverage_oracle", 0, null),
        ];
        var data = new TheoryData<CFlavour, string, int?, int?>();
        foreach (var flavour in new[] { CFlavour.O0, CFlavour.O2 })
        {
            foreach (var (program, exit, signal) in endings)
            {
                data.Add(flavour, program, exit, signal);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public void Run_CTraceProgram_EndsAsDocumentedAndAsNativeRun(CFlavour flavour, string program, int? exitCode, int? signal)
    {
        var traced = programs.Traced(flavour, program);
        var native = programs.Native(flavour, program);

        Assert.Equal(exitCode, traced.Result.ExitCode);
        Assert.Equal(signal, traced.Result.TerminatingSignal);
        Assert.False(traced.Result.TimedOut, traced.ToString());
        Assert.False(traced.Result.Cancelled, traced.ToString());
        // Process folds "killed by N" into 128 + N; ShellStatus does the same for the traced run.
        Assert.Equal(native.ExitCode, traced.Result.ShellStatus);
    }

    public static TheoryData<CFlavour, string> ProgramNames()
    {
        var data = new TheoryData<CFlavour, string>();
        foreach (var row in Programs())
        {
            data.Add((CFlavour)row[0], (string)row[1]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ProgramNames))]
    public void Run_CTraceProgram_WritesTheNativeRunsBytes(CFlavour flavour, string program)
    {
        var traced = programs.Traced(flavour, program);
        var native = programs.Native(flavour, program);

        Assert.NotEmpty(native.StandardOutput);
        // Latin-1 maps each byte to one char: string equality is byte equality, with a readable diff.
        Assert.Equal(Encoding.Latin1.GetString(native.StandardOutput), Encoding.Latin1.GetString(traced.StandardOutput));
        Assert.Equal(Encoding.Latin1.GetString(native.StandardError), traced.StandardError);
    }

    [Fact]
    public void Run_CoverageOracleWithArguments_ArgumentsReachTheProgramUnchanged()
    {
        // Includes an empty argument, spaces and shell metacharacters: arguments travel as a list (DESIGN.md §4).
        string[] arguments = ["alpha", "", "two words", "$HOME", "'q'", "-x", "7b"];
        var traced = programs.Traced(CFlavour.O0, "coverage_oracle", arguments);
        var native = programs.Native(CFlavour.O0, "coverage_oracle", arguments);

        Assert.Equal(0, traced.Result.ExitCode);
        Assert.Contains("arg 4: $HOME -> other (5)", traced.Output, StringComparison.Ordinal);
        Assert.Equal(Encoding.Latin1.GetString(native.StandardOutput), Encoding.Latin1.GetString(traced.StandardOutput));
    }
}
