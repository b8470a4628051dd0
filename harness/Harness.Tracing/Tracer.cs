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
