using System.Diagnostics;
using System.Runtime.InteropServices;
using Harness.Tracing.Native;
using static Harness.Tracing.PtraceCalls;

namespace Harness.Tracing;

/// <summary>
/// The tracer's state machine. Tasks (threads) map to address spaces (<see cref="TaskRegistry"/>); a stop is
/// classified by its wait status and ptrace event:
/// <list type="bullet">
/// <item>PTRACE_EVENT_STOP: a new task's first stop (resume), a group-stop (PTRACE_LISTEN, so job control behaves as without us),
/// or, with SIGTRAP, the end of a group-stop or the answer to the sampler's PTRACE_INTERRUPT (sample, resume: <see cref="SessionSampling"/>).</item>
/// <item>CLONE / FORK / VFORK: register the new task (thread: same space; fork: a copy of the space; vfork: the same space until exec).</item>
/// <item>EXEC: a fresh address space; probe the new executable and hook the dynamic linker's rendezvous.</item>
/// <item>SIGTRAP at one of our sites: record, restore, rewind, resume (<see cref="ProbeTraps"/>); at the rendezvous: emulate its
/// <c>ret</c> and re-read the library list (<see cref="Rendezvous"/>).</item>
/// <item>Any other signal: delivered untouched.</item>
/// </list>
/// A new task's first stop may arrive before its parent's event: it waits in <see cref="TaskRegistry.Unclaimed"/> until then.
/// </summary>
internal sealed class TraceSession : IDisposable
{
    private readonly LaunchOptions _options;
    private readonly TaskRegistry _registry = new();
    private readonly ProbeTraps _probes;
    private readonly Rendezvous _rendezvous;
    private readonly SessionSampling _sampling;
    private int _root;
    private int? _exitCode;
    private int? _signal;
    private volatile StopReason _stop;
    private readonly Stopwatch _seizeToExec = new();
    private long _handlingTicks;
    private Timer? _graceTimer;

    public TraceSession(LaunchOptions options, IProbePlanner planner)
    {
        _options = options;
        _probes = new ProbeTraps(planner);
        _rendezvous = new Rendezvous(_probes);
        _sampling = new SessionSampling(_registry, options.SampleRate);
    }

    private Dictionary<int, TracedTask> Tasks => _registry.Tasks;

    public void Run()
    {
        _root = Launcher.SpawnStopped(_options);
        _registry.AddLive(_root);
        try
        {
            if (_stop != StopReason.None)
            {
                // Cancelled or timed out before we could even seize: the program never runs.
                throw new OperationCanceledException();
            }
            Launcher.WaitUntilStopped(_root, TimeSpan.FromSeconds(10));
            const int Options = Ptrace.OptionTraceClone | Ptrace.OptionTraceFork | Ptrace.OptionTraceVFork | Ptrace.OptionTraceExec | Ptrace.OptionExitKill;
            _seizeToExec.Start();
            if (LibC.Ptrace(Ptrace.Seize, _root, 0, Options) == -1)
            {
                throw new TracerException($"cannot trace {_options.Program}: ptrace(PTRACE_SEIZE) failed: {LastError()} (is another tracer attached, or ptrace restricted by kernel.yama.ptrace_scope?)");
            }
        }
        catch (Exception e)
        {
            LibC.Kill(_root, Signals.SigKill);
            LibC.WaitPid(_root, out _, Ptrace.WaitAll | Ptrace.WaitNoThread);
            if (_stop != StopReason.None && e is OperationCanceledException or TracerException)
            {
                // A stop that raced with start-up (the shell killed before it stopped itself) is not a failure.
                return;
            }
            throw;
        }
        var space = new AddressSpace(_root);
        Tasks[_root] = new TracedTask(_root, _root, space);
        _registry.Processes = _registry.Threads = 1;
        if (_stop != StopReason.None)
        {
            KillAll();
        }
        LibC.Kill(_root, Signals.SigCont);
        try
        {
            Loop();
        }
        finally
        {
            _sampling.Dispose();
        }
    }

    /// <summary>Kills the whole traced tree; the loop then sees every task exit. Safe from any thread.</summary>
    public void Stop(StopReason reason)
    {
        TrySetStop(reason);
        KillAll();
    }

    /// <summary>
    /// The first reason wins, including the program's own end: a timer that fires late, after the program exited
    /// but before its leftovers are reaped, must not turn a finished run into a timed-out one.
    /// </summary>
    private bool TrySetStop(StopReason reason)
    {
        lock (_registry.LiveLock)
        {
            if (_stop != StopReason.None)
            {
                return false;
            }
            _stop = reason;
            return true;
        }
    }

    /// <summary>
    /// The timeout expired: SIGTERM to every traced process so tests can clean up, then SIGKILL after the grace
    /// (at once without one). Safe from any thread.
    /// </summary>
    public void Expire()
    {
        if (_options.KillGrace is not { } grace || grace <= TimeSpan.Zero)
        {
            Stop(StopReason.Timeout);
            return;
        }
        if (!TrySetStop(StopReason.Timeout))
        {
            return;
        }
        lock (_registry.LiveLock)
        {
            _registry.SignalAll(Signals.SigTerm);
            _graceTimer = new Timer(_ => KillAll(), null, grace, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// The tree was killed for a timeout or cancellation before anything failed: a read of a process that died under
    /// us (its executable, maps or memory gone) is then the kill's doing, and the run ends timed out or cancelled.
    /// </summary>
    public bool KilledOnRequest => _stop is StopReason.Timeout or StopReason.Cancel;

    public void Dispose()
    {
        lock (_registry.LiveLock)
        {
            _graceTimer?.Dispose();
        }
    }

    /// <summary>After a failure: kill and reap everything so no process survives.</summary>
    public void Drain()
    {
        KillAll();
        while (LibC.WaitPid(-1, out _, Ptrace.WaitAll | Ptrace.WaitNoThread) > 0 || Marshal.GetLastPInvokeError() == LibC.EIntr)
        {
        }
    }

    public TraceResult Result() => new(
        _exitCode,
        _signal,
        _stop == StopReason.Timeout,
        _stop == StopReason.Cancel,
        [.. _probes.Images],
        new TraceStatistics(_registry.Processes, _registry.Threads, _probes.Traps, _probes.Inserted, _seizeToExec.Elapsed, Stopwatch.GetElapsedTime(0, _handlingTicks)))
    {
        Profile = _sampling.Result(),
    };

    private void KillAll() => _registry.SignalAll(Signals.SigKill);

    private void Loop()
    {
        while (Tasks.Count > 0 || _registry.Unclaimed.Count > 0)
        {
            if (Tasks.Count == 0)
            {
                // New tasks whose parent died before reporting them: nobody will claim them. Kill, then reap.
                foreach (var orphan in _registry.Unclaimed)
                {
                    LibC.Kill(orphan, Signals.SigKill);
                }
            }
            var tid = _sampling.Wait(out var raw, _root);
            if (tid == -1)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EIntr)
                {
                    continue;
                }
                if (errno == LibC.EChild)
                {
                    break;
                }
                throw new TracerException($"waitpid failed: {LibC.ErrorText(errno)}");
            }
            var started = Stopwatch.GetTimestamp();
            var status = new WaitStatus(raw);
            if (status.Exited || status.Signaled)
            {
                OnTaskGone(tid, status);
            }
            else if (status.Stopped)
            {
                OnStop(tid, status);
            }
            _handlingTicks += Stopwatch.GetTimestamp() - started;
        }
        foreach (var space in Tasks.Values.Select(t => t.Space).Distinct())
        {
            space.Dispose();
        }
    }

    private void OnTaskGone(int tid, WaitStatus status)
    {
        _sampling.Forget(tid);
        if (_registry.Remove(tid) is not { } task)
        {
            return;
        }
        if (tid == task.Tgid)
        {
            _registry.RemoveLive(tid);
            if (task.Space.Pid == tid && !_registry.IsInUse(task.Space))
            {
                task.Space.Dispose();
            }
        }
        if (tid == _root)
        {
            if (status.Exited)
            {
                _exitCode = status.ExitCode;
            }
            else
            {
                _signal = status.TermSignal;
            }
            // The program is done: nothing it left running may outlive harness.
            TrySetStop(StopReason.Finished);
            KillAll();
        }
    }

    private void OnStop(int tid, WaitStatus status)
    {
        if (!Tasks.TryGetValue(tid, out var task))
        {
            // A new task whose parent's CLONE/FORK event we have not seen yet: hold it.
            _registry.Unclaimed.Add(tid);
            return;
        }
        var signal = status.StopSignal;
        if (_registry.Listening.Count != 0)
        {
            // Any stop ends PTRACE_LISTEN (a group-stop ends with SIGCONT, which may arrive as a signal-delivery stop).
            _registry.Listening.Remove(tid);
        }
        switch (status.Event)
        {
            case 0:
                if (signal == Signals.SigTrap && OnTrap(task))
                {
                    return;
                }
                _probes.OnSignal(task, signal);
                Resume(tid, signal);
                return;
            case Ptrace.EventStop:
                if (_registry.AwaitingFirstStop.Remove(tid))
                {
                    Resume(tid, 0);
                }
                else if (Signals.IsStop(signal))
                {
                    // Group-stop: stay stopped as the program would, until someone sends SIGCONT.
                    _registry.Listening.Add(tid);
                    Request(Ptrace.Listen, tid, 0, 0);
                }
                else
                {
                    // The end of a group-stop, or the stop our PTRACE_INTERRUPT asked for (SIGTRAP either way).
                    _sampling.OnInterruptStop(task);
                    Resume(tid, 0);
                }
                return;
            case Ptrace.EventClone:
            case Ptrace.EventFork:
            case Ptrace.EventVFork:
                OnNewTask(task, status.Event);
                Resume(tid, 0);
                return;
            case Ptrace.EventExec:
                OnExec(task);
                return;
            default:
                Resume(tid, 0);
                return;
        }
    }

    private void OnNewTask(TracedTask parent, int kind)
    {
        var child = (int)EventMessage(parent.Tid);
        TracedTask task;
        if (kind == Ptrace.EventClone && TaskRegistry.TgidOf(child) == parent.Tgid)
        {
            task = new TracedTask(child, parent.Tgid, parent.Space);
            _registry.Threads++;
        }
        else
        {
            // fork: the child's memory is a copy taken now; vfork: shared until the child execs or exits.
            var space = kind == Ptrace.EventVFork ? parent.Space : parent.Space.CloneForFork(child);
            task = new TracedTask(child, child, space);
            _registry.Processes++;
            _registry.Threads++;
            _registry.AddLive(child);
            if (_stop != StopReason.None)
            {
                LibC.Kill(child, Signals.SigKill);
            }
        }
        Tasks[child] = task;
        if (_registry.Unclaimed.Remove(child))
        {
            Resume(child, 0);
        }
        else
        {
            _registry.AwaitingFirstStop.Add(child);
        }
    }

    private void OnExec(TracedTask task)
    {
        _seizeToExec.Stop();
        _sampling.OnExec();
        var former = (int)EventMessage(task.Tid);
        var pid = task.Tid;
        // Every other thread of the process is gone; a non-leader that exec'd now has the leader's id.
        foreach (var other in Tasks.Values.Where(t => t.Tgid == task.Tgid && t.Tid != pid).ToList())
        {
            Tasks.Remove(other.Tid);
        }
        if (former != pid)
        {
            Tasks.Remove(former);
        }
        var old = task.Space;
        var space = new AddressSpace(pid);
        var renewed = task with { Tgid = pid, Space = space };
        Tasks[pid] = renewed;
        if (old.Pid == pid && !_registry.IsInUse(old))
        {
            old.Dispose();
        }
        ProbeNewImage(renewed);
        Resume(pid, 0);
    }

    /// <summary>After an exec: probe the executable, and hook the dynamic linker so libraries get probed as they load.</summary>
    private void ProbeNewImage(TracedTask task)
    {
        var pid = task.Tid;
        string? executable;
        try
        {
            executable = new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        if (string.IsNullOrEmpty(executable))
        {
            // Killed (timeout, cancel) between its exec and this stop: there is no executable left to read.
            return;
        }
        task.Space.Executable = executable;
        var maps = Mapping.Read(pid);
        var bias = Harness.Symbols.ElfSymbolTable.IsPositionIndependentFile(executable)
            ? maps.FirstOrDefault(m => m.Path == executable && m.Offset == 0).Start
            : 0;
        _probes.AddImage(task, executable, bias);
        _rendezvous.Hook(task, maps, executable);
    }

    private bool OnTrap(TracedTask task)
    {
        var rip = (ulong)PeekUser(task.Tid, Ptrace.RipOffset);
        switch (task.Space.Classify(rip))
        {
            case TrapKind.Probe:
                return _probes.OnProbe(task, rip, TrapKind.Probe);
            case TrapKind.AlreadyRestored:
                return _probes.OnProbe(task, rip, TrapKind.AlreadyRestored);
            case TrapKind.Rendezvous:
                _rendezvous.OnHit(task);
                Resume(task.Tid, 0);
                return true;
            default:
                return false;
        }
    }
}
