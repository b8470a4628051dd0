using Harness.Tracing.Native;

namespace Harness.Tracing;

/// <summary>A traced thread: its id, its process (thread-group) id, and the address space it runs in.</summary>
internal sealed record TracedTask(int Tid, int Tgid, AddressSpace Space);

/// <summary>
/// Every task the session traces and the states a stop is read against: a new task's first stop may
/// arrive before its parent's event (it waits in <see cref="Unclaimed"/>), a new task waits for its first stop
/// (<see cref="AwaitingFirstStop"/>), a task in a group-stop is under PTRACE_LISTEN (<see cref="Listening"/>).
/// The live process ids are also read by other threads (timeout, cancel) to send signals: under a lock.
/// </summary>
internal sealed class TaskRegistry
{
    private readonly HashSet<int> _liveProcesses = [];

    public Dictionary<int, TracedTask> Tasks { get; } = [];

    public HashSet<int> Unclaimed { get; } = [];

    public HashSet<int> AwaitingFirstStop { get; } = [];

    public HashSet<int> Listening { get; } = [];

    /// <summary>Guards the live processes and the session's stop reason.</summary>
    public Lock LiveLock { get; } = new();

    public int Processes { get; set; }

    public int Threads { get; set; }

    public void AddLive(int pid)
    {
        lock (LiveLock)
        {
            _liveProcesses.Add(pid);
        }
    }

    public void RemoveLive(int pid)
    {
        lock (LiveLock)
        {
            _liveProcesses.Remove(pid);
        }
    }

    /// <summary>Sends a signal to every live traced process. Safe from any thread.</summary>
    public void SignalAll(int signal)
    {
        lock (LiveLock)
        {
            foreach (var pid in _liveProcesses)
            {
                LibC.Kill(pid, signal);
            }
        }
    }

    /// <summary>Forgets a task that is gone; the task when it was ours.</summary>
    public TracedTask? Remove(int tid)
    {
        Unclaimed.Remove(tid);
        AwaitingFirstStop.Remove(tid);
        Listening.Remove(tid);
        return Tasks.Remove(tid, out var task) ? task : null;
    }

    /// <summary>Whether any task still runs in the address space.</summary>
    public bool IsInUse(AddressSpace space) => Tasks.Values.Any(t => t.Space == space);

    /// <summary>The thread-group id of a task, from /proc (the task itself when it cannot be read).</summary>
    public static int TgidOf(int tid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{tid}/status"))
            {
                if (line.StartsWith("Tgid:", StringComparison.Ordinal))
                {
                    return int.Parse(line.AsSpan(5).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return tid;
    }
}
