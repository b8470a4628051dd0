using System.Diagnostics;
using System.Runtime.InteropServices;
using Harness.Tracing.Native;

namespace Harness.Tracing;

/// <summary>
/// Wakes the tracer thread at a fixed rate so it can interrupt the tracee's threads for a sample.
/// <para>
/// Why a signal to ourselves: only the tracer thread may call ptrace (DESIGN.md §4), and it spends its idle
/// time blocked in <c>waitpid</c>, which has no timeout and cannot be polled with other descriptors. A POSIX
/// timer with <c>SIGEV_THREAD_ID</c> sends a real-time signal to exactly that thread; the handler is installed
/// without <c>SA_RESTART</c>, so <c>waitpid</c> returns <c>EINTR</c> and the loop looks at the clock. The
/// program's own signals are never touched: the signal goes to harness, not to the tracee.
/// </para>
/// <para>
/// The handler is libc's <c>getpid</c> (async-signal-safe, takes no argument, does nothing we care about):
/// no managed code ever runs in signal context. The disposition is process-wide and installed once per
/// process on a real-time signal nobody else handles; it stays installed (a no-op) after the clock is gone.
/// </para>
/// </summary>
internal sealed unsafe class SampleClock : IDisposable
{
    private static readonly Lazy<int> WakeSignal = new(InstallHandler, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly nint _timer;
    private readonly long _period;
    private long _next;

    /// <summary>Starts ticking at <paramref name="rate"/> Hz to the calling thread (call it on the tracer thread).</summary>
    public SampleClock(int rate)
    {
        if (rate is < 1 or > 10_000)
        {
            throw new TracerException($"sampling rate {rate} Hz is outside 1–10000 Hz");
        }
        var signal = WakeSignal.Value;
        var set = stackalloc byte[LibC.SigSetSize];
        LibC.SigEmptySet(set);
        LibC.SigAddSet(set, signal);
        LibC.PThreadSigMask(LibC.SigUnblock, set, null);

        var nanoseconds = 1_000_000_000L / rate;
        var signalEvent = new SigEvent { Signal = signal, Notify = LibC.SigEvThreadId, ThreadId = LibC.GetTid() };
        nint timer;
        if (LibC.TimerCreate(LibC.ClockMonotonic, &signalEvent, &timer) != 0)
        {
            throw new TracerException($"cannot create the sampling timer: {LibC.ErrorText(Marshal.GetLastPInvokeError())}");
        }
        _timer = timer;
        var spec = new ITimerSpec
        {
            IntervalSeconds = nanoseconds / 1_000_000_000L,
            IntervalNanoseconds = nanoseconds % 1_000_000_000L,
            ValueSeconds = nanoseconds / 1_000_000_000L,
            ValueNanoseconds = nanoseconds % 1_000_000_000L,
        };
        if (LibC.TimerSetTime(_timer, 0, &spec, null) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            LibC.TimerDelete(_timer);
            throw new TracerException($"cannot start the sampling timer: {LibC.ErrorText(error)}");
        }
        Interval = TimeSpan.FromTicks(Math.Max(1, nanoseconds / 100));
        _period = Math.Max(1, Stopwatch.Frequency / rate);
        _next = Stopwatch.GetTimestamp() + _period;
    }

    public TimeSpan Interval { get; }

    /// <summary>Ticks that were due while the tracer was too busy to take them (each skipped, not queued).</summary>
    public long Missed { get; private set; }

    /// <summary>True once per period: the caller should take a sample now.</summary>
    public bool Due()
    {
        var now = Stopwatch.GetTimestamp();
        if (now < _next)
        {
            return false;
        }
        var late = (now - _next) / _period;
        Missed += late;
        _next += (late + 1) * _period;
        return true;
    }

    public void Dispose() => LibC.TimerDelete(_timer);

    /// <summary>Picks a real-time signal with the default disposition (from SIGRTMAX down) and installs the no-op handler.</summary>
    private static int InstallHandler()
    {
        var handler = NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "getpid");
        var low = LibC.SigRtMin() + 2; // .NET's runtime uses SIGRTMIN itself
        for (var signal = LibC.SigRtMax() - 1; signal >= low; signal--)
        {
            SigActionStruct current;
            if (LibC.SigAction(signal, null, &current) != 0 || current.Handler != 0)
            {
                continue; // taken (a handler, or SIG_IGN = 1)
            }
            var action = new SigActionStruct { Handler = handler, Flags = 0 }; // no SA_RESTART: waitpid must return EINTR
            if (LibC.SigAction(signal, &action, null) == 0)
            {
                return signal;
            }
        }
        throw new TracerException("no free real-time signal for the sampling timer");
    }
}
