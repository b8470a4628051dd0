using System.Runtime.InteropServices;
using Harness.Tracing.Native;
using static Harness.Tracing.PtraceCalls;

namespace Harness.Tracing;

/// <summary>
/// The probes side of a session: one <see cref="ImageProbes"/> per image path (planned once, shared by every
/// process that maps the image, so their hits merge), inserted into an address space when the image appears,
/// and the SIGTRAPs at our sites: record, restore, rewind, resume.
/// </summary>
internal sealed class ProbeTraps(IProbePlanner planner)
{
    private readonly Dictionary<string, ImageProbes?> _images = new(StringComparer.Ordinal);

    /// <summary>Breakpoint traps handled, the rendezvous's included.</summary>
    public long Traps { get; set; }

    public long Inserted { get; private set; }

    /// <summary>Every image that had probes.</summary>
    public IEnumerable<ImageProbes> Images => _images.Values.OfType<ImageProbes>();

    /// <summary>Maps an image into a task's address space and inserts its probes (planned on first sight of the path).</summary>
    public void AddImage(TracedTask task, string path, ulong bias)
    {
        if (!_images.TryGetValue(path, out var probes))
        {
            var plan = planner.Plan(path);
            probes = plan is null ? null : new ImageProbes(path, plan, planner.KnownBefore(path));
            _images[path] = probes;
        }
        var before = task.Space.InsertedCount;
        task.Space.AddImage(path, bias, probes, task.Tid);
        Inserted += Math.Max(0, task.Space.InsertedCount - before);
    }

    /// <summary>
    /// A signal for the program (not one of our traps): where the thread stands is evidence of what it ran. A fault
    /// (SIGSEGV, SIGBUS, SIGFPE, SIGILL) means the instruction at rip started; any other signal, that the one before it ended.
    /// </summary>
    public void OnSignal(TracedTask task, int signal)
    {
        Marshal.SetLastPInvokeError(0);
        var rip = PeekUser(task.Tid, Ptrace.RipOffset);
        if (rip == -1 && Marshal.GetLastPInvokeError() != 0)
        {
            return;
        }
        var started = signal is Signals.SigSegv or Signals.SigBus or Signals.SigFpe or Signals.SigIll;
        task.Space.Reached((ulong)rip, started, task.Tid);
    }

    /// <summary>
    /// A SIGTRAP at <paramref name="rip"/> that <see cref="AddressSpace.Classify"/> called a probe (one-shot, or already
    /// restored by another thread): true when it was ours and the task is resumed.
    /// </summary>
    public bool OnProbe(TracedTask task, ulong rip, TrapKind kind)
    {
        var tid = task.Tid;
        var resume = rip - 1;
        if (kind == TrapKind.AlreadyRestored)
        {
            if (SignalCode(tid) != Ptrace.SiKernel)
            {
                return false;
            }
            Traps++;
            task.Space.RepairIfStillTrapping(resume, tid);
        }
        else
        {
            Traps++;
            resume = task.Space.Hit(resume, tid);
        }
        PokeUser(tid, Ptrace.RipOffset, (long)resume);
        Resume(tid, 0);
        return true;
    }
}
