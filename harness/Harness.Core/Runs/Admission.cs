using Harness.Core.Model;

namespace Harness.Core.Runs;

/// <summary>
/// Decides which batch may start now, for the scheduler's jobs, from the CTest properties of the batches' tests: an
/// entry starts after the entries it DEPENDS on, after the setups of the fixtures it requires (and is not run when
/// one of them failed), and a cleanup after every entry that requires its fixture; no two entries holding one
/// RESOURCE_LOCK run at once, a RUN_SERIAL entry runs alone, and an entry takes PROCESSORS of the job slots. Batches
/// without CTest properties only take a slot. Otherwise batches start in the order given.
/// </summary>
internal sealed class Admission
{
    private static readonly CTestProperties None = new("");

    private readonly object _gate = new();
    private readonly List<Ticket> _pending;
    private readonly int _slots;
    private int _used;
    private int _running;
    private bool _serialRunning;
    private readonly HashSet<string> _locks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failedFixtures = new(StringComparer.Ordinal);
    /// <summary>Unfinished batches per CTest entry name, per fixture set up, and per fixture required.</summary>
    private readonly Dictionary<string, int> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _setups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _requirers = new(StringComparer.Ordinal);

    public Admission(IEnumerable<IReadOnlyList<TestCase>> batches, int slots)
    {
        _slots = Math.Max(1, slots);
        _pending = [.. batches.Select(batch => new Ticket(batch, batch[0].Binary.CTest ?? None))];
        foreach (var ticket in _pending)
        {
            Count(ticket, +1);
        }
    }

    /// <summary>A batch that may start and what it holds; with <see cref="SkipReason"/> it is not to be run at all.</summary>
    public sealed record Ticket(IReadOnlyList<TestCase> Batch, CTestProperties Properties)
    {
        public string? SkipReason { get; init; }

        public int Slots { get; init; } = 1;
    }

    /// <summary>The next batch that may start, waiting until one may; null when none is left or on cancellation.</summary>
    public Ticket? Next(CancellationToken cancellation)
    {
        lock (_gate)
        {
            while (!cancellation.IsCancellationRequested)
            {
                if (_pending.Count == 0)
                {
                    return null;
                }
                var index = _pending.FindIndex(Ready);
                // Nothing runs and nothing may start: a DEPENDS cycle. ctest refuses it; harness runs them in order.
                if (index < 0 && _running == 0)
                {
                    index = 0;
                }
                if (index >= 0)
                {
                    var ticket = _pending[index];
                    _pending.RemoveAt(index);
                    var properties = ticket.Properties;
                    _running++;
                    if (properties.FixturesRequired.FirstOrDefault(_failedFixtures.Contains) is { } fixture)
                    {
                        return ticket with { SkipReason = $"not run: the setup of fixture {fixture} failed", Slots = 0 };
                    }
                    var slots = properties.RunSerial ? _slots : Math.Min(properties.Processors, _slots);
                    _used += slots;
                    _serialRunning |= properties.RunSerial;
                    _locks.UnionWith(properties.ResourceLocks);
                    return ticket with { Slots = slots };
                }
                // Woken by every finished batch; the timeout only bounds how late a cancellation is seen.
                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(200));
            }
            return null;
        }
    }

    /// <summary>Marks <paramref name="ticket"/>'s batch finished; <paramref name="failed"/> when any of its tests failed.</summary>
    public void Finished(Ticket ticket, bool failed)
    {
        lock (_gate)
        {
            var properties = ticket.Properties;
            _running--;
            if (ticket.SkipReason is null)
            {
                _used -= ticket.Slots;
                _serialRunning &= !properties.RunSerial;
                _locks.ExceptWith(properties.ResourceLocks);
            }
            if (failed || ticket.SkipReason is not null)
            {
                _failedFixtures.UnionWith(properties.FixturesSetup);
            }
            Count(ticket, -1);
            Monitor.PulseAll(_gate);
        }
    }

    private bool Ready(Ticket ticket)
    {
        var properties = ticket.Properties;
        if (_serialRunning || (properties.RunSerial && _running > 0))
        {
            return false;
        }
        if (_used + Math.Min(properties.Processors, _slots) > _slots || properties.ResourceLocks.Any(_locks.Contains))
        {
            return false;
        }
        return !properties.Depends.Any(Unfinished(_entries))
            && !properties.FixturesRequired.Any(Unfinished(_setups))
            && !properties.FixturesCleanup.Any(fixture => Unfinished(_setups)(fixture) || Unfinished(_requirers)(fixture));
    }

    private static Func<string, bool> Unfinished(Dictionary<string, int> counts) => name => counts.GetValueOrDefault(name) > 0;

    private void Count(Ticket ticket, int delta)
    {
        var properties = ticket.Properties;
        foreach (var name in properties.AlsoNamed.Prepend(properties.Name).Where(n => n.Length > 0))
        {
            _entries[name] = _entries.GetValueOrDefault(name) + delta;
        }
        foreach (var fixture in properties.FixturesSetup)
        {
            _setups[fixture] = _setups.GetValueOrDefault(fixture) + delta;
        }
        foreach (var fixture in properties.FixturesRequired)
        {
            _requirers[fixture] = _requirers.GetValueOrDefault(fixture) + delta;
        }
    }
}
