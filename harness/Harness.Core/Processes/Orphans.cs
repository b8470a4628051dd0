using System.Runtime.InteropServices;
using System.Text;

namespace Harness.Core.Processes;

/// <summary>
/// The "no orphans" policy for untraced test processes: nothing a test started outlives the test (under the tracer the
/// same holds already: it follows every fork and kills the traced tree when the test ends). Killing the test's process
/// group is not enough, because a daemon leaves the group (<c>setsid</c>) and, once its parent exits, is adopted by
/// init. So harness makes itself a child subreaper (<c>PR_SET_CHILD_SUBREAPER</c>, no privilege needed): such orphans
/// become harness's children, and <see cref="Reap"/> finds those of one test by a token in their environment
/// (<see cref="TokenVariable"/>, inherited by everything the test starts), kills them with their groups and reaps them.
/// </summary>
/// <remarks>
/// Only processes carrying the token are touched, and only the ones harness did not start itself: the test's own
/// process (the group leader) is reaped by <see cref="System.Diagnostics.Process"/>, which fails fast when another
/// waiter took its child. Zombies carry no environment: a zombie child is reaped only when its process group is one
/// of the test's (the test's own group, or the group of an escaped process killed here), since .NET's own children
/// are group leaders of their own groups or members of harness's.
/// </remarks>
internal static partial class Orphans
{
    /// <summary>Set in every untraced test process's environment: one value per process start.</summary>
    public const string TokenVariable = "HARNESS_TEST_TOKEN";

    private const int PrSetChildSubreaper = 36;
    private const int WaitNoHang = 1;
    private const int WaitAll = 0x40000000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>A new token for one test process.</summary>
    public static string NewToken() => Guid.NewGuid().ToString("N");

    /// <summary>Makes this process the reaper of its descendants' orphans. Idempotent; failure (not Linux ≥ 3.4) leaves the group kill only.</summary>
    public static void BecomeSubreaper() => _ = Prctl(PrSetChildSubreaper, 1, 0, 0, 0);

    /// <summary>
    /// After the test's process <paramref name="group"/> leader ended (however): kills what is left of the group and
    /// every escaped descendant with <paramref name="token"/>, and reaps them, until none is left (each kill can
    /// orphan more: they are adopted in turn). Gives up after a few seconds rather than hang the run.
    /// </summary>
    public static void Reap(int group, string token)
    {
        var marker = Encoding.ASCII.GetBytes($"{TokenVariable}={token}\0");
        var groups = new HashSet<int> { group };
        var ownGroup = GetProcessGroup(0);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Native.KillGroup(group, Signals.Kill);
        while (clock.Elapsed < Patience)
        {
            var progress = false;
            foreach (var pid in Children())
            {
                if (pid == group || Stat(pid) is not var (state, pgid))
                {
                    continue;
                }
                if (state == 'Z')
                {
                    if (groups.Contains(pgid) && WaitPid(pid, out _, WaitNoHang | WaitAll) == pid)
                    {
                        progress = true;
                    }
                }
                else if (Carries(pid, marker))
                {
                    if (pgid > 1 && pgid != ownGroup && groups.Add(pgid))
                    {
                        Native.KillGroup(pgid, Signals.Kill);
                    }
                    _ = Kill(pid, Signals.Kill);
                    _ = WaitPid(pid, out _, WaitAll); // SIGKILL ends it; it adopted-out its own children to us before it became a zombie
                    progress = true;
                }
            }
            if (!progress && !groups.Any(Native.GroupExists))
            {
                return;
            }
            if (!progress)
            {
                Thread.Sleep(2);
            }
        }
    }

    /// <summary>This process's children, from every thread's <c>children</c> list (adopted orphans are the main thread's).</summary>
    private static List<int> Children()
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    foreach (var field in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        if (int.TryParse(field, out var pid))
                        {
                            children.Add(pid);
                        }
                    }
                }
                catch (IOException)
                {
                    // The thread ended meanwhile.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No /proc: nothing to find.
        }
        return children;
    }

    /// <summary>State letter and process group of <paramref name="pid"/> from <c>/proc/PID/stat</c> (zombies keep both), or null when it is gone.</summary>
    private static (char State, int Group)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) S ppid pgrp …": comm may hold spaces and parentheses, so split after its last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static bool Carries(int pid, byte[] marker)
    {
        try
        {
            var environment = File.ReadAllBytes($"/proc/{pid}/environ");
            var at = environment.AsSpan().IndexOf(marker);
            return at == 0 || (at > 0 && environment[at - 1] == 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, out int status, int options);

    [LibraryImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    private static partial int GetProcessGroup(int pid);
}
