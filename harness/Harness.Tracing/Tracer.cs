using System.Diagnostics;
using System.Runtime.InteropServices;
using Harness.Tracing.Native;

namespace Harness.Tracing;

/// <summary>
/// Runs a program under ptrace with one-shot breakpoints, following its threads, forks, vforks and execs
/// and the libraries it loads, until the whole traced tree is gone. Every ptrace call happens on one
/// dedicated thread (DESIGN.md §4: others get ESRCH); other threads may only send signals (timeout, cancel).
/// </summary>
public static class Tracer
{
    /// <summary>Runs the program to completion (or timeout / cancellation) and returns its status and hits.</summary>
    /// <exception cref="TracerException">The program could not be started or traced.</exception>
    public static TraceResult Run(LaunchOptions options, IProbePlanner planner, CancellationToken cancellation = default)
    {
        var session = new TraceSession(options, planner);
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                session.Run();
            }
            catch (Exception e)
            {
                failure = e;
                session.Stop(StopReason.Failure);
                session.Drain();
            }
        })
        {
            Name = "harness tracer",
            IsBackground = true,
        };
        thread.Start();
        using var timer = options.Timeout is { } timeout ? new Timer(_ => session.Expire(), null, timeout, Timeout.InfiniteTimeSpan) : null;
        using var expiry = options.TimeoutToken.Register(session.Expire);
        using var registration = cancellation.Register(() => session.Stop(StopReason.Cancel));
        thread.Join();
        session.Dispose();
        if (failure is not null && !session.KilledOnRequest)
        {
            throw failure as TracerException ?? new TracerException($"tracing {options.Program} failed: {failure.Message}", failure);
        }
        return session.Result();
    }
}

internal enum StopReason
{
    None,
    /// <summary>The program ended by itself.</summary>
    Finished,
    Timeout,
    Cancel,
    Failure,
}

/// <summary>
/// The tracer's state machine. Tasks (threads) map to address spaces; a stop is classified by its wait
/// status and ptrace event:
/// <list type="bullet">
/// <item>PTRACE_EVENT_STOP: a new task's first stop (resume), a group-stop (PTRACE_LISTEN, so job control behaves as without us),
/// or, with SIGTRAP, the end of a group-stop or the answer to the sampler's PTRACE_INTERRUPT (sample, resume).</item>
/// <item>CLONE / FORK / VFORK: register the new task (thread: same space; fork: a copy of the space; vfork: the same space until exec).</item>
/// <item>EXEC: a fresh address space; probe the new executable and hook the dynamic linker's rendezvous.</item>
/// <item>SIGTRAP at one of our sites: record, restore, rewind, resume; at the rendezvous: emulate its <c>ret</c> and re-read the library list.</item>
/// <item>Any other signal: delivered untouched.</item>
/// </list>
/// A new task's first stop may arrive before its parent's event: it waits in <see cref="_unclaimed"/> until then.
/// </summary>
internal sealed class TraceSession(LaunchOptions options, IProbePlanner planner) : IDisposable
{
    private const int RtConsistent = 0;

    private readonly Dictionary<int, TracedTask> _tasks = [];
    private readonly HashSet<int> _unclaimed = [];
    private readonly HashSet<int> _awaitingFirstStop = [];
    private readonly HashSet<int> _listening = [];
    private readonly HashSet<int> _liveProcesses = [];
    private readonly Lock _liveLock = new();
    private readonly Dictionary<string, ImageProbes?> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ulong RDebug, ulong DebugState)?> _linkers = new(StringComparer.Ordinal);
    private int _root;
    private int? _exitCode;
    private int? _signal;
    private volatile StopReason _stop;
    private int _processes;
    private int _threads;
    private long _traps;
    private long _inserted;
    private readonly Stopwatch _seizeToExec = new();
    private long _handlingTicks;
    private Timer? _graceTimer;
    private StackSampler? _sampler;

    public void Run()
    {
        _root = Launcher.SpawnStopped(options);
        lock (_liveLock)
        {
            _liveProcesses.Add(_root);
        }
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
                throw new TracerException($"cannot trace {options.Program}: ptrace(PTRACE_SEIZE) failed: {LastError()} (is another tracer attached, or ptrace restricted by kernel.yama.ptrace_scope?)");
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
        _tasks[_root] = new TracedTask(_root, _root, space);
        _processes = _threads = 1;
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
            _sampler?.Dispose();
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
        lock (_liveLock)
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
        if (options.KillGrace is not { } grace || grace <= TimeSpan.Zero)
        {
            Stop(StopReason.Timeout);
            return;
        }
        if (!TrySetStop(StopReason.Timeout))
        {
            return;
        }
        lock (_liveLock)
        {
            foreach (var pid in _liveProcesses)
            {
                LibC.Kill(pid, Signals.SigTerm);
            }
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
        lock (_liveLock)
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
        [.. _images.Values.OfType<ImageProbes>()],
        new TraceStatistics(_processes, _threads, _traps, _inserted, _seizeToExec.Elapsed, Stopwatch.GetElapsedTime(0, _handlingTicks)))
    {
        Profile = _sampler?.Result(),
    };

    private void KillAll()
    {
        lock (_liveLock)
        {
            foreach (var pid in _liveProcesses)
            {
                LibC.Kill(pid, Signals.SigKill);
            }
        }
    }

    private void Loop()
    {
        while (_tasks.Count > 0 || _unclaimed.Count > 0)
        {
            if (_tasks.Count == 0)
            {
                // New tasks whose parent died before reporting them: nobody will claim them. Kill, then reap.
                foreach (var orphan in _unclaimed)
                {
                    LibC.Kill(orphan, Signals.SigKill);
                }
            }
            if (_sampler is not null && _sampler.Due())
            {
                InterruptRunning();
            }
            var tid = _sampler is null ? LibC.WaitPid(-1, out var raw, Ptrace.WaitAll | Ptrace.WaitNoThread) : WaitSampling(out raw);
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
        foreach (var space in _tasks.Values.Select(t => t.Space).Distinct())
        {
            space.Dispose();
        }
    }

    /// <summary>
    /// One round of sampling: every thread that runs (not new and unresumed, not in a group-stop) gets a
    /// PTRACE_INTERRUPT; its PTRACE_EVENT_STOP then comes through the loop like any other stop.
    /// </summary>
    private void InterruptRunning()
    {
        foreach (var tid in _tasks.Keys)
        {
            if (!_awaitingFirstStop.Contains(tid) && !_listening.Contains(tid))
            {
                _sampler!.Interrupt(tid);
            }
        }
    }

    /// <summary>waitpid, plus the CPU time of the main process when it is reaped (to check samples against).</summary>
    private unsafe int WaitSampling(out int raw)
    {
        RUsage usage;
        var tid = LibC.Wait4(-1, out raw, Ptrace.WaitAll | Ptrace.WaitNoThread, &usage);
        var status = new WaitStatus(raw);
        if (tid == _root && (status.Exited || status.Signaled))
        {
            _sampler!.CpuTime = TimeSpan.FromMicroseconds(
                (usage.UserSeconds + usage.SystemSeconds) * 1e6 + usage.UserMicroseconds + usage.SystemMicroseconds);
        }
        return tid;
    }

    private void OnTaskGone(int tid, WaitStatus status)
    {
        _unclaimed.Remove(tid);
        _awaitingFirstStop.Remove(tid);
        _listening.Remove(tid);
        _sampler?.Forget(tid);
        if (!_tasks.Remove(tid, out var task))
        {
            return;
        }
        if (tid == task.Tgid)
        {
            lock (_liveLock)
            {
                _liveProcesses.Remove(tid);
            }
            if (task.Space.Pid == tid && !_tasks.Values.Any(t => t.Space == task.Space))
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
        if (!_tasks.TryGetValue(tid, out var task))
        {
            // A new task whose parent's CLONE/FORK event we have not seen yet: hold it.
            _unclaimed.Add(tid);
            return;
        }
        var signal = status.StopSignal;
        if (_listening.Count != 0)
        {
            // Any stop ends PTRACE_LISTEN (a group-stop ends with SIGCONT, which may arrive as a signal-delivery stop).
            _listening.Remove(tid);
        }
        switch (status.Event)
        {
            case 0:
                if (signal == Signals.SigTrap && OnTrap(task))
                {
                    return;
                }
                Resume(tid, signal);
                return;
            case Ptrace.EventStop:
                if (_awaitingFirstStop.Remove(tid))
                {
                    Resume(tid, 0);
                }
                else if (Signals.IsStop(signal))
                {
                    // Group-stop: stay stopped as the program would, until someone sends SIGCONT.
                    _listening.Add(tid);
                    Request(Ptrace.Listen, tid, 0, 0);
                }
                else
                {
                    // The end of a group-stop, or the stop our PTRACE_INTERRUPT asked for (SIGTRAP either way).
                    if (_sampler is not null && _sampler.IsPending(tid))
                    {
                        _sampler.Take(tid, task.Tgid, task.Space);
                    }
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
        if (kind == Ptrace.EventClone && TgidOf(child) == parent.Tgid)
        {
            task = new TracedTask(child, parent.Tgid, parent.Space);
            _threads++;
        }
        else
        {
            // fork: the child's memory is a copy taken now; vfork: shared until the child execs or exits.
            var space = kind == Ptrace.EventVFork ? parent.Space : parent.Space.CloneForFork(child);
            task = new TracedTask(child, child, space);
            _processes++;
            _threads++;
            lock (_liveLock)
            {
                _liveProcesses.Add(child);
            }
            if (_stop != StopReason.None)
            {
                LibC.Kill(child, Signals.SigKill);
            }
        }
        _tasks[child] = task;
        if (_unclaimed.Remove(child))
        {
            Resume(child, 0);
        }
        else
        {
            _awaitingFirstStop.Add(child);
        }
    }

    private void OnExec(TracedTask task)
    {
        _seizeToExec.Stop();
        if (options.SampleRate is { } rate && _sampler is null)
        {
            // From the program's exec on (the launcher shell is not worth a sample), on this thread: the clock's
            // timer signals the thread that created it.
            _sampler = new StackSampler(rate);
        }
        var former = (int)EventMessage(task.Tid);
        var pid = task.Tid;
        // Every other thread of the process is gone; a non-leader that exec'd now has the leader's id.
        foreach (var other in _tasks.Values.Where(t => t.Tgid == task.Tgid && t.Tid != pid).ToList())
        {
            _tasks.Remove(other.Tid);
        }
        if (former != pid)
        {
            _tasks.Remove(former);
        }
        var old = task.Space;
        var space = new AddressSpace(pid);
        var renewed = task with { Tgid = pid, Space = space };
        _tasks[pid] = renewed;
        if (old.Pid == pid && !_tasks.Values.Any(t => t.Space == old))
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
        var bias = ElfFacts.IsPositionIndependent(executable)
            ? maps.FirstOrDefault(m => m.Path == executable && m.Offset == 0).Start
            : 0;
        AddImage(task, executable, bias);

        // At the exec stop only the executable and the dynamic linker are mapped.
        var linker = maps.FirstOrDefault(m => m.Offset == 0 && m.Path.StartsWith('/') && m.Path != executable);
        if (linker.Path is not { Length: > 0 })
        {
            return;
        }
        if (!_linkers.TryGetValue(linker.Path, out var symbols))
        {
            _linkers[linker.Path] = symbols = ElfFacts.DynamicLinkerSymbols(linker.Path);
        }
        if (symbols is not { } found)
        {
            return;
        }
        var breakpoint = linker.Start + found.DebugState;
        Span<byte> code = stackalloc byte[5];
        if (!task.Space.Memory.TryRead(breakpoint, code, pid))
        {
            return;
        }
        // _dl_debug_state is an empty function: "ret", or "endbr64; ret". We emulate the ret, so the
        // breakpoint can stay in place for every later dlopen without single-stepping over it.
        int length;
        if (code[0] == 0xc3)
        {
            length = 0;
        }
        else if (code[0] == 0xf3 && code[1] == 0x0f && code[2] == 0x1e && code[3] == 0xfa && code[4] == 0xc3)
        {
            length = 4;
        }
        else
        {
            return;
        }
        task.Space.InsertPersistent(breakpoint, pid);
        task.Space.Rendezvous = new RendezvousInfo(linker.Start + found.RDebug, breakpoint, length);
    }

    private void AddImage(TracedTask task, string path, ulong bias)
    {
        if (!_images.TryGetValue(path, out var probes))
        {
            var plan = planner.Plan(path);
            probes = plan is null ? null : new ImageProbes(path, plan);
            _images[path] = probes;
        }
        var before = task.Space.InsertedCount;
        task.Space.AddImage(path, bias, probes, task.Tid);
        _inserted += Math.Max(0, task.Space.InsertedCount - before);
    }

    private bool OnTrap(TracedTask task)
    {
        var tid = task.Tid;
        var rip = (ulong)PeekUser(tid, Ptrace.RipOffset);
        switch (task.Space.Classify(rip))
        {
            case TrapKind.Probe:
                _traps++;
                task.Space.Hit(rip - 1, tid);
                PokeUser(tid, Ptrace.RipOffset, (long)(rip - 1));
                Resume(tid, 0);
                return true;
            case TrapKind.AlreadyRestored:
                if (SignalCode(tid) != Ptrace.SiKernel)
                {
                    return false;
                }
                _traps++;
                task.Space.RepairIfStillTrapping(rip - 1, tid);
                PokeUser(tid, Ptrace.RipOffset, (long)(rip - 1));
                Resume(tid, 0);
                return true;
            case TrapKind.Rendezvous:
                _traps++;
                EmulateReturn(task);
                OnLibrariesChanged(task);
                Resume(tid, 0);
                return true;
            default:
                return false;
        }
    }

    private void EmulateReturn(TracedTask task)
    {
        var tid = task.Tid;
        var rsp = (ulong)PeekUser(tid, Ptrace.RspOffset);
        Span<byte> word = stackalloc byte[8];
        if (!task.Space.Memory.TryRead(rsp, word, tid))
        {
            throw new TracerException($"cannot read the stack of {tid} at the dynamic linker's rendezvous");
        }
        PokeUser(tid, Ptrace.RipOffset, BitConverter.ToInt64(word));
        PokeUser(tid, Ptrace.RspOffset, (long)(rsp + 8));
    }

    /// <summary>Walks <c>r_debug.r_map</c> when the list is consistent: probes new libraries, forgets unloaded ones.</summary>
    private void OnLibrariesChanged(TracedTask task)
    {
        var space = task.Space;
        var rendezvous = space.Rendezvous!;
        Span<byte> buffer = stackalloc byte[32];
        if (!space.Memory.TryRead(rendezvous.RDebug, buffer, task.Tid) || BitConverter.ToInt32(buffer[24..]) != RtConsistent)
        {
            return;
        }
        var loaded = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var node = BitConverter.ToUInt64(buffer[8..]);
        string? cwd = null;
        for (var count = 0; node != 0 && count < 4096; count++)
        {
            if (!space.Memory.TryRead(node, buffer, task.Tid))
            {
                break;
            }
            var bias = BitConverter.ToUInt64(buffer);
            var namePointer = BitConverter.ToUInt64(buffer[8..]);
            node = BitConverter.ToUInt64(buffer[24..]);
            var name = ReadString(space, namePointer, task.Tid);
            if (string.IsNullOrEmpty(name) || !name.Contains('/'))
            {
                continue; // the main program (""), or the vDSO
            }
            if (!name.StartsWith('/'))
            {
                cwd ??= new FileInfo($"/proc/{task.Tgid}/cwd").LinkTarget ?? "/";
                name = Path.GetFullPath(name, cwd);
            }
            loaded[name] = bias;
        }
        foreach (var (path, bias) in loaded)
        {
            if (!space.HasImage(path))
            {
                AddImage(task, path, bias);
            }
        }
        foreach (var path in space.ImagePaths.Where(p => p != space.Executable && !loaded.ContainsKey(p)).ToList())
        {
            space.RemoveImage(path);
        }
        space.Code = null;
    }

    private static string? ReadString(AddressSpace space, ulong address, int tid)
    {
        if (address == 0)
        {
            return null;
        }
        Span<byte> chunk = stackalloc byte[256];
        var bytes = new List<byte>();
        while (bytes.Count < 4096 && space.Memory.TryRead(address + (ulong)bytes.Count, chunk, tid))
        {
            var end = chunk.IndexOf((byte)0);
            if (end >= 0)
            {
                bytes.AddRange(chunk[..end]);
                return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
            }
            bytes.AddRange(chunk);
        }
        return null;
    }

    private static int TgidOf(int tid)
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

    private static void Resume(int tid, int signal) => Request(Ptrace.Cont, tid, 0, signal);

    /// <summary>A ptrace request whose failure with ESRCH (the task was killed meanwhile) is not an error.</summary>
    private static void Request(long request, int tid, nint address, nint data)
    {
        if (LibC.Ptrace(request, tid, address, data) == -1 && Marshal.GetLastPInvokeError() != LibC.ESrch)
        {
            throw new TracerException($"ptrace({request}) on {tid} failed: {LastError()}");
        }
    }

    private static long EventMessage(int tid)
    {
        long message = 0;
        unsafe
        {
            LibC.Ptrace(Ptrace.GetEventMsg, tid, 0, (nint)(&message));
        }
        return message;
    }

    private static unsafe int SignalCode(int tid)
    {
        var info = stackalloc byte[128];
        return LibC.Ptrace(Ptrace.GetSigInfo, tid, 0, (nint)info) == -1 ? 0 : *(int*)(info + 8);
    }

    private static long PeekUser(int tid, int offset)
    {
        Marshal.SetLastPInvokeError(0);
        return LibC.Ptrace(Ptrace.PeekUser, tid, offset, 0);
    }

    private static void PokeUser(int tid, int offset, long value) => Request(Ptrace.PokeUser, tid, offset, (nint)value);

    private static string LastError() => LibC.ErrorText(Marshal.GetLastPInvokeError());

    /// <summary>A traced thread: its id, its process (thread-group) id, and the address space it runs in.</summary>
    private sealed record TracedTask(int Tid, int Tgid, AddressSpace Space);
}
