using Harness.Tracing.Tests.Support;

namespace Harness.Tracing.Tests;

/// <summary>
/// Pins down the convention the behaviour tests compare against: .NET's <c>Process.ExitCode</c> for a
/// child killed by a signal. If it ever reported something else, "traced ShellStatus equals native exit
/// code" would compare different things.
/// </summary>
public sealed class NativeRunTests
{
    [Fact]
    public void Start_ChildKilledBySignal_ReportsShellConvention128PlusSignal()
    {
        var run = NativeRun.Start("/bin/sh", ["-c", "kill -SEGV $$"]);

        Assert.Equal(128 + 11, run.ExitCode);
    }

    [Fact]
    public void Start_ChildExits_ReportsItsExitCode()
    {
        var run = NativeRun.Start("/bin/sh", ["-c", "printf 'a\\0b'; exit 42"]);

        Assert.Equal(42, run.ExitCode);
        Assert.Equal("a\0b"u8.ToArray(), run.StandardOutput);
    }
}
