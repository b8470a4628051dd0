using Harness.Tracing.Native;

namespace Harness.Tracing;

/// <summary>
/// The sampling side of a session, when <see cref="LaunchOptions.SampleRate"/> asks for samples: the
/// <see cref="StackSampler"/> (created at the program's exec), the rounds of PTRACE_INTERRUPT, and the wait that
/// also reads the main process's CPU time when it is reaped (to check samples against).
/// </summary>
internal sealed class SessionSampling(TaskRegistry registry, int? rate) : IDisposable
{
    public StackSampler? Sampler { get; private set; }

    /// <summary>
    /// From the program's exec on (the launcher shell is not worth a sample), on this thread: the clock's timer
    /// signals the thread that created it.
    /// </summary>
    public void OnExec()
    {
        if (rate is { } r && Sampler is null)
        {
            Sampler = new StackSampler(r);
        }
    }

    /// <summary>waitpid for any task; while sampling, first a round of interrupts when one is due.</summary>
    public int Wait(out int raw, int root)
    {
        if (Sampler is null)
        {
            return LibC.WaitPid(-1, out raw, Ptrace.WaitAll | Ptrace.WaitNoThread);
        }
        if (Sampler.Due())
        {
            InterruptRunning();
        }
        return WaitSampling(out raw, root);
    }

    public void Forget(int tid) => Sampler?.Forget(tid);

    /// <summary>A PTRACE_EVENT_STOP with SIGTRAP: when it answers our interrupt, take the sample (the caller resumes).</summary>
    public void OnInterruptStop(TracedTask task)
    {
        if (Sampler is not null && Sampler.IsPending(task.Tid))
        {
            Sampler.Take(task.Tid, task.Tgid, task.Space);
        }
    }

    public SampledProfile? Result() => Sampler?.Result();

    public void Dispose() => Sampler?.Dispose();

    /// <summary>
    /// One round of sampling: every thread that runs (not new and unresumed, not in a group-stop) gets a
    /// PTRACE_INTERRUPT; its PTRACE_EVENT_STOP then comes through the loop like any other stop.
    /// </summary>
    private void InterruptRunning()
    {
        foreach (var tid in registry.Tasks.Keys)
        {
            if (!registry.AwaitingFirstStop.Contains(tid) && !registry.Listening.Contains(tid))
            {
                Sampler!.Interrupt(tid);
            }
        }
    }

    private unsafe int WaitSampling(out int raw, int root)
    {
        RUsage usage;
        var tid = LibC.Wait4(-1, out raw, Ptrace.WaitAll | Ptrace.WaitNoThread, &usage);
        var status = new WaitStatus(raw);
        if (tid == root && (status.Exited || status.Signaled))
        {
            Sampler!.CpuTime = TimeSpan.FromMicroseconds(
                (usage.UserSeconds + usage.SystemSeconds) * 1e6 + usage.UserMicroseconds + usage.SystemMicroseconds);
        }
        return tid;
    }
}
