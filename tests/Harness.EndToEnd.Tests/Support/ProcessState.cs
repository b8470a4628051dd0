using System.Diagnostics;

namespace Harness.EndToEnd.Tests.Support;

/// <summary>Whether a process still exists, read from /proc.</summary>
internal static class ProcessState
{
    /// <summary>
    /// Fails unless the process is gone within <paramref name="grace"/>, or is by then a zombie (dead, waiting
    /// only for init to reap it, since its tracer and its parent are gone).
    /// </summary>
    public static void AssertGone(int pid, string role, TimeSpan grace)
    {
        var clock = Stopwatch.StartNew();
        string? state;
        while ((state = State(pid)) is not null && clock.Elapsed < grace)
        {
            Thread.Sleep(20);
        }
        Assert.True(state is null or "Z", $"{role} (pid {pid}) still exists in state {state} {grace.TotalSeconds} s after harness exited");
    }

    private static string? State(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
